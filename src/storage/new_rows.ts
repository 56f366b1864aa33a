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

/** A new row that would not read back once written: which, and why (the reader's words). */
export interface UnreadableRow {
  /** The row, named: `fill usdm BTCUSDT #5 of 2025-01-01T00:00:05.000Z`. */
  readonly which: string;
  /** Its time. */
  readonly time: number;
  /** Whether it came from a bulk download or an export file (else the API). */
  readonly archive: boolean;
  /** What the reader says of it: `field "price": not valid: "0" (…)`. */
  readonly problem: string;
}

/** The first of `fills` that would not read back once written to the fills file, if any. */
export function unreadableFill(fills: readonly Fill[]): UnreadableRow | undefined {
  const recent = new RecentTexts();
  const columns = indexColumns(FILL_COLUMNS);
  const row = new RowView();
  for (const fill of fills) {
    try {
      row.setFields(formatFillRow(fill));
      parseFillRow(row, columns, recent, true);
    } catch (error) {
      if (!(error instanceof FillRowError)) throw error;
      return {
        which: `fill ${fill.market} ${fill.symbol} #${fill.id} of ${formatTime(fill.time)}`,
        time: fill.time,
        archive: fill.source === "archive",
        problem: error.message,
      };
    }
  }
  return undefined;
}

/** The first of `records` that would not read back once written to the income file, if any. */
export function unreadableIncome(records: readonly IncomeRecord[]): UnreadableRow | undefined {
  const recent = new RecentTexts();
  const index = INCOME_COLUMNS.map((_, i) => i);
  for (const record of records) {
    try {
      parseIncomeRow("", 0, formatIncomeRow(record), index, false, recent);
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      return {
        which: `income record ${record.market} ${record.incomeType} #${record.tranId} of ` +
          formatTime(record.time),
        time: record.time,
        archive: record.source === "archive",
        problem: error.problem,
      };
    }
  }
  return undefined;
}

/**
 * Checks that each of `fills` reads back once written to the fills file at `path`.
 *
 * @throws {DataFileError} for the first that would not: which fill, which field, and why.
 */
export function checkNewFills(path: string, fills: readonly Fill[]): void {
  const bad = unreadableFill(fills);
  if (bad !== undefined) throw unreadable(path, bad);
}

/**
 * Checks that each of `records` reads back once written to the income file at `path`.
 *
 * @throws {DataFileError} for the first that would not: which record, which field, and why.
 */
export function checkNewIncome(path: string, records: readonly IncomeRecord[]): void {
  const bad = unreadableIncome(records);
  if (bad !== undefined) throw unreadable(path, bad);
}

/** The error for a new row the reader would refuse. */
function unreadable(path: string, bad: UnreadableRow): DataFileError {
  const from = bad.archive ? "a bulk download or export file" : "Binance's API";
  return new DataFileError(
    path,
    0,
    `the new ${bad.which}, from ${from}, cannot be kept: ${bad.problem}. Written, it would make ` +
      "the file unreadable; please report it with this message",
  );
}
