/**
 * Adding new rows to the fills and income files, which are sorted (fills by time, market, symbol
 * and trade id; income by time, market, type and transaction id), each row once.
 *
 * When every new row sorts after the file's last one — the daily case — the file is copied and
 * the rows appended (`appendAtomic`): the cost is a bulk copy, not a read of every row. Otherwise
 * (rows that arrived late, a symbol fetched again from a date, a file in an older format) the
 * file is read row by row and merged with the new rows into a new file, each row once — a row
 * fetched again replacing the file's (Binance's exact text over an older tool's floats). Either
 * way the file is replaced atomically, and the rows actually added are returned.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import { compareFillsByTime, type Fill, fillKey } from "../fill.ts";
import { compareIncome, incomeKey, type IncomeRecord } from "../income.ts";
import { appendAtomic, writeAtomicWith } from "./atomic_write.ts";
import { isCanonicalHeader, parseCanonicalLine } from "./fill_line.ts";
import { FILL_COLUMNS, fillLine } from "./fill_row.ts";
import { RecentTexts } from "./fill_text.ts";
import { streamFills } from "./fills_file.ts";
import { INCOME_COLUMNS, incomeLine, incomeTail, streamIncomeFile } from "./income_file.ts";
import { readTail } from "./tail.ts";

/** What adding rows did. */
export interface Added<T> {
  /** The rows that were not in the file, in file order. */
  readonly added: T[];
  /** Whether the file was only appended to (else rewritten whole, or written anew). */
  readonly appended: boolean;
}

/** How one kind of sorted data file is read, ordered and written. */
interface SortedFile<T> {
  /** The header line, with its break. */
  readonly header: string;
  /** File order. */
  compare(a: T, b: T): number;
  /** The identity of a row (rows with the same key are one row). */
  key(row: T): string;
  /** A row as a line, with its break. */
  line(row: T): string;
  /** The rows of the file's tail from `since` on, if the file is in this version's format. */
  tail(path: string, since: number): Promise<T[] | undefined>;
  /** Every row of the file, in file order. */
  stream(path: string, onRow: (row: T) => void): Promise<unknown>;
}

const FILLS: SortedFile<Fill> = {
  header: csvLine(FILL_COLUMNS),
  compare: compareFillsByTime,
  key: fillKey,
  line: fillLine,
  async tail(path, since) {
    const tail = await readTail(path, since);
    if (!isCanonicalHeader(tail.header.split(","))) return undefined;
    const recent = new RecentTexts();
    const rows: Fill[] = [];
    for (const line of tail.lines) {
      const fill = parseCanonicalLine(line, 0, line.length, false, recent) as Fill | undefined;
      if (fill === undefined) return undefined; // read it the careful way
      rows.push(fill);
    }
    return rows;
  },
  stream: streamFills,
};

const INCOME: SortedFile<IncomeRecord> = {
  header: csvLine(INCOME_COLUMNS),
  compare: compareIncome,
  key: incomeKey,
  line: incomeLine,
  tail: incomeTail,
  stream: (path, onRow) => streamIncomeFile(path, onRow),
};

/** Adds `fills` (any order) to the fills file at `path` (created if missing). */
export function addFills(path: string, fills: readonly Fill[]): Promise<Added<Fill>> {
  return addRows(path, fills, FILLS);
}

/** Adds `records` (any order) to the income file at `path` (created if missing). */
export function addIncome(
  path: string,
  records: readonly IncomeRecord[],
): Promise<Added<IncomeRecord>> {
  return addRows(path, records, INCOME);
}

async function addRows<T extends { time: number }>(
  path: string,
  rows: readonly T[],
  kind: SortedFile<T>,
): Promise<Added<T>> {
  const fresh = unique([...rows].sort((a, b) => kind.compare(a, b)), kind);
  let tail: T[] | undefined;
  try {
    tail = fresh.length === 0 ? [] : await kind.tail(path, fresh[0].time);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await writeAtomicWith(path, (write) => {
      write(kind.header);
      for (const row of fresh) write(kind.line(row));
    });
    return { added: fresh, appended: false };
  }
  if (fresh.length === 0) return { added: [], appended: true };
  const last = tail?.at(-1);
  if (tail !== undefined && (last === undefined || kind.compare(last, fresh[0]) < 0)) {
    await appendAtomic(path, fresh.map(kind.line));
    return { added: fresh, appended: true };
  }
  try {
    return { added: await merge(path, fresh, kind), appended: false };
  } catch (error) {
    if (!(error instanceof NotSorted)) throw error;
  }
  // A file not in order (edited by hand?): sorted whole, in memory, once.
  const all: T[] = [];
  await kind.stream(path, (row) => all.push(row));
  const known = new Set(all.map(kind.key));
  const added = fresh.filter((row) => !known.has(kind.key(row)));
  const sorted = unique([...all, ...added].sort((a, b) => kind.compare(a, b)), kind);
  await writeAtomicWith(path, (write) => {
    write(kind.header);
    for (const row of sorted) write(kind.line(row));
  });
  return { added, appended: false };
}

/** A file whose rows are not in order. */
class NotSorted extends Error {}

/** Rewrites the file with `fresh` merged in; returns the rows that were new. */
async function merge<T>(path: string, fresh: readonly T[], kind: SortedFile<T>): Promise<T[]> {
  const added: T[] = [];
  await writeAtomicWith(path, async (write) => {
    write(kind.header);
    let j = 0;
    let previous: string | undefined;
    let last: T | undefined;
    const emit = (row: T, isNew: boolean) => {
      const key = kind.key(row);
      if (key === previous) return; // a row the file has (or had twice)
      previous = key;
      if (isNew) added.push(row);
      write(kind.line(row));
    };
    await kind.stream(path, (row) => {
      if (last !== undefined && kind.compare(row, last) < 0) throw new NotSorted();
      last = row;
      while (j < fresh.length && kind.compare(fresh[j], row) < 0) emit(fresh[j++], true);
      // A row fetched again replaces the file's: Binance's own text (the file's may be an older
      // tool's, with floats).
      if (j < fresh.length && kind.key(fresh[j]) === kind.key(row)) emit(fresh[j++], false);
      else emit(row, false);
    });
    while (j < fresh.length) emit(fresh[j++], true);
  });
  return added;
}

/** Sorted rows, each key once (the first). */
function unique<T>(sorted: T[], kind: SortedFile<T>): T[] {
  return sorted.filter((row, i) => i === 0 || kind.key(sorted[i - 1]) !== kind.key(row));
}
