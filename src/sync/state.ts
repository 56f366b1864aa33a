/**
 * The sync's handling of `state.json`: checking the saved state against the files, and recording
 * Binance's positions as checked.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type Market, MARKETS } from "../fill.ts";
import { readStateFile, stateDiscrepancies, type SyncState } from "../storage/state_file.ts";

const log = getLogger(["futures-ledger", "sync"]);

/**
 * Reads state.json; warns when it is missing, unreadable or disagrees with the files, and then
 * returns `undefined` (it is rebuilt from the files).
 */
export async function checkState(
  path: string,
  derived: SyncState,
  hasFills: boolean,
): Promise<SyncState | undefined> {
  const saved = await readStateFile(path);
  if (typeof saved === "string") {
    if (hasFills) log.warn("{problem}: rebuilding it from the fills file", { problem: saved });
    return undefined;
  }
  for (const problem of stateDiscrepancies(saved, derived)) {
    log.warn("{problem}; the fills file is the source of truth, syncing from it", { problem });
  }
  return saved;
}

/** `state` with `market`'s checked positions set, as of `time`. */
export function withCheckedPositions(
  state: SyncState,
  market: Market,
  positions: Readonly<Record<string, string>>,
  time: number,
): SyncState {
  const current = state.markets[market] ?? { symbols: {}, income_time_ms: null };
  const checked = { ...current, positions_checked: positions, positions_checked_ms: time };
  return { ...state, markets: { ...state.markets, [market]: checked } };
}

/** `state` with the checked positions `saved` had (a failed sync checked nothing new). */
export function withSavedChecks(state: SyncState, saved: SyncState | undefined): SyncState {
  let result = state;
  for (const market of MARKETS) {
    const old = saved?.markets[market];
    if (old?.positions_checked === undefined || old.positions_checked_ms === undefined) continue;
    result = withCheckedPositions(result, market, old.positions_checked, old.positions_checked_ms);
  }
  return result;
}
