/**
 * The fast way to read a row of `futures_fills.csv` as futures-ledger writes it: its columns in
 * {@linkcode FILL_COLUMNS} order, no quotes. One pass over the row's text checks and cuts every
 * field, where the general reader (`parseFillRow`) first splits the row and then checks each
 * field on its own: on the benchmark's million rows the difference is most of the reading time.
 *
 * It reads only rows that are valid in the plain way (no exponent notation, no missing field);
 * for anything else it gives up, and the general reader reads the row or says what is wrong.
 * Both give the same fill for any row both read (`tests/fills_file_test.ts`).
 *
 * @module
 */

import { decimalEnd, fieldEnd, idEnd, nameEnd, wordEnd } from "../csv/field_ends.ts";
import { copyRange, rangeIs } from "../csv/row_view.ts";
import type { Fill, LedgerFill, Market, PositionSide, Side, Source } from "../fill.ts";
import { parseTimeAt } from "../time.ts";
import type { RecentTexts } from "./fill_text.ts";
import { FILL_COLUMNS } from "./fill_row.ts";
import { lineMatchesCrc } from "./row_check.ts";

/** What {@linkcode parseCanonicalLine} returns for a row of a symbol it was not to read. */
export const SKIPPED: unique symbol = Symbol("skipped");

/** Whether a header is exactly {@linkcode FILL_COLUMNS}, in order. */
export function isCanonicalHeader(header: readonly string[]): boolean {
  return header.length === FILL_COLUMNS.length && FILL_COLUMNS.every((n, i) => header[i] === n);
}

/**
 * The fill in the unquoted row `t[start, end)` of a file with canonical columns, every field
 * checked and the row's check matched; `undefined` if the row is not plainly valid (the general
 * reader then reads it, or says what is wrong). With `ledgerOnly`, only the ledger's fields are
 * kept, as `parseFillRow` does. `recent` holds the texts of the rows read just before; `ascii`,
 * the text as bytes if at hand (`LineHandler`). With `symbols`, a row whose symbol it refuses is
 * {@linkcode SKIPPED} as soon as its symbol is read, unchecked (a reader of a few symbols), if it
 * is the row's second field.
 */
