/**
 * The positions file written a second time, independently of the project's writer
 * (`src/storage/positions_file.ts`, `src/csv/format.ts`, `src/decimal.ts`, `src/time.ts`), from
 * the README's description of `futures_positions.csv`: the columns in their order, exact decimals
 * with trailing zeros dropped and never an exponent, times as ISO 8601 UTC with milliseconds,
 * RFC 4180 quoting, LF line ends. The reference ledger and the fake exchange's ground truth print
 * with it, so a bug in the project's formatter shows up as a difference.
 *
 * Decimals are `big.js` values (exact for sums and products; divisions are rounded by whoever
 * computes them, to 12 places half-to-even as the README says).
 *
 * @module
 */

import Big from "big.js";

/** An exact decimal (big.js). */
export type Exact = Big;

/** Reads decimal text (plain or with an exponent) exactly. */
export function exact(text: string): Exact {
  return new Big(text);
}

/** `m × 10^-s` exactly: a `Decimal`'s value read from its mantissa and scale, without its code. */
export function exactOf(value: { readonly m: number | bigint; readonly s: number }): Exact {
  return new Big(`${value.m}e-${value.s}`);
}

/** The README's columns of `futures_positions.csv`, in order (written out here on purpose). */
export const POSITIONS_FILE_COLUMNS: readonly string[] = [
  "status",
  "symbol",
  "direction",
  "open_time",
  "close_time",
  "entry_qty",
  "entry_vwap",
  "realizedPnl",
  "commission",
  "net_pnl_after_fees",
  "fills",
  "exit_qty",
  "exit_vwap",
  "max_qty",
  "position_side",
  "open_trade_id",
  "close_trade_id",
  "open_qty",
  "prior_qty",
  "market",
  "margin_asset",
  "commission_other",
  "note",
  "commission_converted",
  "funding",
  "net_pnl",
];

/** One position as the file shows it; `undefined` prints as an empty field. */
export interface PositionFields {
  readonly status: "OPEN" | "CLOSED" | "PARTIAL";
  readonly symbol: string;
  readonly direction: "LONG" | "SHORT";
  /** ms since the epoch. */
  readonly openTime: number;
  readonly closeTime: number | undefined;
  readonly entryQty: Exact;
  readonly entryVwap: Exact | undefined;
  readonly realizedPnl: Exact;
  readonly commission: Exact;
  readonly fills: number;
  readonly exitQty: Exact;
  readonly exitVwap: Exact | undefined;
  readonly maxQty: Exact;
  readonly positionSide: "BOTH" | "LONG" | "SHORT";
  readonly openTradeId: string;
  readonly closeTradeId: string;
  readonly openQty: Exact;
  readonly priorQty: Exact;
  readonly market: "usdm" | "coinm";
  readonly marginAsset: string;
  /** Fees in other assets, in the order printed. */
  readonly commissionOther: readonly (readonly [asset: string, amount: Exact])[];
  readonly note: string;
  readonly commissionConverted: Exact | undefined;
  readonly funding: Exact | undefined;
  readonly netPnl: Exact | undefined;
}

/** Exact decimal text: no exponent, no trailing zeros, no `-0`. */
export function decimalText(value: Exact): string {
  if (value.eq(0)) return "0";
  const text = value.toFixed(); // big.js keeps no trailing zeros; toFixed() never uses an exponent
  if (!/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/.test(text)) throw new Error(`unexpected text ${text}`);
  return text;
}

/** A time as `2025-01-01T00:13:20.875Z`. */
export function timeText(ms: number): string {
  return new Date(ms).toISOString();
}

/** One field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const optional = (value: Exact | undefined) => (value === undefined ? "" : decimalText(value));

/** One position's fields, in {@linkcode POSITIONS_FILE_COLUMNS} order. */
export function positionCells(p: PositionFields): string[] {
  return [
    p.status,
    p.symbol,
    p.direction,
    timeText(p.openTime),
    p.closeTime === undefined ? "" : timeText(p.closeTime),
    decimalText(p.entryQty),
    optional(p.entryVwap),
    decimalText(p.realizedPnl),
    decimalText(p.commission),
    decimalText(p.realizedPnl.minus(p.commission)),
    String(p.fills),
    decimalText(p.exitQty),
    optional(p.exitVwap),
    decimalText(p.maxQty),
    p.positionSide,
    p.openTradeId,
    p.closeTradeId,
    decimalText(p.openQty),
    decimalText(p.priorQty),
    p.market,
    p.marginAsset,
    p.commissionOther.map(([asset, amount]) => `${decimalText(amount)} ${asset}`).join("; "),
    p.note,
    optional(p.commissionConverted),
    optional(p.funding),
    optional(p.netPnl),
  ];
}

/** The whole positions file: the header, then one line per position, each ending with LF. */
export function positionsFileText(positions: readonly PositionFields[]): string {
  return [POSITIONS_FILE_COLUMNS, ...positions.map(positionCells)]
    .map((cells) => cells.map(field).join(",") + "\n")
    .join("");
}
