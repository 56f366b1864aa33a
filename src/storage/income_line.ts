/**
 * The fast way to read a row of `futures_income.csv` as futures-ledger writes it: its columns in
 * `INCOME_COLUMNS` order, no quotes. One pass over the row's text checks and cuts every field,
 * where the general reader splits the row and tests each field with a pattern; repeated texts
 * (symbols, types, assets) are found in place among the last seen instead of copied and looked up.
 *
 * It reads only rows whose every field is plainly valid (ASCII symbols, no exponent notation); for
 * anything else it gives up, and the general reader reads the row or says what is wrong. Both give
 * the same record for any row both read (`tests/income_file_test.ts`).
 *
 * @module
 */

import { decimalEnd, fieldEnd, idEnd, nameEnd, wordEnd } from "../csv/field_ends.ts";
import { copyRange, rangeIs } from "../csv/row_view.ts";
import type { Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { parseTimeAt } from "../time.ts";
import type { RecentTexts } from "./fill_text.ts";

/**
 * The record in the unquoted row `t[start, end)` of an income file with the standard columns,
 * every field checked but the last (the row's check, which the caller matches); `undefined` if
 * the row is not plainly valid. `recent` holds the texts of the rows read before.
 */
export function parseCanonicalIncomeLine(
  t: string,
  start: number,
  end: number,
  recent: RecentTexts,
): IncomeRecord | undefined {
  let at = start + 24;
  if (at >= end || t.charCodeAt(at) !== 44) return undefined;
  const time = parseTimeAt(t, start, at);
  if (time === undefined) return undefined;

  at++; // symbol, may be empty (transfers)
  let to = t.charCodeAt(at) === 44 ? at : nameEnd(t, at, end, 40, true);
  if (to < 0 || to === end) return undefined;
  const symbol = to === at ? "" : recent.symbolAt(t, at, to);

  at = to + 1;
  to = nameEnd(t, at, end, 40, true, false); // an income type: A–Z and _
  if (to < 0 || to === end) return undefined;
  const incomeType = recent.wordAt(t, at, to);

  at = to + 1;
  to = decimalEnd(t, at, end, false);
  if (to < 0 || to === end) return undefined;
  const income = copyRange(t, at, to);

  at = to + 1;
  to = nameEnd(t, at, end, 20, false);
  if (to < 0 || to === end) return undefined;
  const asset = recent.wordAt(t, at, to);

  at = to + 1; // info: any text without a comma (a row with quotes is not read here)
  to = fieldEnd(t, at, end);
  if (to === end) return undefined;
  const info = to === at ? "" : rangeIs(t, at, to, incomeType) ? incomeType : copyRange(t, at, to);

  at = to + 1;
  to = idEnd(t, at, end);
  if (to < 0 || to === end) return undefined;
  const tranId = copyRange(t, at, to);

  at = to + 1; // tradeId, may be empty
  to = t.charCodeAt(at) === 44 ? at : idEnd(t, at, end);
  if (to < 0 || to === end) return undefined;
  const tradeId = to === at ? "" : copyRange(t, at, to);

  at = to + 1;
  let market: Market = "usdm";
  to = wordEnd(t, at, end, market);
  if (to < 0) to = wordEnd(t, at, end, market = "coinm");
  if (to < 0 || to === end) return undefined;

  at = to + 1; // source, may be empty (api)
  let archive = false;
  to = t.charCodeAt(at) === 44 ? at : wordEnd(t, at, end, "api");
  if (to < 0) {
    to = wordEnd(t, at, end, "archive");
    archive = true;
  }
  if (to < 0 || to === end) return undefined;

  // The check, the last field: exactly one more.
  const comma = t.indexOf(",", to + 1);
  if (comma !== -1 && comma < end) return undefined;

  // The same literal as the general reader's, field for field: records share a shape.
  const record: IncomeRecord = {
    market,
    time,
    symbol,
    incomeType,
    income,
    asset,
    info,
    tranId,
    tradeId,
  };
  return archive ? { ...record, source: "archive" } : record;
}
