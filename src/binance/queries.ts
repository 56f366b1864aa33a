/**
 * The queries of the Binance client, and the checks they pass before anything is sent: Binance
 * answers some bad ones with a silent `[]` rather than an error (a `userTrades` window over 7 days,
 * or `startTime` alone: ccxt issues 16986, 14513, 21103).
 *
 * @module
 */

import type { Market } from "../fill.ts";

/** `userTrades` query: `symbol` (or, COIN-M only, `pair`), and `fromId` or a time window. */
export interface UserTradesQuery {
  readonly symbol?: string;
  readonly pair?: string;
  /** First trade id to return (digit string); not with times or `pair`. */
  readonly fromId?: string;
  /** With `endTime`, span ≤ 7 days, integer ms. */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Rows per page, ≤ 1000. Default 1000 (the weight does not depend on it). */
  readonly limit?: number;
}

/**
 * `income` query; times inclusive, integer ms. No `page`: Binance stopped accepting it on
 * 2026-10-16 (https://github.com/sieblyio/binance/releases/tag/v3.6.8); page by time.
 */
export interface IncomeQuery {
  readonly symbol?: string;
  readonly incomeType?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  /** Rows per page, ≤ 1000. Default 1000. */
  readonly limit?: number;
}

/** `klines` query. */
export interface KlinesQuery {
  readonly symbol: string;
  /** `1m`, `1h`, `1d`, … */
  readonly interval: string;
  readonly startTime?: number;
  readonly endTime?: number;
  /** ≤ 1500; the weight grows with it (default 500 → weight 5). */
  readonly limit?: number;
}

/** The most `userTrades` accepts between `startTime` and `endTime`: 7 days. */
export const MAX_TRADES_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Why Binance would refuse `query`, or answer it with a silent `[]`; `undefined` when fine. */
export function userTradesProblem(query: UserTradesQuery, market: Market): string | undefined {
  const { symbol, pair, fromId, startTime, endTime } = query;
  const timed = startTime !== undefined || endTime !== undefined;
  if ((symbol === undefined) === (pair === undefined)) return "give exactly one of symbol and pair";
  if (pair !== undefined && market !== "coinm") return "pair exists only on COIN-M";
  if (fromId !== undefined && !/^\d+$/.test(fromId)) return `fromId "${fromId}" is not a trade id`;
  if (fromId !== undefined && (timed || pair !== undefined)) {
    return "fromId goes with neither startTime/endTime nor pair";
  }
  if (startTime === undefined || endTime === undefined) {
    return timed
      ? "give both startTime and endTime, or neither ([] for startTime alone)"
      : undefined;
  }
  if (endTime - startTime > MAX_TRADES_WINDOW_MS) {
    return `the window ${startTime}..${endTime} is longer than 7 days`;
  }
  return undefined;
}

/** `value` as an integer in [min, max], else a RangeError naming `name`. */
export function whole(
  name: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], not ${value}`);
  }
  return value;
}

/** Checks a query's times: whole ms, not negative, start not after end (else a RangeError). */
export function checkTimes(method: string, startTime?: number, endTime?: number): void {
  if (startTime !== undefined) whole(`${method} startTime`, startTime, 0);
  if (endTime !== undefined) whole(`${method} endTime`, endTime, 0);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new RangeError(`${method}: startTime ${startTime} is after endTime ${endTime}`);
  }
}
