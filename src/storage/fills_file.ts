/**
 * `futures_fills.csv`: reading it whole, and replacing it atomically.
 *
 * @module
 */

import { RowView } from "../csv/row_view.ts";
import { csvLine } from "../csv/format.ts";
import { compareFillsByTime, type Fill, type LedgerFill } from "../fill.ts";
import { defined } from "../defined.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { isCanonicalHeader, parseCanonicalLine, SKIPPED } from "./fill_line.ts";
import { checkColumnNames, DataFileError, fieldCountError, readDataFile } from "./data_file.ts";
import {
  type ColumnIndex,
  FILL_COLUMNS,
  fillLine,
  FillRowError,
  indexColumns,
  parseFillRow,
} from "./fill_row.ts";
import { RecentTexts } from "./fill_text.ts";
import { readAt } from "./read_at.ts";
import { crcError, fieldsMatchCrc, lineMatchesCrc } from "./row_check.ts";
import { readTail } from "./tail.ts";

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
export async function readFillsFile(path: string): Promise<FillsFile> {
  const fills: Fill[] = [];
  const { unknownColumns } = await readRows(path, false, (fill) => fills.push(fill as Fill));
  return { fills, unknownColumns };
}

/**
 * {@linkcode readFillsFile} one fill at a time, in file order, keeping none: a file of any size
 * in little memory.
 */
export function streamFills(path: string, onFill: (fill: Fill) => void): Promise<FillsStreamed> {
  return readRows(path, false, (fill) => onFill(fill as Fill));
}

/**
 * Like {@linkcode readFillsFile}, with every field checked but only the ledger's kept: about a
 * third less memory, for rebuilding positions. With `symbols`, only the rows whose symbol field
 * it accepts are read (and checked); the others are skipped unread, so that several readers can
 * share a file by symbol. The file's CSV structure is checked whole either way.
 */
export async function readLedgerFills(
  path: string,
  symbols?: (symbol: string) => boolean,
): Promise<FillsFile<LedgerFill>> {
  const fills: LedgerFill[] = [];
  const { unknownColumns } = await streamLedgerFills(path, (fill) => fills.push(fill), symbols);
  return { fills, unknownColumns };
}

/** What {@linkcode streamLedgerFills} read. */
export interface FillsStreamed {
  /** How many fills were handed on. */
  readonly count: number;
  /** Columns of the file that futures-ledger does not know. */
  readonly unknownColumns: string[];
}

/**
 * Like {@linkcode readLedgerFills}, handing each fill to `onFill` in file order instead of
 * keeping them: a file of any size is read in little memory.
 */
export function streamLedgerFills(
  path: string,
  onFill: (fill: LedgerFill) => void,
  symbols?: (symbol: string) => boolean,
): Promise<FillsStreamed> {
  return readRows(path, true, onFill, symbols);
}

/** Bytes sampled at each of {@linkcode SAMPLES} evenly spaced places of a large fills file. */
const SAMPLE_BYTES = 1 << 16;
const SAMPLES = 32;

/**
 * Roughly how many rows a fills file has per symbol field (as written, unchecked): every row of a
 * small file, evenly spaced samples of a large one. A quick look at what the file holds, to share
 * the work of reading it by symbol; rows it cannot make sense of are not counted.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 */
