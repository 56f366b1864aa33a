/**
 * The sync: brings the fills, income and positions files up to date from Binance, incrementally
 * and crash-safely. It wires the client (HTTP), the storage (files) and the ledger (pure).
 *
 * Crash safety rests on one order of writes: the fills file first, then the income file, then the
 * fee price cache, then `state.json`, then the derived files (fee conversions, positions), each
 * replaced atomically. Watermarks are derived from
 * the files themselves, so a run killed at any moment is completed by the next one, with the
 * same result as an uninterrupted run. If a symbol fails, the fills fetched so far are saved but
 * the income file is not: the next run sees the same income and rediscovers the same symbols.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { join } from "node:path";
import type { PositionRiskRow } from "./binance/rows.ts";
import { Decimal } from "./decimal.ts";
import type { Market } from "./fill.ts";
import type { PositionSnapshot } from "./ledger/anchor.ts";
import { aggregatePositions } from "./ledger/aggregate.ts";
import type { Ledger } from "./ledger/ledger_stream.ts";
import { removeStaleTemporaryFiles } from "./storage/atomic_write.ts";
import { readIfExists } from "./storage/data_file.ts";
import { FILES } from "./storage/file_names.ts";
import { readFillsFile, writeFillsFile } from "./storage/fills_file.ts";
import { readIncomeFile, writeIncomeFile } from "./storage/income_file.ts";
import { deriveState, snapshotsOf, writeStateFile } from "./storage/state_file.ts";
import { planSymbols, type SymbolPlan } from "./sync/discovery.ts";
import type { KlinesSource } from "./sync/fee_prices.ts";
import type { TradesSource } from "./sync/fetch_fills.ts";
import { fetchPlan } from "./sync/fetch_plan.ts";
import { fetchIncome, type IncomeSource } from "./sync/fetch_income.ts";
import type { SyncEvent } from "./sync/progress_events.ts";
import { mergeFills, mergeIncome } from "./sync/merge.ts";
import { updatePriceCache, writeDerivedFiles } from "./sync/outputs.ts";
import { exchangePositions, ledgerPositions } from "./sync/positions_map.ts";
import {
  checkIncome,
  checkPositions,
  type IncomeCheck,
  type PositionCheck,
} from "./sync/reconcile.ts";
import { checkState, withCheckedPositions, withSavedChecks } from "./sync/state.ts";

export { FILES } from "./storage/file_names.ts";

const log = getLogger(["futures-ledger", "sync"]);

/**
 * How far back Binance serves fills and income: 3 months (userTrades since the change log of
 * 2026-08-26; USD-M income always), taken as 92 days so no served day is skipped.
 */
const HORIZON_MS = 92 * 86_400_000;
/**
 * Income records can become visible after later ones (funding is settled in a batch, minutes
 * after its timestamp), so each sync reads the income history again from this long before the
 * newest record it has (an hour: funding settles within minutes; more would cost an extra page
 * on busy accounts), and keeps each record once.
 */
const INCOME_OVERLAP_MS = 3_600_000;
/**
 * The comparison with the income history ends this long before now: a fill's COMMISSION and
 * REALIZED_PNL records may be booked a moment after the fill.
 */
const INCOME_SETTLE_MS = 10 * 60_000;

/** What to sync. */
export interface SyncOptions {
  /** The directory holding the files (it must exist). */
  readonly dir: string;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** `--from`: walk every symbol's fills from this time (ms) rather than from its watermark. */
  readonly from?: number;
  /** `--symbols`: query exactly these. */
  readonly symbols?: readonly string[];
  /** `--full`: re-check every known symbol from its watermark. */
  readonly full?: boolean;
}

/** What the sync needs of the Binance client. */
export interface SyncClient extends TradesSource, IncomeSource, KlinesSource {
  /** The exchange's clock, ms. */
  serverTime(): Promise<number>;
  /** Symbols and rate limits (the client adopts the request-weight limit it states). */
  exchangeInfo(): Promise<unknown>;
  /** Open positions. */
  positionRisk(): Promise<PositionRiskRow[]>;
}

export type { SyncEvent } from "./sync/progress_events.ts";

/** What a sync did. */
export interface SyncResult {
  /** The symbols queried and why. */
  readonly plan: readonly SymbolPlan[];
  /** Fills added, by symbol. */
  readonly added: ReadonlyMap<string, number>;
  /** Income records added. */
  readonly incomeAdded: number;
  /** The ledger rebuilt from the whole fills and income files: positions and funding. */
  readonly ledger: Ledger;
  /** The ledger's open positions of the market against Binance's. */
  readonly positionCheck: PositionCheck;
  /** The ledger's totals against the income history's; `undefined` without income records. */
  readonly incomeCheck: IncomeCheck | undefined;
}

/** A sync that failed part-way; what was fetched before the failure is saved. */
export class SyncError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "SyncError";
  }
}

