/**
 * COIN-M's `userTrades` by `pair`: one query returns the fills of every contract of a pair (the
 * perpetual and each quarterly, delivered ones included), at weight 40 where each symbol costs 20.
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Account-Trade-List
 *
 * A walk from a date goes in 7-day windows. A symbol's own walk stops scanning windows at its
 * first fill and pages on by `fromId` (20 a page), which `pair` cannot do, so a pair walk scans
 * every window to now: it is cheaper only when at least three symbols of the pair are to be
 * walked (40 a window instead of 3 × 20), and then it also finds contracts of the pair the income
 * history did not name (zero-fee fills). A window that fills a whole page (1000 fills) cannot be
 * paged further: the pair walk then gives up, and the symbols are walked one by one.
 *
 * @module
 */

import { MAX_TRADES_WINDOW_MS } from "../binance/queries.ts";
import type { Fill } from "../fill.ts";
import type { PageHandler, TradesSource } from "./fetch_fills.ts";

const PAGE = 1000;

/** A COIN-M symbol's pair: `BTCUSD_PERP` and `BTCUSD_261225` → `BTCUSD`. */
export function pairOf(symbol: string): string {
  const [pair = ""] = symbol.split("_"); // (a split has a first part)
  return pair;
}

/** Symbols of one pair to walk from a date before the pair is walked instead. */
const PAIR_WALK_MIN = 3;

/**
 * The pairs worth walking by pair: those with at least three of `symbols` (the symbols to walk
 * from a date), each with its symbols.
 */
export function pairWalks(symbols: readonly string[]): Map<string, string[]> {
  const byPair = Map.groupBy(symbols, pairOf);
  return new Map([...byPair].filter(([, members]) => members.length >= PAIR_WALK_MIN));
}

/**
 * Every fill of `pair` from `startTime` to `endTime`, or `undefined` when a window holds a full
 * page (then walk its symbols one by one).
 */
export async function fetchPairFrom(
  source: TradesSource,
  pair: string,
  startTime: number,
  endTime: number,
  onPage?: PageHandler,
): Promise<Fill[] | undefined> {
  const fills: Fill[] = [];
  for (let start = startTime; start <= endTime; start += MAX_TRADES_WINDOW_MS + 1) {
    const end = Math.min(start + MAX_TRADES_WINDOW_MS, endTime);
    const page = await source.userTrades({ pair, startTime: start, endTime: end, limit: PAGE });
    onPage?.(page.length);
    if (page.length >= PAGE) return undefined;
    fills.push(...page);
  }
  return fills;
}
