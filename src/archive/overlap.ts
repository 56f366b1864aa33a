/**
 * Files of one import whose rows without ids cover the same time. Such a row gets an id made from
 * its time and its place among that moment's rows of every file read together (`to_rows.ts`): a
 * row that two files both list would get two ids, and be added twice. Imported one at a time, the
 * second file's rows get the ids the first's got, and are added once. Parts of one export
 * (`…-part1-of3.csv`) are one file here; one file given twice overlaps itself. Pure.
 *
 * @module
 */

import { ArchiveError } from "./types.ts";

/** A row without an id: where it is, and its time. */
export interface IdlessRow {
  readonly source: string;
  readonly line: number;
  readonly time: number;
}

/**
 * Refuses rows of different files (parts of one export being one) whose times overlap.
 *
 * @example
 * ```ts
 * import { checkNoOverlap } from "./overlap.ts";
 * const day = 86_400_000;
 * // Two parts of one export, then another export after them: no overlap.
 * checkNoOverlap([
 *   { source: "x-part1-of2.csv", line: 2, time: 0 },
 *   { source: "x-part2-of2.csv", line: 2, time: day },
 *   { source: "y.csv", line: 2, time: 2 * day },
 * ]);
 * let refused = false;
 * try {
 *   checkNoOverlap([
 *     { source: "a.csv", line: 2, time: 0 },
 *     { source: "a.csv", line: 3, time: 2 * day },
 *     { source: "b.csv", line: 2, time: day },
 *   ]);
 * } catch {
 *   refused = true; // b.csv's day 1 is inside a.csv's days 0 to 2
 * }
 * if (!refused) throw new Error("overlapping files read together");
 * ```
 *
 * @throws {ArchiveError} at the later file's first row in the earlier one's span.
 */
export function checkNoOverlap(rows: readonly IdlessRow[], files: readonly string[] = []): void {
  const given = new Set<string>();
  for (const file of files) {
    if (given.has(file)) {
      throw new ArchiveError(file, "given twice: its rows without ids would be added twice");
    }
    given.add(file);
  }
  const spans = new Map<string, { from: number; to: number }>();
  for (const row of rows) {
    const key = exportOf(row.source);
    const span = spans.get(key);
    if (span === undefined) spans.set(key, { from: row.time, to: row.time });
    else {
      span.from = Math.min(span.from, row.time);
      span.to = Math.max(span.to, row.time);
    }
  }
  for (const row of rows) {
    const mine = exportOf(row.source);
    for (const [other, span] of spans) {
      if (other === mine || row.time < span.from || row.time > span.to) continue;
      throw new ArchiveError(
        row.source,
        `its rows without ids cover time that ${other}'s do too (${iso(span.from)} to ` +
          `${iso(span.to)}): a row both list would be added twice. Import the files one at a ` +
          "time: the second's rows are then matched with the first's",
        row.line,
      );
    }
  }
}

/** The export a file is part of: its name without `-partN-ofM`. */
function exportOf(source: string): string {
  return source.replace(/-part\d+-of\d+(?=\.[A-Za-z]+$|$)/i, "");
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
