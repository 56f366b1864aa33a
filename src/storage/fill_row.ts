/**
 * The columns of `futures_fills.csv` and the conversion of one row to and from a {@linkcode Fill}.
 *
 * Rows are read through a {@linkcode RowView}: every field is checked in place and only the
 * fields a fill keeps are copied out.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { RowView } from "../csv/row_view.ts";
import { Decimal, isPlainDecimal } from "../decimal.ts";
import {
  type Fill,
  type LedgerFill,
  type Market,
  type PositionSide,
  type Side,
  type Source,
  SYMBOL,
} from "../fill.ts";
import { formatTime, parseTimeAt } from "../time.ts";
import { ASSET, type RecentTexts } from "./fill_text.ts";
import { missingColumnsMessage } from "./missing_columns.ts";
import { CRC_COLUMN, withCrc } from "./row_check.ts";

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
  "source",
  CRC_COLUMN,
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

/** Where each column sits in a file's rows (-1 when absent), found from its header. */
export type ColumnIndex = Readonly<Record<(typeof FILL_COLUMNS)[number], number>>;

/**
 * Maps column names to positions from a header row. Extra columns are ignored; a missing
 * required column is an error; a missing optional one reads as empty — except in a file with
 * the `crc32` column, which futures-ledger wrote with every column: there a missing one means the
 * header was changed, and is an error too.
 */
export function indexColumns(header: readonly string[]): ColumnIndex {
  const required = header.includes(CRC_COLUMN) ? FILL_COLUMNS : REQUIRED_FILL_COLUMNS;
  const missing = required.filter((c) => !header.includes(c));
  const [first] = missing;
  if (first !== undefined) {
    throw new FillRowError(first, missingColumnsMessage(header, missing));
  }
  return Object.fromEntries(FILL_COLUMNS.map((c) => [c, header.indexOf(c)])) as ColumnIndex;
}

/** `last` if field `i` is that very text (compared in place), else `undefined`. */
function sameAsLast(row: RowView, i: number, last: string): string | undefined {
  return last !== "" && row.is(i, last) ? last : undefined;
}

/**
 * Reads one row (its check, if any, is the caller's): every field is checked; the result keeps
 * all of them, or with `ledgerOnly` just the ledger's (a smaller object, for rebuilding positions
 * from a million fills). `recent` holds the texts of the rows read just before.
 *
 * @throws {FillRowError} naming the first field that is missing or malformed.
 */
export function parseFillRow(row: RowView, columns: ColumnIndex, recent: RecentTexts): Fill;
export function parseFillRow(
  row: RowView,
  columns: ColumnIndex,
  recent: RecentTexts,
  ledgerOnly: true,
): LedgerFill;
export function parseFillRow(
  row: RowView,
  columns: ColumnIndex,
  recent: RecentTexts,
  ledgerOnly = false,
): LedgerFill {
  const c = columns;
  row.span(c.time);
  const time = parseTimeAt(row.source, row.from, row.to);
  if (time === undefined) throw new FillRowError("time", describe(row.field(c.time)));
  const market = row.is(c.market, "usdm") || row.empty(c.market)
    ? "usdm"
    : oneOf(row, c.market, MARKETS, "market");
  let symbol = sameAsLast(row, c.symbol, recent.symbol); // fills of one order come together
  if (symbol === undefined) {
    symbol = recent.intern(row.field(c.symbol));
    if (!SYMBOL.test(symbol)) throw new FillRowError("symbol", describe(symbol));
    recent.symbol = symbol;
  }
  const side = oneOf(row, c.side, SIDES, "side");
  const qty = decimal(row, c.qty, "qty", true);
  const price = decimal(row, c.price, "price", true);
  const commission = decimal(row, c.commission, "commission");
  const commissionAsset = asset(row, c.commissionAsset, "commissionAsset", recent);
  let realizedPnl = sameAsLast(row, c.realizedPnl, recent.zero);
  if (realizedPnl === undefined) {
    realizedPnl = decimal(row, c.realizedPnl, "realizedPnl");
    if (!/[1-9]/.test(realizedPnl)) recent.zero = realizedPnl; // opening fills: share their zero
  }
  const positionSide = oneOf(row, c.positionSide, POSITION_SIDES, "positionSide");
  const id = digits(row, c.id, "id");
  // Checked always; copied out only when kept (a million discarded strings cost real time).
  const keep = !ledgerOnly;
  const orderId = row.empty(c.orderId) ? "" : digits(row, c.orderId, "orderId", keep);
  const maker = bool(row, c.maker);
  const quoteQty = decimal(row, c.quoteQty, "quoteQty", false, true, keep);
  const marginAsset = row.empty(c.marginAsset)
    ? recent.marginAssetOf(symbol, market)
    : asset(row, c.marginAsset, "marginAsset", recent);
  if (marginAsset === "") {
    throw new FillRowError("marginAsset", `empty, and cannot be told from symbol ${symbol}`);
  }
  let pair = "";
  if (!row.empty(c.pair)) {
    pair = recent.intern(row.field(c.pair));
    if (!SYMBOL.test(pair)) throw new FillRowError("pair", describe(pair));
    if (ledgerOnly) pair = "";
  }
  const baseQty = decimal(row, c.baseQty, "baseQty", false, true, keep);
  const source = row.is(c.source, "api") || row.empty(c.source)
    ? "api"
    : oneOf(row, c.source, SOURCES, "source");
  const ledger = {
    market,
    symbol,
    id,
    time,
    side,
    positionSide,
    qty,
    price,
    commission,
    commissionAsset,
    realizedPnl,
    marginAsset,
  };
  if (ledgerOnly) return ledger;
  const fill: Fill = { ...ledger, orderId, maker, quoteQty, baseQty, pair, source };
  return fill;
}

