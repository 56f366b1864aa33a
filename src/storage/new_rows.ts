/**
 * New rows checked before any is written: each fill and income record a sync is about to add must
 * be one that the file's own reader accepts once written. A row it refuses (a price of `0`, an
 * amount in exponent notation, an asset in lowercase: nothing Binance documents, but nothing that
 * stops a reply or an export file from holding it) would otherwise be written with a matching
 * check, and every later run would stop at that line as if the file were damaged. Refused here,
 * the sync stops before writing anything and names the row and the field.
 *
 * The check is the general reader's (`parseFillRow`, `parseIncomeRow`), given the fields the row
 * is written as: what it accepts, the file's reader accepts, its fast path included (both read
 * the same rows the same way). A row's check always matches, since it is computed from them.
 *
 * @module
 */

import { RowView } from "../csv/row_view.ts";
import type { Fill } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { formatTime } from "../time.ts";
import { DataFileError } from "./data_file.ts";
import {
  FILL_COLUMNS,
  FillRowError,
  formatFillRow,
  indexColumns,
  parseFillRow,
} from "./fill_row.ts";
import { RecentTexts } from "./fill_text.ts";
import { formatIncomeRow, INCOME_COLUMNS, parseIncomeRow } from "./income_file.ts";

/**
 * Checks that each of `fills` reads back once written to the fills file at `path`.
 *
 * @throws {DataFileError} for the first that would not: which fill, which field, and why.
 */
export function checkNewFills(path: string, fills: readonly Fill[]): void {
  const recent = new RecentTexts();
  const columns = indexColumns(FILL_COLUMNS);
  const row = new RowView();
  for (const fill of fills) {
    try {
      row.setFields(formatFillRow(fill));
      parseFillRow(row, columns, recent, true);
    } catch (error) {
      if (!(error instanceof FillRowError)) throw error;
      const which = `fill ${fill.market} ${fill.symbol} #${fill.id} of ${formatTime(fill.time)}`;
      throw unreadable(path, which, fill.source === "archive", error.message);
    }
  }
}

/**
 * Checks that each of `records` reads back once written to the income file at `path`.
 *
 * @throws {DataFileError} for the first that would not: which record, which field, and why.
 */
export function checkNewIncome(path: string, records: readonly IncomeRecord[]): void {
  const recent = new RecentTexts();
  const index = INCOME_COLUMNS.map((_, i) => i);
  for (const record of records) {
    try {
      parseIncomeRow(path, 0, formatIncomeRow(record), index, false, recent);
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      const which = `income record ${record.market} ${record.incomeType} #${record.tranId} of ` +
        formatTime(record.time);
      throw unreadable(path, which, record.source === "archive", error.problem);
    }
  }
}

/** The error for a new row the reader would refuse. */
function unreadable(path: string, which: string, archive: boolean, problem: string): DataFileError {
  const from = archive ? "a bulk download or export file" : "Binance's API";
  return new DataFileError(
    path,
    0,
    `the new ${which}, from ${from}, cannot be kept: ${problem}. Written, it would make the file ` +
      "unreadable; please report it with this message",
  );
}