/** Runs one sync of `options.market` into `options.dir`. Hold the directory's lock first. */
export async function runSync(
  options: SyncOptions,
  client: SyncClient,
  onEvent: (event: SyncEvent) => void = () => {},
): Promise<SyncResult> {
  const { dir, market } = options;
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);
  for (const name of await removeStaleTemporaryFiles(dir)) {
    log.info("removed {name}, left by an interrupted run", { name });
  }
  const existing = await readIfExists(() => readFillsFile(path("fills")));
  const oldIncome = await readIfExists(() => readIncomeFile(path("income")));
  for (const column of existing?.unknownColumns ?? []) {
    log.warn("{file}: column {column} is not kept when the file is rewritten", {
      file: path("fills"),
      column,
    });
  }
  const fills = existing?.fills ?? [];
  const income = oldIncome ?? [];
  const derived = deriveState(fills, income);
  const saved = await checkState(path("state"), derived, fills.length > 0);

  await client.exchangeInfo(); // first: the weight limit to pace every other request by
  const now = await client.serverTime();
  const horizon = now - HORIZON_MS;
  if (options.from !== undefined && options.from < horizon) {
    log.warn(
      "Binance serves only the last 3 months of fills and income: nothing before {date} can be fetched",
      { date: new Date(horizon).toISOString().slice(0, 10) },
    );
  }
  const marks = derived.markets[market];
  const watermark = marks?.income_time_ms;
  const incomeFrom = Math.max(
    horizon,
    options.from ??
      (watermark === null || watermark === undefined ? horizon : watermark - INCOME_OVERLAP_MS),
  );
  const { rows: incomeRows, gaps } = await fetchIncome(client, incomeFrom, now, onEvent);
  for (const gap of gaps) {
    log.warn(
      "income history: {gap}; Binance returns only the first 1000, so {file} lacks the rest " +
        "(the fills file is complete)",
      { gap, file: FILES.income },
    );
  }
  const fetchedIncome = incomeRows.map((row) => ({ market, ...row }));
  const { records: allIncome, added: newIncome } = mergeIncome(income, fetchedIncome);

  const savedSnapshots = saved === undefined ? [] : snapshotsOf(saved);
  const before = aggregatePositions(fills, savedSnapshots);
  const onExchange = exchangePositions(await client.positionRisk());
  const checked = saved?.markets[market]?.positions_checked ?? {};
  const plan = planSymbols({
    known: new Set(Object.keys(marks?.symbols ?? {})),
    income: newIncome,
    exchangePositions: onExchange,
    ledgerPositions: ledgerPositions(before, market),
    checkedPositions: new Map(Object.entries(checked)),
    full: options.full === true || options.from !== undefined,
    only: options.symbols,
  });
  for (const { symbol, reason } of plan) log.debug("{symbol}: {reason}", { symbol, reason });

  const { fills: fetched, failure: failed } = await fetchPlan(client, plan, {
    market,
    from: options.from,
    watermarks: marks?.symbols ?? {},
    horizon,
    now,
  }, onEvent);
  const failure = failed === undefined
    ? undefined
    : new SyncError(`${failed.symbol}: ${errorText(failed.error)}`, { cause: failed.error });

  const merged = mergeFills(fills, fetched);
  if (merged.added.length > 0 || existing === undefined) {
    await writeFillsFile(path("fills"), merged.fills);
  }
  if (failure === undefined && (newIncome.length > 0 || oldIncome === undefined)) {
    await writeIncomeFile(path("income"), allIncome);
  }
  // Binance's positions anchor the ledger only if every fill up to then is in the file.
  const snapshot: PositionSnapshot = {
    market,
    time: now,
    amounts: new Map([...onExchange].map(([key, amount]) => [key, Decimal.parse(amount)])),
  };
  const snapshots = failure === undefined
    ? [snapshot, ...savedSnapshots.filter((s) => s.market !== market)]
    : savedSnapshots;
  const savedIncome = failure === undefined ? allIncome : income;
  const prices = await updatePriceCache(dir, client, merged.fills, market, onEvent);
  const state = deriveState(merged.fills, savedIncome);
  await writeStateFile(
    path("state"),
    failure === undefined
      ? withCheckedPositions(state, market, Object.fromEntries(onExchange), now)
      : withSavedChecks(state, saved),
  );
  const ledger = await writeDerivedFiles(dir, merged.fills, savedIncome, snapshots, prices.entries);
  if (failure !== undefined) throw failure;
  if (prices.failure !== undefined) {
    throw new SyncError(`fee prices: ${errorText(prices.failure)}`, { cause: prices.failure });
  }

  const added = new Map<string, number>();
  for (const fill of merged.added) added.set(fill.symbol, (added.get(fill.symbol) ?? 0) + 1);
  return {
    plan,
    added,
    incomeAdded: newIncome.length,
    ledger,
    positionCheck: checkPositions(ledger, onExchange, market),
    incomeCheck: checkIncome(merged.fills, allIncome, ledger, market, now - INCOME_SETTLE_MS),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
