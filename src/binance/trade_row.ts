/**
 * Turning a row of Binance's `userTrades` response into a {@linkcode Fill}.
 *
 * @module
 */

import { isPlainDecimal } from "../decimal.ts";
import { type Fill, inferMarginAsset, type Market } from "../fill.ts";

/** A response row that does not have the shape Binance documents. */
export class TradeRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TradeRowError";
  }
}

/**
 * Converts one `userTrades` row (as parsed with integers kept as digit strings or safe numbers)
 * into a fill. Decimal fields are kept as Binance's text.
 *
 * USD-M row: `{symbol, id, orderId, side, price, qty, realizedPnl, marginAsset, quoteQty,
 * commission, commissionAsset, time, positionSide, buyer, maker}`; COIN-M adds `pair` and
 * `baseQty` instead of `quoteQty`. See https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Account-Trade-List
 *
 * @throws {TradeRowError} naming the field that is missing or malformed.
 */
export function fillFromTrade(row: Record<string, unknown>, market: Market): Fill {
  const text = (name: string, optional = false): string => {
    const value = row[name];
    if (value === undefined && optional) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    throw new TradeRowError(`userTrades row: field "${name}" is ${JSON.stringify(value)}`);
  };
  const decimal = (name: string, optional = false): string => {
    const value = text(name, optional);
    if ((optional && value === "") || isPlainDecimal(value)) return value;
    throw new TradeRowError(`userTrades row: field "${name}" is not a decimal: ${value}`);
  };
  const id = (name: string): string => {
    const value = text(name);
    if (/^\d+$/.test(value)) return value;
    throw new TradeRowError(`userTrades row: field "${name}" is not an id: ${value}`);
  };
  const symbol = text("symbol");
  const side = text("side");
  const positionSide = text("positionSide");
  if (side !== "BUY" && side !== "SELL") throw new TradeRowError(`userTrades row: side ${side}`);
  if (positionSide !== "BOTH" && positionSide !== "LONG" && positionSide !== "SHORT") {
    throw new TradeRowError(`userTrades row: positionSide ${positionSide}`);
  }
  const time = row.time;
  if (typeof time !== "number" || !Number.isSafeInteger(time)) {
    throw new TradeRowError(`userTrades row: field "time" is ${JSON.stringify(time)}`);
  }
  return {
    market,
    symbol,
    id: id("id"),
    orderId: id("orderId"),
    time,
    side,
    positionSide,
    qty: decimal("qty"),
    price: decimal("price"),
    commission: decimal("commission"),
    commissionAsset: text("commissionAsset"),
    realizedPnl: decimal("realizedPnl"),
    marginAsset: text("marginAsset", true) || inferMarginAsset(symbol, market),
    maker: typeof row.maker === "boolean" ? row.maker : undefined,
    quoteQty: decimal("quoteQty", true),
    baseQty: decimal("baseQty", true),
    pair: text("pair", true),
    source: "api",
  };
}
