/**
 * `state.json`: where each sync left off, for people and tools to read, and a cross-check.
 *
 * The fills and income files are the source of truth: every watermark here can be derived from
 * them ({@linkcode deriveState}), and this file is written only after them. A missing, unreadable
 * or inconsistent state file is therefore never fatal: the sync rebuilds it and says so.
 *
 * Schema (version 1):
 * ```json
 * { "version": 1,
 *   "markets": { "usdm": { "income_time_ms": 1767225600000,
 *     "symbols": { "BTCUSDT": { "last_trade_id": "4575108247", "last_trade_time_ms": 1707530039409 } },
 *     "positions_checked": { "ETHUSDT|BOTH": "-1.5" }, "positions_checked_ms": 1767225600000 } } }
 * ```
 * `positions_checked` (with its time) is not derived from the files: Binance's open positions at
 * the last sync. It anchors the ledger (what a book held before its first fill in the served
 * history is then exact) and lets a difference the fills cannot explain be queried once, not at
 * every sync. Nor are `api_from_ms` and `downloads` (`download_records.ts`): the bulk downloads
 * asked for and merged. Files without them (older versions) read as before; a malformed one is
 * an error, not a reason to rebuild: a lost download id is quota spent for nothing.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { compareIds, isMadeId, type LedgerFill, type Market, MARKETS } from "../fill.ts";
import type { PositionSnapshot } from "../ledger/anchor.ts";
import type { IncomeRecord } from "../income.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { DataFileError } from "./data_file.ts";
import { type DownloadHistory, downloadHistoryProblem } from "./download_records.ts";

/** Where one symbol's fills end. */
export interface SymbolWatermark {
  /** Highest trade id synced (digits). */
  readonly last_trade_id: string;
  /** Time of that trade, ms. */
  readonly last_trade_time_ms: number;
}

/** One market's watermarks (and its bulk downloads). */
export interface MarketState extends DownloadHistory {
  /** Per symbol. */
  readonly symbols: Readonly<Record<string, SymbolWatermark>>;
  /** Time of the newest income record synced, ms; `null` before the first. */
  readonly income_time_ms: number | null;
  /** Binance's open positions when last checked: `SYMBOL|positionSide` → signed amount. */
  readonly positions_checked?: Readonly<Record<string, string>>;
  /** When they were checked (Binance's clock), ms. */
  readonly positions_checked_ms?: number;
}

/** The whole state file. */
export interface SyncState {
  /** Schema version: 1. */
  readonly version: 1;
  /** Per market. */
  readonly markets: Readonly<Partial<Record<Market, MarketState>>>;
}

/**
 * The state implied by the files: the last fill of each symbol (of the API's: not one with an id
 * made for an archive's row), the last income record.
 */
export function deriveState(
  fills: Iterable<Pick<LedgerFill, "market" | "symbol" | "id" | "time">>,
  income: Iterable<Pick<IncomeRecord, "market" | "time">>,
): SyncState {
  const symbols: Record<string, Record<string, SymbolWatermark>> = {};
  const incomeTime: Record<string, number> = {};
  for (const fill of fills) {
    if (isMadeId(fill.id)) continue; // an archive's row: not where the API's fills end
    const bySymbol = symbols[fill.market] ??= {};
    const previous = bySymbol[fill.symbol];
    if (previous === undefined || compareIds(previous.last_trade_id, fill.id) < 0) {
      bySymbol[fill.symbol] = { last_trade_id: fill.id, last_trade_time_ms: fill.time };
    }
  }
  for (const record of income) {
    incomeTime[record.market] = Math.max(incomeTime[record.market] ?? 0, record.time);
  }
  const markets: Partial<Record<Market, MarketState>> = {};
  for (const market of MARKETS) {
    if (symbols[market] === undefined && incomeTime[market] === undefined) continue;
    const sorted = Object.entries(symbols[market] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    markets[market] = {
      symbols: Object.fromEntries(sorted),
      income_time_ms: incomeTime[market] ?? null,
    };
  }
  return { version: 1, markets };
}

/**
 * Reads the state file: the state, or `undefined` when there is none (the caller rebuilds it from
 * the files and warns).
 *
 * @throws {DataFileError} for a file that is not a state file this version can read (not JSON,
 *   another schema, a newer version's) or with malformed download records: it is never
 *   overwritten, since what it alone holds (the bulk downloads asked for, Binance's positions at
 *   the last sync) cannot be rebuilt from the files.
 */
export async function readStateFile(path: string): Promise<SyncState | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const damaged = (what: string) =>
    new DataFileError(
      path,
      0,
      `${what}: fix it, or move it away and sync again (the sync rebuilds it from the files, ` +
        "but forgets the bulk downloads it asked for)",
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damaged(`not valid JSON (${error instanceof Error ? error.message : error})`);
  }
  const state = value as SyncState;
  const version = (state as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > 1) {
    throw new DataFileError(
      path,
      0,
      `written by a newer futures-ledger (state version ${version}; this one reads version 1): ` +
        "run that version",
    );
  }
  if (typeof state !== "object" || state === null || version !== 1) {
    throw damaged("not a version 1 state file");
  }
  if (typeof state.markets !== "object" || state.markets === null) {
    throw damaged('no "markets"');
  }
  for (const market of MARKETS) {
    const entry = state.markets[market];
    if (entry === undefined) continue;
    if (typeof entry !== "object" || entry === null) {
      throw damaged(`markets.${market} is not an object`);
    }
    const problem = downloadHistoryProblem(entry, `markets.${market}`);
    if (problem !== undefined) {
      throw new DataFileError(
        path,
        0,
        `${problem}: fix it, or delete that record (futures-ledger then forgets the download)`,
      );
    }
  }
  return state;
}

/**
 * Ways the saved state disagrees with the files' own: a symbol the state says was synced further
 * than the fills file holds (fills removed or restored from an older copy?), or one it lists
 * that the file lacks. Being behind is normal after an interrupted run and not reported.
 */
export function stateDiscrepancies(saved: SyncState, derived: SyncState): string[] {
  const problems: string[] = [];
  for (const market of MARKETS) {
    const savedSymbols = saved.markets[market]?.symbols ?? {};
    const fileSymbols = derived.markets[market]?.symbols ?? {};
    for (const [symbol, mark] of Object.entries(savedSymbols)) {
      const file = fileSymbols[symbol];
      if (typeof mark?.last_trade_id !== "string") continue;
      if (file === undefined) {
        problems.push(`${market} ${symbol}: in state.json but has no fills in the fills file`);
      } else if (compareIds(mark.last_trade_id, file.last_trade_id) > 0) {
        problems.push(
          `${market} ${symbol}: state.json says trade ${mark.last_trade_id} was synced, the fills ` +
            `file ends at ${file.last_trade_id}`,
        );
      }
    }
  }
  return problems;
}

/** The position snapshots a state records (those with a time), for anchoring the ledger. */
export function snapshotsOf(state: SyncState): PositionSnapshot[] {
  const snapshots: PositionSnapshot[] = [];
  for (const market of MARKETS) {
    const { positions_checked: positions, positions_checked_ms: time } = state.markets[market] ??
      {};
    if (positions === undefined || typeof time !== "number") continue;
    try {
      const amounts = new Map(Object.entries(positions).map(([k, v]) => [k, Decimal.parse(v)]));
      snapshots.push({ market, time, amounts });
    } catch {
      continue; // a hand-edited, unreadable snapshot is no anchor
    }
  }
  return snapshots;
}

/** Writes the state file atomically (pretty-printed, stable key order). */
export async function writeStateFile(path: string, state: SyncState): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(state, null, 2) + "\n");
}
