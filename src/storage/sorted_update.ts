/**
 * Adding new rows to the fills and income files, which are sorted (fills by time, market, symbol
 * and trade id; income by time, market, type and transaction id), each row once.
 *
 * When every new row sorts after the file's last one — the daily case — the rows are appended in
 * place, behind an undo journal (`append_in_place.ts`): the cost is the rows added. Otherwise
 * (rows that arrived late, a symbol fetched again from a date, an archive imported, a file in an
 * older format) the file is read row by row and merged with the new rows into a new file, each
 * row once:
 * - a row fetched again replaces the file's (Binance's exact text over an older tool's floats),
 *   except that an archive's row never replaces the API's; so does a row of the same key up to a
 *   minute away (an export's time cut to the second or the minute: `key_window.ts`);
 * - an archive's row that had no id (its id was made: `madeId`) and the API's row of the same
 *   fill (same market, symbol, side, price and quantity, within the second the export printed, or
 *   the minute for an export without seconds; income: type, symbol, amount and asset) are one
 *   row: the API's, whichever came first (`twin_window.ts`).
 * A file merged is replaced atomically; either way the rows added and removed are returned.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import { Decimal } from "../decimal.ts";
import { compareFillsByTime, type Fill, fillKey, isMadeId, madeIdReachMs } from "../fill.ts";
import { compareIncome, incomeKey, type IncomeRecord } from "../income.ts";
import { appendInPlace } from "./append_in_place.ts";
import { DataFileError } from "./data_file.ts";
import { writeAtomicWith } from "./atomic_write.ts";
import { FILL_COLUMNS, fillLine } from "./fill_row.ts";
import { fillsTail, streamFills } from "./fills_file.ts";
import { INCOME_COLUMNS, incomeLine, incomeTail, streamIncomeFile } from "./income_file.ts";
import { KeyWindow } from "./key_window.ts";
import { MINUTE, type TwinRules, TwinWindow } from "./twin_window.ts";

/** What adding rows did. */
export interface Added<T> {
  /** The rows that were not in the file, in file order. */
  readonly added: T[];
  /** Rows of the file left out: archive rows without an id that the API's rows now stand for. */
  readonly removed: T[];
  /** Whether the file was only appended to (else rewritten whole, or written anew). */
  readonly appended: boolean;
}

/** How one kind of sorted data file is read, ordered and written. */
interface SortedFile<T extends { time: number; source?: string }> extends TwinRules<T> {
  /** The header line, with its break. */
  readonly header: string;
  /** File order. */
  compare(a: T, b: T): number;
  /** The identity of a row (rows with the same key are one row). */
  key(row: T): string;
  /** The rows of the file's tail from `since` on, if the file is in this version's format. */
  tail(path: string, since: number): Promise<T[] | undefined>;
  /** Every row of the file, in file order. */
  stream(path: string, onRow: (row: T) => void): Promise<unknown>;
}

const number = (text: string) => Decimal.parse(text).normalize().toString();

const FILLS: SortedFile<Fill> = {
  header: csvLine(FILL_COLUMNS),
  compare: compareFillsByTime,
  key: fillKey,
  made: (f) => f.source === "archive" && isMadeId(f.id),
  twin: (f) => `${f.market}|${f.symbol}|${f.side}|${number(f.price)}|${number(f.qty)}`,
  reach: (f) => madeIdReachMs(f.id),
  detail: (f) => `${number(f.realizedPnl)}|${number(f.commission)}|${f.commissionAsset}`,
  line: fillLine,
  tail: fillsTail,
  stream: streamFills,
};