/** One fill as a line of the fills file, with its check and line break. */
export function fillLine(fill: Fill): string {
  return withCrc(csvLine(formatFillRow(fill)));
}

/**
 * One fill as row fields, in {@linkcode FILL_COLUMNS} order but for the check (see
 * {@linkcode fillLine}); decimals as Binance sent them.
 */
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
    fill.source,
  ];
}

const MARKETS: readonly Market[] = ["usdm", "coinm", "" as Market];
const SIDES: readonly Side[] = ["BUY", "SELL"];
const POSITION_SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];
const SOURCES: readonly Source[] = ["api", "archive"];

function describe(text: string): string {
  return text === "" ? "empty" : `not valid: ${JSON.stringify(text.slice(0, 40))}`;
}

/** One of `allowed` (an empty market means `usdm`), compared in place. */
function oneOf<T extends string>(row: RowView, i: number, allowed: readonly T[], name: string): T {
  for (const value of allowed) {
    if (row.is(i, value)) return (value === "" ? "usdm" : value) as T;
  }
  const expected = allowed.filter((v) => v !== "").join(" or ");
  throw new FillRowError(name, `${describe(row.field(i))} (expected ${expected})`);
}

/** The whole number in field `i` (or `""` if not `keep`, once checked). */
function digits(row: RowView, i: number, name: string, keep = true): string {
  row.span(i);
  const { source, from, to } = row;
  let ok = to > from && (to - from === 1 || source.charCodeAt(from) !== 48);
  for (let k = from; ok && k < to; k++) {
    const ch = source.charCodeAt(k);
    ok = ch >= 48 && ch <= 57;
  }
  if (ok) return keep ? row.field(i) : "";
  throw new FillRowError(name, `${describe(row.field(i))} (expected a whole number)`);
}

/**
 * The decimal as plain-notation text (exponent notation, e.g. `1e-05`, is rewritten); `""` for
 * an empty `optional` field, or once checked if not `keep`.
 */
function decimal(
  row: RowView,
  i: number,
  name: string,
  positive = false,
  optional = false,
  keep = true,
): string {
  row.span(i);
  const { source, from, to } = row;
  if (optional && to === from) return "";
  let value: string;
  let nonZero = false;
  if (isPlainDecimal(source, from, to)) {
    if (positive) {
      for (let k = from; k < to && !nonZero; k++) nonZero = source.charCodeAt(k) > 48;
    }
    if (!keep && !positive) return "";
    value = row.field(i);
  } else {
    try {
      value = Decimal.parse(row.field(i)).toString();
    } catch {
      throw new FillRowError(name, `${describe(row.field(i))} (expected a decimal number)`);
    }
    nonZero = /[1-9]/.test(value);
  }
  // Plain decimal digits and '.' only: a char above '0' is a non-zero digit.
  if (positive && (value.charCodeAt(0) === 45 || !nonZero)) {
    throw new FillRowError(name, `${describe(value)} (must be greater than zero)`);
  }
  return value;
}

/** An asset field: one of the recently seen ones (compared in place), or a new one. */
function asset(row: RowView, i: number, name: string, recent: RecentTexts): string {
  row.span(i);
  const known = recent.knownWord(row.source, row.from, row.to);
  if (known !== undefined) return known;
  const text = row.field(i);
  if (!ASSET.test(text)) throw new FillRowError(name, describe(text));
  return recent.rememberWord(text);
}

function bool(row: RowView, i: number): boolean | undefined {
  if (row.is(i, "true") || row.is(i, "True")) return true;
  if (row.is(i, "false") || row.is(i, "False")) return false;
  if (row.empty(i)) return undefined;
  throw new FillRowError("maker", `${describe(row.field(i))} (expected true or false)`);
}
