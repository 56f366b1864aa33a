/**
 * The typed shapes of the responses futures-ledger reads, and their checked conversion from
 * parsed JSON (ids already digit strings, see `lossless_json.ts`). A reply that lacks a
 * field the sync relies on fails loudly here rather than silently downstream.
 *
 * @module
 */

import type { PositionSide } from "../fill.ts";
import { BinanceResponseError } from "./errors.ts";

/** A row of Get Income History. Amounts are Binance's decimal text. */
export interface IncomeRow {
  /** The symbol, or `""` for account-wide income (transfers). */
  readonly symbol: string;
  /** `REALIZED_PNL`, `FUNDING_FEE`, `COMMISSION`, `TRANSFER`, … */
  readonly incomeType: string;
  /** Signed amount in `asset` (negative = paid). */
  readonly income: string;
  readonly asset: string;
  readonly info: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** Digit string, unique only within one `incomeType`; may exceed 2^53. */
  readonly tranId: string;
  /** The fill's trade id for trade-related income, else `""`. */
  readonly tradeId: string;
}

/** A row of Position Information (`positionAmt` is signed; `"0"` when flat). */
export interface PositionRiskRow {
  readonly symbol: string;
  readonly positionSide: PositionSide;
  readonly positionAmt: string;
  readonly entryPrice: string;
  readonly unRealizedProfit: string;
  /** Epoch milliseconds; 0 for a symbol never traded. */
  readonly updateTime: number;
}

/** One entry of `exchangeInfo.rateLimits`. */
export interface RateLimit {
  /** `REQUEST_WEIGHT`, `ORDERS`, … */
  readonly rateLimitType: string;
  /** `MINUTE`, `SECOND`, … */
  readonly interval: string;
  readonly intervalNum: number;
  readonly limit: number;
}

/** A contract listed by Exchange Information (delisted contracts are absent). */
export interface SymbolInfo {
  readonly symbol: string;
  readonly pair: string;
  /** `PERPETUAL`, `CURRENT_QUARTER`, … */
  readonly contractType: string;
  /** USD-M `status`, COIN-M `contractStatus`: `TRADING`, `SETTLING`, … */
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly marginAsset: string;
  /** COIN-M: the contract's face value in USD; `undefined` for USD-M. */
  readonly contractSize: number | undefined;
}

/** What the sync needs of Exchange Information. */
export interface ExchangeInfo {
  readonly rateLimits: readonly RateLimit[];
  readonly symbols: readonly SymbolInfo[];
}

/** One candle. Prices and volume are Binance's decimal text. */
export interface Kline {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly closeTime: number;
}

type Row = Record<string, unknown>;

/** Field readers for one reply, naming the endpoint in their errors. */
function reader(endpoint: string, row: unknown) {
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    throw new BinanceResponseError(`${endpoint}: expected an object, got ${JSON.stringify(row)}`);
  }
  const r = row as Row;
  const fail = (name: string): never => {
    throw new BinanceResponseError(`${endpoint}: field "${name}" is ${JSON.stringify(r[name])}`);
  };
  return {
    text: (name: string, fallback?: string): string => {
      const value = r[name] ?? fallback;
      return typeof value === "string" ? value : fail(name);
    },
    integer: (name: string, fallback?: number): number => {
      const value = r[name] ?? fallback;
      return typeof value === "number" && Number.isSafeInteger(value) ? value : fail(name);
    },
    row: r,
  };
}

/** Asserts `value` is an array (a list endpoint's reply). */
export function rowsOf(endpoint: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new BinanceResponseError(`${endpoint}: expected a list, got ${typeof value}`);
  }
  return value;
}

/** Converts one income row. */
export function incomeRow(endpoint: string, row: unknown): IncomeRow {
  const f = reader(endpoint, row);
  return {
    symbol: f.text("symbol", ""),
    incomeType: f.text("incomeType"),
    income: f.text("income"),
    asset: f.text("asset"),
    info: f.text("info", ""),
    time: f.integer("time"),
    tranId: f.text("tranId"),
    tradeId: f.text("tradeId", ""),
  };
}

/** Converts one position row. */
export function positionRiskRow(endpoint: string, row: unknown): PositionRiskRow {
  const f = reader(endpoint, row);
  const positionSide = f.text("positionSide");
  if (positionSide !== "BOTH" && positionSide !== "LONG" && positionSide !== "SHORT") {
    throw new BinanceResponseError(`${endpoint}: positionSide ${positionSide}`);
  }
  return {
    symbol: f.text("symbol"),
    positionSide,
    positionAmt: f.text("positionAmt"),
    entryPrice: f.text("entryPrice"),
    unRealizedProfit: f.text("unRealizedProfit"),
    updateTime: f.integer("updateTime", 0),
  };
}

/** Converts Exchange Information, keeping what the sync uses. */
export function exchangeInfo(endpoint: string, body: unknown): ExchangeInfo {
  const f = reader(endpoint, body);
  const rateLimits = rowsOf(endpoint, f.row.rateLimits).map((item) => {
    const l = reader(endpoint, item);
    return {
      rateLimitType: l.text("rateLimitType"),
      interval: l.text("interval"),
      intervalNum: l.integer("intervalNum"),
      limit: l.integer("limit"),
    };
  });
  const symbols = rowsOf(endpoint, f.row.symbols).map((item) => {
    const s = reader(endpoint, item);
    const contractSize = s.row.contractSize;
    return {
      symbol: s.text("symbol"),
      pair: s.text("pair", ""),
      contractType: s.text("contractType", ""),
      status: s.text("status", "") || s.text("contractStatus", ""),
      baseAsset: s.text("baseAsset", ""),
      quoteAsset: s.text("quoteAsset", ""),
      marginAsset: s.text("marginAsset", ""),
      contractSize: typeof contractSize === "number" ? contractSize : undefined,
    };
  });
  return { rateLimits, symbols };
}

/** Converts one kline array `[openTime, open, high, low, close, volume, closeTime, …]`. */
export function kline(endpoint: string, row: unknown): Kline {
  const cells = rowsOf(endpoint, row);
  const text = (i: number): string => {
    if (typeof cells[i] === "string") return cells[i] as string;
    throw new BinanceResponseError(`${endpoint}: kline cell ${i} is ${JSON.stringify(cells[i])}`);
  };
  const time = (i: number): number => {
    if (Number.isSafeInteger(cells[i])) return cells[i] as number;
    throw new BinanceResponseError(`${endpoint}: kline cell ${i} is ${JSON.stringify(cells[i])}`);
  };
  return {
    openTime: time(0),
    open: text(1),
    high: text(2),
    low: text(3),
    close: text(4),
    volume: text(5),
    closeTime: time(6),
  };
}