const INCOME: SortedFile<IncomeRecord> = {
  header: csvLine(INCOME_COLUMNS),
  compare: compareIncome,
  key: incomeKey,
  made: (r) => r.source === "archive" && isMadeId(r.tranId),
  twin: (r) => `${r.market}|${r.incomeType}|${r.symbol}|${number(r.income)}|${r.asset}`,
  reach: (r) => madeIdReachMs(r.tranId),
  detail: () => "",
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

async function addRows<T extends { time: number; source?: string }>(
  path: string,
  rows: readonly T[],
  kind: SortedFile<T>,
): Promise<Added<T>> {
  const fresh = unique([...rows].sort((a, b) => kind.compare(a, b)), kind);
  const [first] = fresh;
  let tail: T[] | undefined;
  try {
    // Nothing to add: only whether the file exists matters (a missing one is written, header only).
    tail = first === undefined
      ? (await Deno.stat(path), [])
      : await kind.tail(path, first.time - MINUTE);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return { ...await rewrite(path, [], fresh, kind), appended: false };
  }
  if (first === undefined) return { added: [], removed: [], appended: true };
  const last = tail?.at(-1);
  // A key given twice (the tail's given again up to a minute later, or two new rows of one key:
  // an export to the second and to the minute) is merged, through `key_window.ts`, not appended.
  const keys = new Set(tail?.map(kind.key));
  const twice = fresh.some((row) => keys.size === keys.add(kind.key(row)).size);
  const appendable = tail !== undefined && !tail.some(kind.made) && !fresh.some(kind.made) &&
    (last === undefined || kind.compare(last, first) < 0) && !twice;
  if (appendable) {
    await appendInPlace(path, fresh.map(kind.line));
    return { added: fresh, removed: [], appended: true };
  }
  try {
    return { ...await merge(path, fresh, kind), appended: false };
  } catch (error) {
    if (!(error instanceof NotSorted)) throw error;
  }
  // A file not in order (edited by hand?): sorted whole, in memory, once.
  const all: T[] = [];
  await kind.stream(path, (row) => all.push(row));
  return { ...await rewrite(path, all, fresh, kind), appended: false };
}

/**
 * Rewrites the fills file at `path` with each fill once, where it holds one fill twice up to a
 * minute apart (`key_window.ts`: an older version's merge of an export's row and the API's, or a
 * line pasted twice); returns the rows left out.
 */
export async function dropRepeatedFills(path: string): Promise<Fill[]> {
  return (await rewriteOnce(path, FILLS)).removed;
}

/** {@linkcode dropRepeatedFills} for the income file. */
export async function dropRepeatedIncome(path: string): Promise<IncomeRecord[]> {
  return (await rewriteOnce(path, INCOME)).removed;
}

/** The file rewritten through the merge with nothing new: each key once. */
async function rewriteOnce<T extends { time: number; source?: string }>(
  path: string,
  kind: SortedFile<T>,
): Promise<{ added: T[]; removed: T[] }> {
  try {
    return await merge(path, [], kind);
  } catch (error) {
    if (!(error instanceof NotSorted)) throw error;
  }
  const all: T[] = [];
  await kind.stream(path, (row) => all.push(row));
  return await rewrite(path, all, [], kind);
}

/** A file whose rows are not in order. */
class NotSorted extends Error {}

/**
 * The error of an export's row given the id made for another row of the file (`madeId`: its
 * time and its place among that moment's rows): two exports list that moment's rows differently.
 */
function madeIdClash(path: string, had: string, given: string): DataFileError {
  return new DataFileError(
    path,
    0,
    "an imported row without an id was given the id made for another row of the file, with " +
      "other values: the exports list that moment's rows differently (one filtered by symbol " +
      `or asset?), and one would replace the other. Row in the file: ${had.trim()}; imported: ` +
      `${given.trim()}. Import an export that lists every row of that time`,
  );
}

/** Writes `old` (any order) and `fresh` (sorted) merged, each row once. */
async function rewrite<T extends { time: number; source?: string }>(
  path: string,
  old: readonly T[],
  fresh: readonly T[],
  kind: SortedFile<T>,
): Promise<{ added: T[]; removed: T[] }> {
  const known = new Set(old.map(kind.key));
  const news = new Set(fresh.filter((row) => !known.has(kind.key(row))));
  const sorted = unique([...old, ...news].sort((a, b) => kind.compare(a, b)), kind);
  let out: { added: T[]; removed: T[] } = { added: [], removed: [] };
  await writeAtomicWith(path, (write) => {
    write(kind.header);
    const window = new TwinWindow(kind, write);
    const keys = new KeyWindow(kind.key, window);
    for (const row of sorted) keys.push(row, news.has(row));
    keys.end();
    out = window.end();
  });
  return out;
}

/** Rewrites the file with `fresh` merged in; returns the rows that were new, and removed. */
async function merge<T extends { time: number; source?: string }>(
  path: string,
  fresh: readonly T[],
  kind: SortedFile<T>,
): Promise<{ added: T[]; removed: T[] }> {
  let out: { added: T[]; removed: T[] } = { added: [], removed: [] };
  const freshMade = new Set(fresh.filter(kind.made).map((row) => `${row.time}|${kind.twin(row)}`));
  await writeAtomicWith(path, async (write) => {
    write(kind.header);
    const window = new TwinWindow(kind, write);
    const keys = new KeyWindow(kind.key, window);
    let j = 0;
    let last: T | undefined;
    // Rows of one key are one row, whatever lies between them (a row the file had twice too).
    const emit = (row: T, isNew: boolean) => keys.push(row, isNew);
    await kind.stream(path, (row) => {
      if (last !== undefined && kind.compare(row, last) < 0) throw new NotSorted();
      last = row;
      let next = fresh[j]; // the first fresh row not written yet; undefined past the last
      while (next !== undefined && kind.compare(next, row) < 0) {
        emit(next, true);
        next = fresh[++j];
      }
      // A row fetched again replaces the file's, unless an archive's would replace the API's. One
      // that changed (Binance's text over an older tool's) counts as removed, so that what was
      // built from it is built again. (A row of the same key at another time: `keys`.)
      if (next !== undefined && kind.compare(next, row) === 0) {
        const again = next;
        j++;
        // Two rows without Binance's id, given the same made one: the file's is lost unless the
        // export has it too, under another (it lists that moment's rows in another order).
        if (
          kind.made(again) && kind.made(row) && kind.line(again) !== kind.line(row) &&
          !freshMade.has(`${row.time}|${kind.twin(row)}`)
        ) throw madeIdClash(path, kind.line(row), kind.line(again));
        const kept = again.source === "archive" && row.source !== "archive" ? row : again;
        if (kept !== row && kind.line(kept) !== kind.line(row)) window.removed(row);
        emit(kept, false);
      } else emit(row, false);
    });
    for (const row of fresh.slice(j)) emit(row, true);
    keys.end();
    out = window.end();
  });
  return out;
}

/**
 * Sorted rows, each once: of rows of one key at one time (a fill fetched twice in one run), the
 * first. (Of one key at two times, `key_window.ts` decides.)
 */
function unique<T extends { time: number; source?: string }>(
  sorted: T[],
  kind: SortedFile<T>,
): T[] {
  let previous: T | undefined; // the row before
  return sorted.filter((row) => {
    const first = previous === undefined || kind.compare(previous, row) !== 0;
    previous = row;
    return first;
  });
}
