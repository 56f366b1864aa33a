/**
 * The sync's last steps, after the fills and income files are written: the fee prices the fills
 * need (fetched into the price cache), then the files derived from everything on disk — the fee
 * conversions and the positions. Each is written atomically, in that order, so a run killed
 * between them is completed by the next one (the wanted prices are those the cache lacks for any
 * fill in the file, not only new fills).
 *
 * @module
 */

import { join } from "node:path";
import type { Fill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { PositionSnapshot } from "../ledger/anchor.ts";
import { buildLedger } from "../ledger/aggregate.ts";
import type { Ledger } from "../ledger/ledger_stream.ts";
import { feeConversions, PriceTable } from "../ledger/fee_prices.ts";
import { writeConversionsFile } from "../storage/conversions_file.ts";
import { FILES } from "../storage/file_names.ts";
import { writePositionsFile } from "../storage/positions_file.ts";
import {
  type PriceEntry,
  priceKey,
  readPricesFile,
  writePricesFile,
} from "../storage/prices_file.ts";
import { fetchPrices, type KlinesSource, wantedMinutes } from "./fee_prices.ts";
import type { SyncEventHandler } from "./progress_events.ts";

/**
 * Fetches the prices `market`'s fills need and the cache in `dir` lacks, and saves them; returns
 * every cached price and the fetch's failure, if any (what was fetched before it is saved).
 * `onEvent` hears the fetch's progress.
 */
export async function updatePriceCache(
  dir: string,
  source: KlinesSource,
  fills: readonly Fill[],
  market: Market,
  onEvent?: SyncEventHandler,
): Promise<{ entries: PriceEntry[]; failure: unknown }> {
  const path = join(dir, FILES.prices);
  const entries = await readPrices(path);
  const cached = new Set(entries.map((e) => priceKey(e.symbol, e.minute)));
  const wanted = wantedMinutes(fills.filter((f) => f.market === market), cached);
  if (wanted.size === 0) return { entries, failure: undefined };
  const fetched: PriceEntry[] = [];
  let failure: unknown;
  try {
    await fetchPrices(source, wanted, fetched, onEvent);
  } catch (error) {
    failure = error;
  }
  if (fetched.length > 0) await writePricesFile(path, [...entries, ...fetched]);
  return { entries: [...entries, ...fetched], failure };
}

/** The price cache in `dir` as a price table (empty when there is none). */
export async function readPriceTable(dir: string): Promise<PriceTable> {
  return priceTable(await readPrices(join(dir, FILES.prices)));
}

/** Builds the ledger from everything on disk and writes the conversions and positions files. */
export async function writeDerivedFiles(
  dir: string,
  fills: readonly Fill[],
  income: readonly IncomeRecord[],
  snapshots: readonly PositionSnapshot[],
  prices: readonly PriceEntry[],
): Promise<Ledger> {
  const table = priceTable(prices);
  await writeConversionsFile(join(dir, FILES.conversions), feeConversions(fills, table));
  const ledger = buildLedger(fills, { snapshots, income, prices: table });
  await writePositionsFile(join(dir, FILES.positions), ledger.positions);
  return ledger;
}

function priceTable(entries: readonly PriceEntry[]): PriceTable {
  const table = new PriceTable();
  for (const e of entries) if (e.open !== undefined) table.set(e.symbol, e.minute, e.open);
  return table;
}

async function readPrices(path: string): Promise<PriceEntry[]> {
  try {
    return await readPricesFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
