/**
 * `futures_fills.csv`: reading it whole, and replacing it atomically.
 *
 * @module
 */

import { RowView } from "../csv/row_view.ts";
import { csvLine } from "../csv/format.ts";
import { compareFillsByTime, type Fill, type LedgerFill } from "../fill.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { DataFileError, readDataFile } from "./data_file.ts";
import {
  type ColumnIndex,
  FILL_COLUMNS,
  FillRowError,
  formatFillRow,
  indexColumns,
  parseFillRow,
} from "./fill_row.ts";

/** What a fills file holds. */
export interface FillsFile<T extends LedgerFill = Fill> {
  /** The fills, in file order. */
  readonly fills: T[];
  /** Columns of the file that futures-ledger does not know (not kept when it rewrites the file). */
  readonly unknownColumns: string[];
}

/**
 * Reads every row of a fills file. Columns are found by name from the header.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for malformed CSV, a missing column, a malformed row (naming its
 *   line and field) or a file with no header; nothing is skipped silently.
 */
export function readFillsFile(path: string): Promise<FillsFile> {
  return readRows(path, (row, columns) => parseFillRow(row, columns));
}

/**
 * Like {@linkcode readFillsFile}, with every field checked but only the ledger's kept: about a
 * third less memory, for rebuilding positions.
 */
export function readLedgerFills(path: string): Promise<FillsFile<LedgerFill>> {
  return readRows(path, (row, columns) => parseFillRow(row, columns, true));
}

async function readRows<T extends LedgerFill>(
  path: string,
  parse: (row: RowView, columns: ColumnIndex) => T,
): Promise<FillsFile<T>> {
  const fills: T[] = [];
  const row = new RowView();
  let columns: ColumnIndex | undefined;
  let unknownColumns: string[] = [];
  /** A FillRowError as a DataFileError at `line`; anything else unchanged. */
  const located = (error: unknown, line: number) =>
    error instanceof FillRowError ? new DataFileError(path, line, error.message) : error;
  await readDataFile(path, {
    header(fields, line) {
      try {
        columns = indexColumns(fields);
      } catch (error) {
        throw located(error, line);
      }
      unknownColumns = fields.filter((f) => !(FILL_COLUMNS as readonly string[]).includes(f));
    },
    record(fields, line) {
      row.setFields(fields);
      try {
        fills.push(parse(row, columns!));
      } catch (error) {
        throw located(error, line);
      }
    },
    line(text, start, end, line) {
      row.setLine(text, start, end);
      try {
        fills.push(parse(row, columns!));
      } catch (error) {
        throw located(error, line);
      }
      return true;
    },
  });
  return { fills, unknownColumns };
}

/** Replaces the fills file with `fills`, sorted by time (then market, symbol, id). */
export async function writeFillsFile(path: string, fills: readonly Fill[]): Promise<void> {
  const sorted = isSorted(fills) ? fills : [...fills].sort(compareFillsByTime);
  await writeFileAtomic(path, fillsCsv(sorted));
}

function* fillsCsv(fills: readonly Fill[]): Generator<string> {
  yield csvLine(FILL_COLUMNS);
  for (const fill of fills) yield csvLine(formatFillRow(fill));
}

function isSorted(fills: readonly LedgerFill[]): boolean {
  for (let i = 1; i < fills.length; i++) {
    if (compareFillsByTime(fills[i - 1], fills[i]) > 0) return false;
  }
  return true;
}
