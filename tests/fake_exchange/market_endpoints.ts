/**
 * Public market endpoints: `time`, `exchangeInfo` and `klines`.
 *
 * - `GET /v1/time` (weight 1) → `{"serverTime":…}`.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Check-Server-Time
 * - `GET /v1/exchangeInfo` (1): listed symbols only (delisted ones vanish), precision, filters,
 *   `contractSize` on COIN-M, and `rateLimits` (REQUEST_WEIGHT per minute).
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
 *   https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Exchange-Information
 * - `GET /v1/klines`: `limit` default 500, max 1500; weight by limit: [1,100) 1, [100,500) 2,
 *   [500,1000] 5, above 10.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Kline-Candlestick-Data
 *
 * @module
 */

import type { SymbolSpec } from "./catalog.ts";
import type { Endpoint, EndpointContext } from "./endpoint.ts";
import { BinanceError, invalidSymbol, invalidValue } from "./errors.ts";
import { candleTicks } from "./price_path.ts";
import { hash01 } from "./prng.ts";
import { units } from "./rows.ts";

const M = 60_000;
const INTERVALS: Record<string, number> = {
  "1m": M,
  "3m": 3 * M,
  "5m": 5 * M,
  "15m": 15 * M,
  "30m": 30 * M,
  "1h": 60 * M,
  "2h": 120 * M,
  "4h": 240 * M,
  "6h": 360 * M,
  "8h": 480 * M,
  "12h": 720 * M,
  "1d": 1440 * M,
};

/** `GET /v1/time`. */
export const serverTime: Endpoint = {
  signed: false,
  weight: () => 1,
  handle: (ctx) => `{"serverTime":${ctx.now}}`,
};

/** `GET /v1/exchangeInfo`. */
export const exchangeInfo: Endpoint = {
  signed: false,
  weight: () => 1,
  handle: (ctx) => JSON.stringify(exchangeInfoBody(ctx)),
};

/** `GET /v1/klines`. */
export const klines: Endpoint = {
  signed: false,
  weight: (p) => {
    const limit = Number(p.text("limit") ?? 500);
    return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
  },
  handle: klinesHandler,
};

function exchangeInfoBody(ctx: EndpointContext): Record<string, unknown> {
  const coinm = ctx.market === "coinm";
  return {
    timezone: "UTC",
    serverTime: ctx.now,
    ...(coinm ? {} : { futuresType: "U_MARGINED" }),
    rateLimits: [
      {
        rateLimitType: "REQUEST_WEIGHT",
        interval: "MINUTE",
        intervalNum: 1,
        limit: ctx.weightLimit,
      },
      { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    symbols: ctx.account.listed.map((s) => symbolInfo(s)),
  };
}

function symbolInfo(s: SymbolSpec): Record<string, unknown> {
  const tick = units(1, s.priceDecimals).toString();
  const step = units(1, s.qtyDecimals).toString();
  const coinm = s.market === "coinm";
  return {
    symbol: s.symbol,
    pair: s.pair,
    contractType: s.contractType,
    deliveryDate: s.delistTime ?? 4133404800000,
    onboardDate: s.onboardDate,
    ...(coinm
      ? { contractStatus: "TRADING", contractSize: s.contractSize }
      : { status: "TRADING" }),
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    marginAsset: s.marginAsset,
    pricePrecision: s.priceDecimals,
    quantityPrecision: s.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: [],
    triggerProtect: "0.0500",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: tick, maxPrice: "1000000", tickSize: tick },
      { filterType: "LOT_SIZE", minQty: step, maxQty: "1000000", stepSize: step },
      { filterType: "MARKET_LOT_SIZE", minQty: step, maxQty: "100000", stepSize: step },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      ...(coinm ? [] : [{ filterType: "MIN_NOTIONAL", notional: "5" }]),
      {
        filterType: "PERCENT_PRICE",
        multiplierUp: "1.0500",
        multiplierDown: "0.9500",
        multiplierDecimal: "4",
      },
    ],
    orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX"],
  };
}

function klinesHandler(ctx: EndpointContext): string {
  const { params: p, account, now } = ctx;
  const spec = account.spec(p.required("symbol"));
  if (spec === undefined || spec.delistTime !== undefined) throw invalidSymbol();
  const length = INTERVALS[p.required("interval")];
  if (length === undefined) throw new BinanceError(400, -1120, "Invalid interval.");
  const limit = p.int("limit") ?? 500;
  if (limit < 1 || limit > 1500) throw invalidValue("limit");
  const startTime = p.long("startTime");
  const endTime = Math.min(p.long("endTime") ?? now, now);
  const lastOpen = Math.floor(endTime / length) * length;
  let first = startTime === undefined
    ? lastOpen - (limit - 1) * length
    : Math.ceil(startTime / length) * length;
  first = Math.max(first, Math.ceil(spec.onboardDate / length) * length);
  const rows: string[] = [];
  for (let t = first; t <= lastOpen && rows.length < limit; t += length) {
    const c = candleTicks(spec, t, length);
    const price = (ticks: number) => `"${units(ticks, spec.priceDecimals)}"`;
    const volume = Math.round(hash01(spec.index, t / M, 5) * 1e6 * length / M);
    const qty = `"${units(volume, spec.qtyDecimals)}"`;
    rows.push(
      `[${t},${price(c.open)},${price(c.high)},${price(c.low)},${price(c.close)},${qty},` +
        `${t + length - 1},"0",${Math.ceil(volume / 7)},${qty},"0","0"]`,
    );
  }
  return `[${rows.join(",")}]`;
}
