/**
 * `futures_fills.csv`: reading it whole, and replacing it atomically.
 *
 * @module
 */

import { CsvSyntaxError, parseCsvFile } from "../csv/parser.ts";
import { RowView } from "../csv/row_view.ts";
import { csvLine } from "../csv/format.ts";
import { compareFillsByTime, type Fill, type LedgerFill } from "../fill.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import {
  type ColumnIndex,
  FILL_COLUMNS,
  FillRowError,
  formatFillRow,
  indexColumns,
  parseFillRow,
} from "./fill_row.ts";

/** A file that cannot be read as intended; the message names the file, line and field. */
export class DataFileError extends Error {
  /** The file. */
  readonly path: string;
  /** 1-based line, or 0 when the problem is the file as a whole. */
  readonly line: number;
  constructor(path: string, line: number, problem: string) {
    super(`${path}${line > 0 ? `:${line}` : ""}: ${problem}`);
    this.name = "DataFileError";
    this.path = path;
    this.line = line;
  }
}

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
  const take = (line: number) => {
    try {
      fills.push(parse(row, columns!));
    } catch (error) {
      if (error instanceof FillRowError) throw new DataFileError(path, line, error.message);
      throw error;
    }
  };
  const onRecord = (fields: string[], line: number) => {
    if (columns !== undefined) {
      row.setFields(fields);
      return take(line);
    }
    try {
      columns = indexColumns(fields);
    } catch (error) {
      if (error instanceof FillRowError) throw new DataFileError(path, line, error.message);
      throw error;
    }
    unknownColumns = fields.filter((f) => !(FILL_COLUMNS as readonly string[]).includes(f));
  };
  const onLine = (text: string, start: number, end: number, line: number) => {
    if (columns === undefined) return false; // the header: split it
    row.setLine(text, start, end);
    take(line);
    return true;
  };
  try {
    await parseCsvFile(path, onRecord, onLine);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new DataFileError(path, error.line, error.message);
    if (
      error instanceof TypeError && /encoded data is not valid|decode|utf-?8/i.test(error.message)
    ) {
      throw new DataFileError(path, 0, "is not UTF-8 text");
    }
    throw error;
  }
  if (columns === undefined) throw new DataFileError(path, 0, "is empty (expected a header row)");
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
