/**
 * Fetching one symbol's fills from Binance's `userTrades`, so that none is missed at a page or
 * window edge.
 *
 * - After a known trade: `fromId = last id + 1`, 1000 per page, until a short page. Ids are
 *   ordered, so this never skips or repeats a trade however many share a millisecond.
 * - From a date: 7-day `startTime`/`endTime` windows (Binance refuses longer ones, and answers
 *   `startTime` alone or an over-long window with a silent `[]`: ccxt #16986, #21103) until the
 *   first trade, then `fromId` paging from there. Never `startTime = last.time + 1`: fills of one
 *   order share a millisecond.
 *
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Account-Trade-List
 *
 * @module
 */

import { MAX_TRADES_WINDOW_MS, type UserTradesQuery } from "../binance/queries.ts";
import type { Fill } from "../fill.ts";

/** What fetching fills needs of the Binance client. */
export interface TradesSource {
  /** One page of `userTrades`. */
  userTrades(query: UserTradesQuery): Promise<Fill[]>;
}

/** Called after each page with the number of fills it brought. */
export type PageHandler = (fills: number) => void;

const PAGE = 1000;

/** Every fill of `symbol` with a trade id above `lastId`. */
export async function fetchFillsAfter(
  source: TradesSource,
  symbol: string,
  lastId: string,
  onPage?: PageHandler,
): Promise<Fill[]> {
  return await pageFrom(source, symbol, (BigInt(lastId) + 1n).toString(), [], onPage);
}

/** Every fill of `symbol` from `startTime` on (the walk ends at `endTime`, normally now). */
export async function fetchFillsFrom(
  source: TradesSource,
  symbol: string,
  startTime: number,
  endTime: number,
  onPage?: PageHandler,
): Promise<Fill[]> {
  for (let start = startTime; start <= endTime; start += MAX_TRADES_WINDOW_MS + 1) {
    const end = Math.min(start + MAX_TRADES_WINDOW_MS, endTime);
    const page = await source.userTrades({ symbol, startTime: start, endTime: end, limit: PAGE });
    onPage?.(page.length);
    const last = page.at(-1);
    if (last === undefined) continue;
    if (page.length < PAGE && end === endTime) return page;
    return await pageFrom(source, symbol, idAfter(last), page, onPage);
  }
  return [];
}

async function pageFrom(
  source: TradesSource,
  symbol: string,
  fromId: string,
  fills: Fill[],
  onPage?: PageHandler,
): Promise<Fill[]> {
  for (;;) {
    const page = await source.userTrades({ symbol, fromId, limit: PAGE });
    onPage?.(page.length);
    fills.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return fills;
    fromId = idAfter(last);
  }
}

/** The id after a fill's (a page's last). */
function idAfter(fill: Fill): string {
  return (BigInt(fill.id) + 1n).toString();
}
