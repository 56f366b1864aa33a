/**
 * A sync's last stage: its outcome written, each file once, in this order — the order that lets a
 * run killed at any moment be completed by the next one, with the same result as a run never
 * interrupted:
 *
 * 1. the fills file: the new fills (those fetched before a failure are kept too);
 * 2. the income file: the new records — not after a failure, so the next run sees the same new
 *    income and finds the same symbols to query;
 * 3. the fee price cache;
 * 4. the fee conversions and the positions, derived from 1–3 (`ledger_update.ts`);
 * 5. `state.json`: the watermarks (derived from 1–2), Binance's positions as checked, and the
 *    bulk downloads (those whose rows 1–2 wrote recorded as merged);
 * 6. the cache, last: it records every file as written, so a run killed before it leaves files
 *    the cache does not describe, and the next sync reads them whole instead of trusting it.
 *
 * Before 1, every new row is checked to read back once written (`new_rows.ts`): one that would
 * not stops the sync with nothing written. A file with nothing new is not written; a sync with
 * nothing new writes nothing.
 *
 * @module
 */

import { SyncError } from "./sync_error.ts";
import { join } from "node:path";
import type { Fill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { needsConversion } from "../ledger/fee_prices.ts";
import { type SavedSnapshot, saveSnapshot } from "../ledger/anchor.ts";
import { combineUnattached, type SymbolSummary, type UnattachedTotals } from "../ledger/summary.ts";
import {
  CACHE_FILE,
  CACHE_VERSION,
  type LedgerCache,
  writeCacheFile,
} from "../storage/cache_file.ts";
import { readIfExists } from "../storage/data_file.ts";
import { FILES } from "../storage/file_names.ts";
import {
  type PriceEntry,
  readPricesFile,
  readPriceTable,
  writePricesFile,
} from "../storage/prices_file.ts";
import type { DownloadHistory } from "../storage/download_records.ts";
import { checkNewFills, checkNewIncome } from "../storage/new_rows.ts";
import { addFills, addIncome } from "../storage/sorted_update.ts";
import { deriveState, snapshotsOf, writeStateFile } from "../storage/state_file.ts";
import type { PositionMap, SymbolPlan } from "./discovery.ts";
import { updateLedger } from "./ledger_update.ts";
import { INCOME_SETTLE_MS, type LocalState, repriceOf, stampsOf } from "./local.ts";
import { checkIncome, checkPositions, type IncomeCheck, type PositionCheck } from "./reconcile.ts";
import type { Fetched } from "./remote.ts";
import { withCheckedPositions, withDownloadHistory, withSavedChecks } from "./state.ts";

/** What a sync did. */
export interface SyncResult {
  /** The symbols queried and why. */
  readonly plan: readonly SymbolPlan[];
  /** Fills added, by symbol. */
  readonly added: ReadonlyMap<string, number>;
  /** Income records added. */
  readonly incomeAdded: number;
  /** Every symbol of the market: its totals, open positions and unattached funding. */
  readonly summaries: ReadonlyMap<string, SymbolSummary>;
  /** The market's funding that no position took. */
  readonly unattached: UnattachedTotals;
  /** The ledger's open positions of the market against Binance's. */
  readonly positionCheck: PositionCheck;
  /** The ledger's totals against the income history's; `undefined` without income records. */
  readonly incomeCheck: IncomeCheck | undefined;
  /** The times of the bulk downloads' rows added (fills, income records). */
  readonly archiveAdded: { readonly fills: readonly number[]; readonly income: readonly number[] };
}

/** What a run writes: rows to add, prices, and Binance's positions if they were read. */
export interface Outcome {
  /** The market the run is about. */
  readonly market: Market;
  /** Fills to add (any order; those the file has are kept once). */
  readonly fills: readonly Fill[];
  /** Income records to add, or `undefined` to leave the income file as it is (after a failure). */
  readonly income: readonly IncomeRecord[] | undefined;
  /** Fee prices fetched. */
  readonly prices: readonly PriceEntry[];
  /**
   * Binance's positions of the market as read now, and when (Binance's clock); `undefined` when
   * they were not read, or not with every fill (after a failure): the last ones stay.
   */
  readonly checked: { readonly positions: PositionMap; readonly time: number } | undefined;
  /** The time the income check runs to, ms. */
  readonly cutoffMs: number;
  /** Symbols whose fees may lack a price (rebuilt and priced at the next sync). */
  readonly unpriced: ReadonlySet<string>;
  /** The market's bulk downloads as they stand once the rows are written; default: as saved. */
  readonly history?: DownloadHistory;
}

/** What writing an outcome did. */
export interface Committed {
  /** The fills added (not in the file before). */
  readonly fills: readonly Fill[];
  /** The income records added. */
  readonly income: readonly IncomeRecord[];
  /** Every market's cache part, as written. */
  readonly markets: LedgerCache["markets"];
}

/** Writes `outcome` to `local`'s files, in the order above. */
export async function commitOutcome(local: LocalState, outcome: Outcome): Promise<Committed> {
  const { market } = outcome;
  const path = (name: keyof typeof FILES) => join(local.dir, FILES[name]);
  // Nothing is written if a new row could not be read back (`new_rows.ts`).
  checkNewFills(path("fills"), outcome.fills);
  checkNewIncome(path("income"), outcome.income ?? []);
  // 1, 2. The data.
  const fills = await addFills(path("fills"), outcome.fills);
  const income = outcome.income === undefined
    ? { added: [], removed: [], appended: true }
    : await addIncome(path("income"), outcome.income);
  // 3. The price cache.
  if (outcome.prices.length > 0) {
    const cached = await readIfExists(() => readPricesFile(path("prices"))) ?? [];
    await writePricesFile(path("prices"), [...cached, ...outcome.prices]);
  }
  // 4. What is derived from them. Binance's positions now anchor the ledger only if every fill
  // up to now is in the file; the last ones stay the anchor while nothing changed.
  const saved = (local.saved === undefined ? [] : snapshotsOf(local.saved)).map(saveSnapshot);
  const last = local.saved?.markets[market];
  let anchor: SavedSnapshot | undefined;
  if (outcome.checked !== undefined) {
    const { positions, time } = outcome.checked;
    const checkedMs = last?.positions_checked_ms;
    const unchanged = checkedMs !== undefined &&
      !fills.added.some((f) => f.market === market) &&
      JSON.stringify(Object.entries(last?.positions_checked ?? {}).sort()) ===
        JSON.stringify([...positions].sort());
    anchor = {
      market,
      time: unchanged ? checkedMs : time,
      amounts: Object.fromEntries(positions),
    };
  }
  const snapshots = anchor === undefined
    ? saved
    : [anchor, ...saved.filter((s) => s.market !== market)];
  const markets = await updateLedger({
    dir: local.dir,
    market,
    cache: local.cache,
    fills: fills.added,
    appended: fills.appended,
    income: income.added,
    removedIncome: income.removed,
    replaced: new Set(
      [...fills.removed, ...income.removed].filter((r) => r.market === market).map((r) => r.symbol),
    ),
    snapshots,
    prices: await readPriceTable(path("prices")),
    cutoffMs: outcome.cutoffMs,
    unpriced: outcome.unpriced,
    scanned: local.scan?.sums,
  });
  // 5. state.json.
  const ends = [
    ...Object.entries(local.ends.markets).flatMap(([m, state]) =>
      Object.entries(state?.symbols ?? {}).map(([symbol, w]) => ({
        market: m as Market,
        symbol,
        id: w.last_trade_id,
        time: w.last_trade_time_ms,
      }))
    ),
    ...fills.added,
  ];
  const incomeEnds = [
    ...Object.entries(local.ends.markets).flatMap(([m, state]) =>
      state?.income_time_ms == null ? [] : [{ market: m as Market, time: state.income_time_ms }]
    ),
    ...income.added,
  ];
  const derived = deriveState(ends, incomeEnds);
  const checks = anchor === undefined
    ? withSavedChecks(derived, local.saved)
    : withCheckedPositions(
      withSavedChecks(derived, local.saved),
      market,
      anchor.amounts,
      anchor.time,
    );
  const state = withDownloadHistory(checks, local.saved, market, outcome.history);
  if (JSON.stringify(state) !== JSON.stringify(local.saved)) {
    await writeStateFile(path("state"), state);
  }
  // 6. The cache.
  const cache: LedgerCache = { version: CACHE_VERSION, files: await stampsOf(local.dir), markets };
  if (JSON.stringify(cache) !== JSON.stringify(local.cache)) {
    await writeCacheFile(join(local.dir, CACHE_FILE), cache);
  }
  return { fills: fills.added, income: income.added, markets };
}

/**
 * Writes what `fetched` brought to `local`'s files (`commitOutcome`); returns what the sync did,
 * or throws its failure once everything that can be kept is written.
 *
 * @throws {SyncError} when a symbol's fills or a fee price could not be fetched.
 */
export async function commitSync(
  local: LocalState,
  fetched: Fetched,
  market: Market,
): Promise<SyncResult> {
  const failure = fetched.failure === undefined ? undefined : new SyncError(
    `${fetched.failure.symbol}: ${errorText(fetched.failure.error)}`,
    { cause: fetched.failure.error },
  );
  // The bulk downloads' rows are old: written even after a failure. The API's income is not, nor
  // Binance's positions as checked, after a failure or when only some symbols were asked for
  // (`--symbols`): the next run finds the same new income and differences, and the same symbols
  // to query, which this one did not all query.
  const whole = failure === undefined && !fetched.onlyAsked;
  const archiveFills = fetched.archiveFills ?? [];
  const archiveIncome = fetched.archiveIncome ?? [];
  const fills = [...fetched.fills, ...archiveFills];
  const committed = await commitOutcome(local, {
    market,
    fills,
    income: whole
      ? [...fetched.income, ...archiveIncome]
      : archiveIncome.length > 0
      ? archiveIncome
      : undefined,
    prices: fetched.prices,
    checked: whole ? { positions: fetched.onExchange, time: fetched.now } : undefined,
    cutoffMs: fetched.now - INCOME_SETTLE_MS,
    unpriced: fetched.pricesFailure === undefined ? new Set() : new Set([
      ...unpricedSymbols(fills),
      ...repriceOf(local, market),
    ]),
    history: fetched.history,
  });
  if (failure !== undefined) throw failure;
  if (fetched.pricesFailure !== undefined) {
    throw new SyncError(`fee prices: ${errorText(fetched.pricesFailure)}`, {
      cause: fetched.pricesFailure,
    });
  }
  const { markets } = committed;
  const summaries = new Map(
    Object.entries(markets[market]?.symbols ?? {}).map(([symbol, entry]) => [
      symbol,
      entry.summary,
    ]),
  );
  const added = new Map<string, number>();
  for (const fill of committed.fills) added.set(fill.symbol, (added.get(fill.symbol) ?? 0) + 1);
  const sums = markets[market]?.sums;
  return {
    plan: fetched.plan,
    added,
    incomeAdded: committed.income.filter((r) => r.market === market).length,
    summaries,
    unattached: combineUnattached([...summaries.values()].map((s) => s.unattached)),
    positionCheck: checkPositions(summaries, fetched.onExchange),
    // (After `--symbols`, the new income is not in the file yet: the next sync checks it.)
    incomeCheck: sums === null || sums === undefined || fetched.onlyAsked
      ? undefined
      : checkIncome(sums, summaries),
    archiveAdded: {
      fills: committed.fills.filter((f) => f.source === "archive").map((f) => f.time),
      income: committed.income.filter((r) => r.source === "archive").map((r) => r.time),
    },
  };
}

/** The symbols of fills whose fee in another asset may lack its price. */
export function unpricedSymbols(fills: readonly Fill[]): string[] {
  return [...new Set(fills.filter(needsConversion).map((f) => f.symbol))];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
