/**
 * `GET /fapi/v1/userTrades` and `GET /dapi/v1/userTrades`: one account's fills of one symbol (or
 * COIN-M pair), oldest first.
 *
 * Rules (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Account-Trade-List,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Account-Trade-List):
 * - weight 5 (USD-M); COIN-M 20 with `symbol`, 40 with `pair`;
 * - `symbol` mandatory (COIN-M: `symbol` or `pair`); `limit` default 500 (COIN-M 50), max 1000;
 * - no times: the last 7 days; `startTime`–`endTime` at most 7 days; `fromId` not with times
 *   (COIN-M: nor with `pair`); only the past 3 months are served (`tradeRetentionMonths`; the
 *   docs said 6 until the change log of 2026-08-26).
 *
 * Where reports differ from the docs, real servers are modelled: a window longer than 7 days,
 * or one that lies wholly beyond retention, answers `[]` silently (ccxt #16986, #21103), not an
 * error; `startTime` alone covers 7 days from it. A float timestamp gives -1100 (ccxt #14513).
 *
 * @module
 */

import { at } from "../support/indexed.ts";
import { monthsBefore } from "./account.ts";
import type { Endpoint, EndpointContext } from "./endpoint.ts";
import { badCombination, BinanceError, invalidSymbol, invalidValue, mandatory } from "./errors.ts";
import { firstAtOrAfter } from "./income.ts";
import { compareDigits, jsonArray, tradeJson, type TradeRow } from "./rows.ts";

/** Seven days, the longest `userTrades` window. */
export const WEEK_MS = 7 * 86_400_000;

/** `GET /v1/userTrades`. */
export const userTrades: Endpoint = {
  signed: true,
  weight: (p) => (p.text("pair") !== undefined ? 40 : 20),
  handle: tradesHandler,
};

/** USD-M weight differs from COIN-M: 5 whatever the parameters. */
export const userTradesUsdm: Endpoint = { ...userTrades, weight: () => 5 };

function tradesHandler(ctx: EndpointContext): string {
  const { params: p, account, market, now } = ctx;
  const symbol = p.text("symbol");
  const pair = market === "coinm" ? p.text("pair") : undefined;
  if (symbol === undefined && pair === undefined) throw mandatory("symbol");
  if (symbol !== undefined && pair !== undefined) throw badCombination();
  const limit = p.int("limit") ?? (market === "usdm" ? 500 : 50);
  if (limit < 1 || limit > 1000) throw invalidValue("limit");
  const startTime = p.long("startTime");
  const endTime = p.long("endTime");
  const fromId = p.digits("fromId");
  const orderId = p.digits("orderId");
  if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) {
    throw badCombination();
  }
  if (fromId !== undefined && pair !== undefined) throw badCombination();
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BinanceError(400, -1023, "Start time is greater than end time.");
  }
  const specs = symbol !== undefined
    ? [account.spec(symbol)].filter((s) => s !== undefined)
    : account.catalog.filter((s) => s.pair === pair);
  if (specs.length === 0) throw invalidSymbol();
  let rows: readonly TradeRow[] = specs.length === 1
    ? account.tradesOf(at(specs, 0).symbol)
    : specs.flatMap((s) => account.tradesOf(s.symbol)).sort((a, b) => a.time - b.time);
  if (orderId !== undefined) rows = rows.filter((r) => r.orderId === orderId);
  const oldest = monthsBefore(now, ctx.tradeRetentionMonths);
  const page = select(rows, { startTime, endTime, fromId, limit, oldest, now });
  return jsonArray(page.map((r) => tradeJson(r, market)));
}

interface Query {
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly fromId: string | undefined;
  readonly limit: number;
  readonly oldest: number;
  readonly now: number;
}

/** The rows a query returns, in id order. */
function select(rows: readonly TradeRow[], q: Query): readonly TradeRow[] {
  const retained = firstAtOrAfter(rows, q.oldest);
  if (q.fromId !== undefined) {
    let lo = retained;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareDigits(at(rows, mid).id, q.fromId) < 0) lo = mid + 1;
      else hi = mid;
    }
    return rows.slice(lo, lo + q.limit);
  }
  if (q.startTime === undefined && q.endTime === undefined) {
    const from = Math.max(q.oldest, q.now - WEEK_MS);
    const end = firstAtOrAfter(rows, q.now + 1);
    return rows.slice(Math.max(firstAtOrAfter(rows, from), end - q.limit), end);
  }
  const start = q.startTime ?? q.endTime! - WEEK_MS;
  const end = q.endTime ?? q.startTime! + WEEK_MS;
  if (end - start > WEEK_MS) return [];
  const first = Math.max(firstAtOrAfter(rows, start), retained);
  const last = firstAtOrAfter(rows, end + 1);
  return rows.slice(first, Math.min(last, first + q.limit));
}
