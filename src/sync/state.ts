/**
 * The sync's handling of `state.json`: recording Binance's positions as checked, and the bulk
 * downloads.
 *
 * @module
 */

import { type Market, MARKETS } from "../fill.ts";
import type { DownloadHistory } from "../storage/download_records.ts";
import type { SyncState } from "../storage/state_file.ts";

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

/**
 * `state` with each market's bulk download history (`api_from_ms`, `downloads`): `history` for
 * `market` when given, else what `saved` had.
 */
export function withDownloadHistory(
  state: SyncState,
  saved: SyncState | undefined,
  market: Market,
  history: DownloadHistory | undefined,
): SyncState {
  let result = state;
  for (const m of MARKETS) {
    const { api_from_ms, downloads } = (m === market ? history : undefined) ??
      saved?.markets[m] ?? {};
    if (api_from_ms === undefined && (downloads === undefined || downloads.length === 0)) continue;
    const current = result.markets[m] ?? { symbols: {}, income_time_ms: null };
    const next = {
      ...current,
      ...(api_from_ms === undefined ? {} : { api_from_ms }),
      ...(downloads === undefined || downloads.length === 0 ? {} : { downloads }),
    };
    result = { ...result, markets: { ...result.markets, [m]: next } };
  }
  return result;
}
