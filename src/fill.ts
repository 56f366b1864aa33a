/**
 * A fill: one execution of one order, as Binance's `userTrades` reports it.
 *
 * @module
 */

/** Which Binance futures market a fill, position or symbol belongs to. */
export type Market = "usdm" | "coinm";

/** The markets, in the order they sort in output files. */
export const MARKETS: readonly Market[] = ["usdm", "coinm"];

/** The side of the order. */
export type Side = "BUY" | "SELL";

/**
 * A contract symbol as Binance writes them: `BTCUSDT`, `BTCUSD_PERP`, `1000PEPEUSDT`, and, since
 * Binance listed `币安人生USDT` in October 2025, letters of other scripts: upper-case or caseless
 * letters, digits and `_`, 1 to 40 characters. Never a comma, quote or space.
 *
 * @example
 * ```ts
 * import { SYMBOL } from "./fill.ts";
 * if (!SYMBOL.test("币安人生USDT") || SYMBOL.test("btcusdt") || SYMBOL.test("A,B")) {
 *   throw new Error();
 * }
 * ```
 */
export const SYMBOL: RegExp = /^[\p{Lu}\p{Lo}\p{Nd}_]{1,40}$/u;

/** `BOTH` in one-way mode; `LONG` or `SHORT` in hedge mode. */
export type PositionSide = "BOTH" | "LONG" | "SHORT";

/**
 * What the ledger needs of a fill. Decimal fields hold the exact text Binance sent
 * (`"0.04400000"` stays so), in plain notation; the ledger parses them when it needs the numbers.
 * Text keeps a fill small (a million of them must fit in memory) and writing it back exact.
 */
export interface LedgerFill {
  /** `usdm` (`/fapi`) or `coinm` (`/dapi`). */
  readonly market: Market;
  /** Contract symbol, e.g. `BTCUSDT` or `BTCUSD_PERP`. */
  readonly symbol: string;
  /** Trade id as decimal digits; unique only within `(market, symbol)`; may exceed 2^53. */
  readonly id: string;
  /** Execution time, milliseconds since the Unix epoch (UTC). */
  readonly time: number;
  /** BUY or SELL. */
  readonly side: Side;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
  /** Quantity: base asset (USD-M) or contracts (COIN-M). Positive. */
  readonly qty: string;
  /** Price in the quote asset. Positive. */
  readonly price: string;
  /** Fee paid (positive) or rebate received (negative), in `commissionAsset`. */
  readonly commission: string;
  /** The asset the fee was charged in (`USDT`, `BNB`, ...). */
  readonly commissionAsset: string;
  /** P&L Binance realized on this fill (closing part only; excludes fees and funding). */
  readonly realizedPnl: string;
  /** The asset P&L and margin are in (`USDT` for BTCUSDT, `BTC` for BTCUSD_PERP). */
  readonly marginAsset: string;
}

/**
 * Where a fill or an income record came from: `api` (Binance's `userTrades` and income history)
 * or `archive` (Binance's bulk download, or an export file from its website).
 */
export type Source = "api" | "archive";

/** One fill, everything the fills file keeps: the ledger's fields and the rest of the row. */
export interface Fill extends LedgerFill {
  /** Order id as decimal digits (empty when unknown). */
  readonly orderId: string;
  /** Whether the fill was on the maker side; `undefined` when unknown. */
  readonly maker: boolean | undefined;
  /** USD-M: `qty × price` as Binance reports it; empty when not reported. */
  readonly quoteQty: string;
  /** COIN-M: the base-asset amount; empty when not reported. */
  readonly baseQty: string;
  /** COIN-M: the pair (`BTCUSD`); empty when not reported. */
  readonly pair: string;
  /** Where it came from. */
  readonly source: Source;
}

/**
 * Orders trade ids numerically. Ids are digit strings without leading zeros, so a shorter one is
 * smaller; this avoids `Number`, which loses ids above 2^53.
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The id made for a row without one: 20 digits, `9`, its time in ms (13 digits) and its place
 * (6 digits) among the rows of its market and symbol (or type) in that millisecond, plus 500000
 * when the export printed no seconds (`wholeMinutes`: the API's row of it may be up to a minute
 * later, {@linkcode madeIdReachMs}). Binance's ids are 64-bit integers, at most 19 digits: a made
 * id is never one of theirs, and it is the same each time the same export is read.
 *
 * @example
 * ```ts
 * import { isMadeId, madeId } from "./fill.ts";
 * const id = madeId(Date.UTC(2025, 0, 1), 2);
 * if (id !== "91735689600000000002" || !isMadeId(id) || isMadeId("4575108247")) throw new Error();
 * ```
 */
export function madeId(time: number, place: number, wholeMinutes = false): string {
  const placed = place + (wholeMinutes ? WHOLE_MINUTES : 0);
  return "9" + String(time).padStart(13, "0") + String(placed).padStart(6, "0");
}

/** Added to a made id's place when its export printed no seconds (no moment has that many rows). */
const WHOLE_MINUTES = 500_000;

/**
 * How far after its time the API's row of the fill (or income record) a made id stands for can
 * be: a minute when its export printed no seconds (`madeId`'s `wholeMinutes`), else a second.
 *
 * @example
 * ```ts
 * import { madeId, madeIdReachMs } from "./fill.ts";
 * const t = Date.UTC(2025, 0, 1, 7);
 * if (madeIdReachMs(madeId(t, 3, true)) !== 60_000 || madeIdReachMs(madeId(t, 3)) !== 1000) {
 *   throw new Error();
 * }
 * ```
 */
export function madeIdReachMs(id: string): number {
  return Number(id.slice(14)) >= WHOLE_MINUTES ? 60_000 : 1000;
}

/** Whether an id was made by {@linkcode madeId} (not Binance's). */
export function isMadeId(id: string): boolean {
  return id.length === 20;
}

/** The key that identifies a fill: trade ids are unique only per market and symbol. */
export function fillKey(fill: Pick<Fill, "market" | "symbol" | "id">): string {
  return `${fill.market}|${fill.symbol}|${fill.id}`;
}

/** File order: time, then market, symbol and trade id, so the same fills always print alike. */
export function compareFillsByTime(a: LedgerFill, b: LedgerFill): number {
  return a.time - b.time ||
    compareText(a.market, b.market) ||
    compareText(a.symbol, b.symbol) ||
    compareIds(a.id, b.id);
}

/** Plain code-unit comparison of two strings (locale-independent, so output is stable). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const QUOTE_MARGIN_ASSETS = ["USDT", "USDC", "FDUSD", "BUSD", "BFUSD"];

/**
 * The margin asset of a symbol when the data does not say: USD-M symbols are margined in their
 * quote stablecoin (`BTCUSDT` → `USDT`), COIN-M ones in their base coin (`BTCUSD_PERP` → `BTC`).
 * Returns `""` when it cannot tell.
 */
export function inferMarginAsset(symbol: string, market: Market): string {
  if (market === "coinm") {
    const [pair = ""] = symbol.split("_"); // (a split has a first part)
    return pair.endsWith("USD") ? pair.slice(0, -3) : "";
  }
  const [contract = ""] = symbol.split("_");
  return QUOTE_MARGIN_ASSETS.find((q) => contract.endsWith(q)) ?? "";
}
