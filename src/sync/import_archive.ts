/**
 * Adding Binance's own history exports (read by `src/archive/`) to the files: the archive's rows,
 * each once and never a copy of the API's (`src/archive/to_rows.ts`), written as a sync writes
 * (`commit.ts`: the same order, the same crash safety, positions rebuilt where they changed).
 * Fees of the added fills paid in another asset are priced at the next sync.
 *
 * @module
 */

import { join } from "node:path";
import type { PositionMode } from "../archive/position_side.ts";
import { type ArchiveContents, ArchiveError } from "../archive/types.ts";
import { type ArchiveRows, archiveRows } from "../archive/to_rows.ts";
import type { LedgerFill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { readIfExists } from "../storage/data_file.ts";
import { FILES } from "../storage/file_names.ts";
import { streamFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { commitOutcome, unpricedSymbols } from "./commit.ts";
import { INCOME_SETTLE_MS, readLocal } from "./local.ts";

/** Rows of the files within this much of the archive's period are compared with it. */
const MARGIN_MS = 86_400_000;

/** What importing did. */
export interface Imported extends ArchiveRows {
  /** The fills added to the file (those it had already are not counted). */
  readonly added: number;
  /** The income records added. */
  readonly incomeAdded: number;
}

/**
 * Adds `contents` to the files of `dir` (hold its lock). `mode`: the position mode of rows that
 * do not say, where the fills file does not tell.
 *
 * @throws {ArchiveError} for rows that cannot be added as they are (nothing is written).
 */
export async function importArchive(
  dir: string,
  contents: ArchiveContents,
  mode: PositionMode | undefined,
  now: number = Date.now(),
): Promise<Imported> {
  const markets = new Set([...contents.trades, ...contents.income].map((r) => r.market));
  if (markets.size > 1) {
    throw new ArchiveError(
      contents.files[0]?.source ?? "archive",
      "holds rows of both USD-M and COIN-M: import each market's files on their own",
    );
  }
  const market: Market = [...markets][0] ?? "usdm";
  const times = [...contents.trades, ...contents.income].map((r) => r.time);
  const from = Math.min(...times) - MARGIN_MS;
  const to = Math.max(...times) + MARGIN_MS;
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);

  // What the files hold over the archive's period, and each symbol's position mode.
  const apiFills: LedgerFill[] = [];
  const modes = new Map<string, PositionMode>();
  await readIfExists(() =>
    streamFills(path("fills"), (fill) => {
      if (fill.market !== market || fill.source !== "api") return;
      if (fill.positionSide !== "BOTH") modes.set(fill.symbol, "hedge");
      else if (!modes.has(fill.symbol)) modes.set(fill.symbol, "one-way");
      if (fill.time >= from && fill.time <= to) apiFills.push(fill);
    })
  );
  const apiIncome: IncomeRecord[] = [];
  await readIfExists(() =>
    streamIncomeFile(path("income"), (record) => {
      if (record.market !== market || record.source === "archive") return;
      if (record.time >= from && record.time <= to) apiIncome.push(record);
    })
  );
  const rows = archiveRows(contents, {
    apiFills,
    apiIncome,
    modeOf: (_, symbol) => modes.get(symbol) ?? mode,
  });

  const local = await readLocal(dir, market, false);
  const committed = await commitOutcome(local, {
    market,
    fills: rows.fills,
    income: rows.income,
    prices: [],
    checked: undefined,
    cutoffMs: now - INCOME_SETTLE_MS,
    unpriced: new Set(unpricedSymbols(rows.fills)),
  });
  return { ...rows, added: committed.fills.length, incomeAdded: committed.income.length };
}