export async function estimateFillsBySymbol(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const whole = size <= SAMPLE_BYTES * SAMPLES;
  const decoder = new TextDecoder();
  const row = new RowView();
  let column = -1;
  for (let k = 0; k < (whole ? 1 : SAMPLES); k++) {
    const offset = whole ? 0 : Math.floor((k * size) / SAMPLES);
    const text = decoder.decode(readAt(file, offset, whole ? size : SAMPLE_BYTES));
    let at = text.indexOf("\n") + 1; // the header, or a line cut by the sample's start
    if (k === 0) column = text.slice(0, at).split(",").indexOf("symbol"); // (BOM: decoded away)
    if (column < 0) break;
    for (let end = text.indexOf("\n", at); end !== -1; at = end + 1, end = text.indexOf("\n", at)) {
      const quote = text.indexOf('"', at);
      if (quote !== -1 && quote < end) continue;
      row.peek(text, at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end, column);
      const symbol = row.spanText();
      counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Reads every row (of the symbols `symbols` accepts) into `onFill`: all of a fill's fields, or
 * with `ledgerOnly` the ledger's. Rows of a file with futures-ledger's own columns are read in one
 * pass each (`fill_line.ts`); any other row by {@linkcode parseFillRow}. Every row read has the
 * header's number of fields and matches its check (`row_check.ts`).
 */
async function readRows(
  path: string,
  ledgerOnly: boolean,
  onFill: (fill: LedgerFill) => void,
  symbols?: (symbol: string) => boolean,
): Promise<FillsStreamed> {
  const recent = new RecentTexts();
  const parse = (row: RowView, columns: ColumnIndex): LedgerFill =>
    ledgerOnly ? parseFillRow(row, columns, recent, true) : parseFillRow(row, columns, recent);
  let canonical = false;
  let count = 0;
  const row = new RowView();
  let columns: ColumnIndex | undefined;
  // Where each standard column is in this file, for checking rows (`row_check.ts`).
  let order: number[] = [];
  let width = 0;
  // Whether `symbols` accepts each symbol field seen (the fast path's symbols are the shared
  // copies of `recent`, whose hash V8 keeps: a lookup costs no copy and no hashing).
  const verdicts = new Map<string, boolean>();
  const filter = symbols === undefined ? undefined : (symbol: string) => {
    let yes = verdicts.get(symbol);
    if (yes === undefined) verdicts.set(symbol, yes = symbols(symbol));
    return yes;
  };
  let unknownColumns: string[] = [];
  /** A FillRowError as a DataFileError at `line`; anything else unchanged. */
  const located = (error: unknown, line: number) =>
    error instanceof FillRowError ? new DataFileError(path, line, error.message) : error;
  // `readDataFile` reads no row before the header, which sets `columns` (or throws).
  const headerColumns = () => defined(columns, "the fills file's header columns");
  const read = (line: number, crcMatches: () => boolean) => {
    try {
      const fill = parse(row, headerColumns());
      if (!crcMatches()) throw crcError(path, line);
      onFill(fill);
      count++;
    } catch (error) {
      throw located(error, line);
    }
  };
  await readDataFile(path, {
    header(fields, line) {
      checkColumnNames(path, line, fields, FILL_COLUMNS);
      try {
        const found = indexColumns(fields);
        columns = found;
        canonical = isCanonicalHeader(fields);
        order = FILL_COLUMNS.map((c) => found[c]);
      } catch (error) {
        throw located(error, line);
      }
      width = fields.length;
      unknownColumns = fields.filter((f) => !(FILL_COLUMNS as readonly string[]).includes(f));
    },
    record(fields, line) {
      const c = headerColumns();
      if (filter !== undefined && !filter(fields[c.symbol] ?? "")) return;
      row.setFields(fields);
      read(line, () => c.crc32 < 0 || fieldsMatchCrc(fields, order));
    },
    line(text, start, end, line, ascii) {
      const fill = canonical
        ? parseCanonicalLine(text, start, end, ledgerOnly, recent, ascii, filter)
        : undefined;
      if (fill === SKIPPED) return true;
      if (fill !== undefined) {
        onFill(fill);
        count++;
        return true;
      }
      const columns = headerColumns();
      if (filter !== undefined) {
        row.peek(text, start, end, columns.symbol);
        if (!filter(recent.symbolAt(text, row.from, row.to))) return true;
      }
      const fields = row.setLine(text, start, end);
      if (fields !== width) throw fieldCountError(path, line, fields, width);
      const c = columns.crc32;
      read(
        line,
        () =>
          c < 0 ||
          (canonical
            ? lineMatchesCrc(text, start, end, ascii)
            : fieldsMatchCrc(text.slice(start, end).split(","), order)),
      );
      return true;
    },
  });
  return { count, unknownColumns };
}

/**
 * The fills of the file's last rows, from time `since` on (`readTail`), read the quick way;
 * `undefined` if the file is not in this version's format or a row cannot be read that way (a
 * symbol not in A–Z, a row changed by hand, or damaged): then read the file whole, the careful
 * way, which reads such rows or names the line that is wrong.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 */
export async function fillsTail(path: string, since: number): Promise<Fill[] | undefined> {
  const tail = await readTail(path, since);
  if (!isCanonicalHeader(tail.header.split(","))) return undefined;
  const recent = new RecentTexts();
  const rows: Fill[] = [];
  for (const line of tail.lines) {
    const fill = parseCanonicalLine(line, 0, line.length, false, recent) as Fill | undefined;
    if (fill === undefined) return undefined;
    rows.push(fill);
  }
  return rows;
}

/** Replaces the fills file with `fills`, sorted by time (then market, symbol, id). */
export async function writeFillsFile(path: string, fills: readonly Fill[]): Promise<void> {
  const sorted = isSorted(fills) ? fills : [...fills].sort(compareFillsByTime);
  await writeFileAtomic(path, fillsCsv(sorted));
}

function* fillsCsv(fills: readonly Fill[]): Generator<string> {
  yield csvLine(FILL_COLUMNS);
  for (const fill of fills) yield fillLine(fill);
}

function isSorted(fills: readonly LedgerFill[]): boolean {
  // `i - 1` and `i` are within the array: the casts only tell the type checker so, at no cost
  // over a million fills.
  for (let i = 1; i < fills.length; i++) {
    if (compareFillsByTime(fills[i - 1] as LedgerFill, fills[i] as LedgerFill) > 0) return false;
  }
  return true;
}
