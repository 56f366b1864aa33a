/**
 * The endpoints futures-ledger uses, per market: path, request weight, and whether it is signed.
 *
 * Weights from Binance's endpoint pages (USD-M under
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/, COIN-M under
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/): Account Trade List
 * (USD-M 5; COIN-M 20 with `symbol`, 40 with `pair`), Get Income History (30; 20), Position
 * Information V3 (5; COIN-M v1: 1), Get Current Position Mode (30; 30), Exchange Information (1),
 * Check Server Time (1), Kline/Candlestick Data (by `limit`, see {@linkcode klinesWeight}).
 *
 * @module
 */

import type { Market } from "../fill.ts";

/** One endpoint as the transport needs it. */
export interface Endpoint {
  /** Path below the base URL, e.g. `/fapi/v1/userTrades`. */
  readonly path: string;
  /** Request weight counted against the IP's per-minute limit. */
  readonly weight: number;
  /** Whether it needs `timestamp` and `signature` (USER_DATA). */
  readonly signed: boolean;
}

const PREFIX: Record<Market, string> = { usdm: "/fapi", coinm: "/dapi" };

/** Check Server Time: `GET /fapi/v1/time`, `GET /dapi/v1/time`. */
export function timeEndpoint(market: Market): Endpoint {
  return { path: `${PREFIX[market]}/v1/time`, weight: 1, signed: false };
}

/** Exchange Information: symbols and rate limits. */
export function exchangeInfoEndpoint(market: Market): Endpoint {
  return { path: `${PREFIX[market]}/v1/exchangeInfo`, weight: 1, signed: false };
}

/** Account Trade List; COIN-M by `pair` weighs twice as much as by `symbol`. */
export function userTradesEndpoint(market: Market, byPair: boolean): Endpoint {
  const weight = market === "usdm" ? 5 : byPair ? 40 : 20;
  return { path: `${PREFIX[market]}/v1/userTrades`, weight, signed: true };
}

/** Get Income History. */
export function incomeEndpoint(market: Market): Endpoint {
  return { path: `${PREFIX[market]}/v1/income`, weight: market === "usdm" ? 30 : 20, signed: true };
}

/**
 * Position Information. USD-M uses v3, which lists only symbols with a position or open orders
 * (v2 lists every symbol); COIN-M has only v1, which lists every TRADING symbol's positions.
 */
export function positionRiskEndpoint(market: Market): Endpoint {
  return market === "usdm"
    ? { path: "/fapi/v3/positionRisk", weight: 5, signed: true }
    : { path: "/dapi/v1/positionRisk", weight: 1, signed: true };
}

/** Get Current Position Mode (hedge or one-way). */
export function positionSideDualEndpoint(market: Market): Endpoint {
  return { path: `${PREFIX[market]}/v1/positionSide/dual`, weight: 30, signed: true };
}

/** Kline/Candlestick Data, whose weight grows with `limit` (default 500). */
export function klinesEndpoint(market: Market, limit = 500): Endpoint {
  return { path: `${PREFIX[market]}/v1/klines`, weight: klinesWeight(limit), signed: false };
}

/** Klines weight by `limit`: [1, 100) → 1, [100, 500) → 2, [500, 1000] → 5, above → 10. */
export function klinesWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}
