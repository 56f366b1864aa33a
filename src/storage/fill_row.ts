/**
 * The columns of `futures_fills.csv` and the conversion of one row to and from a {@linkcode Fill}.
 *
 * @module
 */

import { Decimal, isPlainDecimal } from "../decimal.ts";
import { type Fill, inferMarginAsset, type Market, type PositionSide, type Side } from "../fill.ts";
import { formatTime, parseTime } from "../time.ts";

/** Column order of `futures_fills.csv`: the original pipeline's columns first. */
export const FILL_COLUMNS = [
  "time",
  "symbol",
  "side",
  "qty",
  "price",
  "commission",
  "commissionAsset",
  "realizedPnl",
  "positionSide",
  "id",
  "orderId",
  "maker",
  "quoteQty",
  "marginAsset",
  "market",
  "pair",
  "baseQty",
] as const;

/** Columns a fills file must have; the others may be missing (older files, the Python tool's). */
export const REQUIRED_FILL_COLUMNS: readonly string[] = FILL_COLUMNS.slice(0, 10);

/** A row that cannot be read: names the field and says what is wrong with it. */
export class FillRowError extends Error {
  /** The column. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`field "${field}": ${problem}`);
    this.name = "FillRowError";
    this.field = field;
  }
}

/** Where each column sits in a file's rows, found from its header. */
export type ColumnIndex = Readonly<Record<(typeof FILL_COLUMNS)[number], number>>;

/**
 * Maps column names to positions from a header row. Extra columns are ignored; a missing
 * required column is an error; a missing optional one reads as empty.
 */
export function indexColumns(header: readonly string[]): ColumnIndex {
  const missing = REQUIRED_FILL_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new FillRowError(missing[0], `the header has no column ${missing.join(", ")}`);
  }
  return Object.fromEntries(FILL_COLUMNS.map((c) => [c, header.indexOf(c)])) as ColumnIndex;
}

const DIGITS = /^(0|[1-9]\d*)$/;
const SYMBOL = /^[A-Z0-9_]{1,40}$/;
const ASSET = /^[A-Z0-9]{1,20}$/;

/** One shared copy per distinct text: a million rows of `BTCUSDT` cost one string. */
const interned = new Map<string, string>();
function intern(text: string): string {
  let shared = interned.get(text);
  if (shared === undefined) interned.set(text, shared = text);
  return shared;
}

const marginAssets = { usdm: new Map<string, string>(), coinm: new Map<string, string>() };
function defaultMarginAsset(symbol: string, market: Market): string {
  let asset = marginAssets[market].get(symbol);
  if (asset === undefined) {
    marginAssets[market].set(symbol, asset = inferMarginAsset(symbol, market));
  }
  return asset;
}

/**
 * Reads one row.
 *
 * @throws {FillRowError} naming the first field that is missing or malformed.
 */
export function parseFillRow(fields: readonly string[], columns: ColumnIndex): Fill {
  const at = (index: number) => (index === -1 ? "" : fields[index] ?? "");
  const market = oneOf(at(columns.market) || "usdm", MARKET_VALUES, "market");
  const timeText = at(columns.time);
  const time = parseTime(timeText);
  if (time === undefined) throw new FillRowError("time", describe(timeText));
  const symbol = intern(at(columns.symbol));
  if (!SYMBOL.test(symbol)) throw new FillRowError("symbol", describe(symbol));
  const orderId = at(columns.orderId);
  if (orderId !== "") digits(orderId, "orderId");
  const marginAsset = at(columns.marginAsset) || defaultMarginAsset(symbol, market);
  if (marginAsset === "") {
    throw new FillRowError("marginAsset", `empty, and cannot be told from symbol ${symbol}`);
  }
  return {
    market,
    symbol,
    id: digits(at(columns.id), "id"),
    orderId,
    time,
    side: oneOf(at(columns.side), SIDE_VALUES, "side"),
    positionSide: oneOf(at(columns.positionSide), POSITION_SIDE_VALUES, "positionSide"),
    qty: positive(at(columns.qty), "qty"),
    price: positive(at(columns.price), "price"),
    commission: decimal(at(columns.commission), "commission"),
    commissionAsset: intern(asset(at(columns.commissionAsset), "commissionAsset")),
    realizedPnl: decimal(at(columns.realizedPnl), "realizedPnl"),
    marginAsset: intern(asset(marginAsset, "marginAsset")),
    maker: bool(at(columns.maker), "maker"),
    quoteQty: optionalDecimal(at(columns.quoteQty), "quoteQty"),
    baseQty: optionalDecimal(at(columns.baseQty), "baseQty"),
    pair: intern(at(columns.pair)),
  };
}

const MARKET_VALUES: readonly Market[] = ["usdm", "coinm"];
const SIDE_VALUES: readonly Side[] = ["BUY", "SELL"];
const POSITION_SIDE_VALUES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];

/** One fill as row fields, in {@linkcode FILL_COLUMNS} order; decimals as Binance sent them. */
export function formatFillRow(fill: Fill): string[] {
  return [
    formatTime(fill.time),
    fill.symbol,
    fill.side,
    fill.qty,
    fill.price,
    fill.commission,
    fill.commissionAsset,
    fill.realizedPnl,
    fill.positionSide,
    fill.id,
    fill.orderId,
    fill.maker === undefined ? "" : String(fill.maker),
    fill.quoteQty,
    fill.marginAsset,
    fill.market,
    fill.pair,
    fill.baseQty,
  ];
}

function describe(text: string): string {
  return text === "" ? "empty" : `not valid: ${JSON.stringify(text.slice(0, 40))}`;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], field: string): T {
  for (const value of allowed) if (value === text) return value;
  throw new FillRowError(field, `${describe(text)} (expected ${allowed.join(" or ")})`);
}

function digits(text: string, field: string): string {
  if (DIGITS.test(text)) return text;
  throw new FillRowError(field, `${describe(text)} (expected a whole number)`);
}

/** The decimal as plain-notation text (exponent notation, e.g. `1e-05`, is rewritten). */
function decimal(text: string, field: string): string {
  if (isPlainDecimal(text)) return text;
  try {
    return Decimal.parse(text).toString();
  } catch {
    throw new FillRowError(field, `${describe(text)} (expected a decimal number)`);
  }
}

function positive(text: string, field: string): string {
  const value = decimal(text, field);
  if (value.charCodeAt(0) !== 45 && /[1-9]/.test(value)) return value;
  throw new FillRowError(field, `${describe(text)} (must be greater than zero)`);
}

function optionalDecimal(text: string, field: string): string {
  return text === "" ? "" : decimal(text, field);
}

function asset(text: string, field: string): string {
  if (ASSET.test(text)) return text;
  throw new FillRowError(field, describe(text));
}

function bool(text: string, field: string): boolean | undefined {
  switch (text) {
    case "":
      return undefined;
    case "true":
    case "True":
      return true;
    case "false":
    case "False":
      return false;
  }
  throw new FillRowError(field, `${describe(text)} (expected true or false)`);
}