export function parseCanonicalLine(
  t: string,
  start: number,
  end: number,
  ledgerOnly: boolean,
  recent: RecentTexts,
  ascii?: Uint8Array,
  symbols?: (symbol: string) => boolean,
): LedgerFill | Fill | typeof SKIPPED | undefined {
  // Each field: `to` is where it ends (-1: not plainly valid); every field but the last must be
  // followed by a comma. The symbol first (after the time's 24 characters), then the time.
  const timeEnd = start + 24;
  if (timeEnd >= end || t.charCodeAt(timeEnd) !== 44) return undefined;
  let at = timeEnd + 1;
  let to = nameEnd(t, at, end, 40, true);
  if (to < 0 || to === end) return undefined;
  const symbol = recent.symbolAt(t, at, to);
  if (symbols !== undefined && !symbols(symbol)) {
    // Skipped unread only if that was the second field, the row's first comma ending the time: a
    // time cut short (`2025-01-01 00:00,BTCUSDT,SELL,…`) puts a later field there, and the row
    // would be skipped by the reader of every symbol. (A row read goes on to read its time.)
    return t.indexOf(",", start) === timeEnd ? SKIPPED : undefined;
  }
  const time = parseTimeAt(t, start, timeEnd);
  if (time === undefined) return undefined;

  at = to + 1;
  // Each word field compared once, to the one word its first letter allows.
  const side: Side = t.charCodeAt(at) === 83 ? "SELL" : "BUY";
  to = wordEnd(t, at, end, side);
  if (to < 0 || to === end) return undefined;

  at = to + 1;
  to = decimalEnd(t, at, end, true);
  if (to < 0 || to === end) return undefined;
  const qty = copyRange(t, at, to);

  at = to + 1;
  to = decimalEnd(t, at, end, true);
  if (to < 0 || to === end) return undefined;
  let price = recent.price;
  if (price === "" || !rangeIs(t, at, to, price)) price = recent.price = copyRange(t, at, to);

  at = to + 1;
  to = decimalEnd(t, at, end, false);
  if (to < 0 || to === end) return undefined;
  const commission = copyRange(t, at, to);

  at = to + 1;
  to = nameEnd(t, at, end, 20, false);
  if (to < 0 || to === end) return undefined;
  const commissionAsset = recent.wordAt(t, at, to);

  at = to + 1;
  to = decimalEnd(t, at, end, false);
  if (to < 0 || to === end) return undefined;
  let realizedPnl = recent.zero;
  if (!rangeIs(t, at, to, realizedPnl)) {
    realizedPnl = copyRange(t, at, to);
    if (!/[1-9]/.test(realizedPnl)) recent.zero = realizedPnl;
  }

  at = to + 1;
  const initial = t.charCodeAt(at);
  const positionSide: PositionSide = initial === 76 ? "LONG" : initial === 83 ? "SHORT" : "BOTH";
  to = wordEnd(t, at, end, positionSide);
  if (to < 0 || to === end) return undefined;

  at = to + 1;
  to = idEnd(t, at, end);
  if (to < 0 || to === end) return undefined;
  const id = copyRange(t, at, to);

  at = to + 1; // orderId, may be empty
  to = t.charCodeAt(at) === 44 ? at : idEnd(t, at, end);
  if (to < 0 || to === end) return undefined;
  const orderId = ledgerOnly || to === at ? "" : copyRange(t, at, to);

  at = to + 1; // maker, may be empty
  to = fieldEnd(t, at, end);
  const letter = t.charCodeAt(at);
  const word = letter === 102 ? "false" : letter === 70 ? "False" : letter === 84 ? "True" : "true";
  const maker = to === at ? undefined : rangeIs(t, at, to, word) ? word.length === 4 : null;
  if (maker === null || to === end) return undefined;

  at = to + 1; // quoteQty, may be empty
  to = t.charCodeAt(at) === 44 ? at : decimalEnd(t, at, end, false);
  if (to < 0 || to === end) return undefined;
  const quoteQty = ledgerOnly || to === at ? "" : copyRange(t, at, to);

  at = to + 1; // marginAsset, may be empty: told from the symbol once the market is known
  to = t.charCodeAt(at) === 44 ? at : nameEnd(t, at, end, 20, false);
  if (to < 0 || to === end) return undefined;
  const marginFrom = at;
  const marginTo = to;

  at = to + 1;
  to = fieldEnd(t, at, end);
  const named: Market = t.charCodeAt(at) === 99 ? "coinm" : "usdm";
  const market: Market | undefined = to === at
    ? "usdm"
    : rangeIs(t, at, to, named)
    ? named
    : undefined;
  if (market === undefined || to === end) return undefined;
  const marginAsset = marginTo === marginFrom
    ? recent.marginAssetOf(symbol, market)
    : recent.wordAt(t, marginFrom, marginTo);
  if (marginAsset === "") return undefined;

  at = to + 1; // pair, may be empty
  to = t.charCodeAt(at) === 44 ? at : nameEnd(t, at, end, 40, true);
  if (to < 0 || to === end) return undefined;
  const pair = ledgerOnly || to === at ? "" : recent.intern(copyRange(t, at, to));

  at = to + 1; // baseQty, may be empty
  to = t.charCodeAt(at) === 44 ? at : decimalEnd(t, at, end, false);
  if (to < 0 || to === end) return undefined;
  const baseQty = ledgerOnly || to === at ? "" : copyRange(t, at, to);

  at = to + 1;
  const source: Source = t.charCodeAt(at + 1) === 114 ? "archive" : "api";
  to = wordEnd(t, at, end, source);
  if (to < 0 || to === end) return undefined;

  // The check, the last field: exactly one more field, matching the rest of the row.
  const comma = t.indexOf(",", to + 1);
  if (comma !== -1 && comma < end) return undefined;
  if (!lineMatchesCrc(t, start, end, ascii)) return undefined;

  // The same literal as parseFillRow's, field for field: fills from either reader share a shape.
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
