/**
 * Merging sorted runs of position lines (`position_lines.ts`) into one order, in little memory —
 * whole, or one part of the order at a time: the parts between split points taken from the
 * runs' marks, so that several threads can each merge a part and the parts, put end to end, are
 * the whole merge.
 *
 * @module
 */

import { comparePositions, type PositionOrder } from "../position.ts";
import { writeAll } from "./atomic_write.ts";
import { DataFileError } from "./data_file.ts";
import { IndexHeap } from "./index_heap.ts";
import { readLinePieces } from "./line_reader.ts";
import { PositionRow, POSITIONS_HEADER } from "./position_lines.ts";

/**
 * A line of a run, every so many lines, where a reader can start: its order, where it starts in
 * the file, and its number (from 1).
 */
export interface RunMark extends PositionOrder {
  /** The byte the line starts at. */
  readonly offset: number;
  /** The line's number in the run, from 1. */
  readonly line: number;
}

/**
 * A sorted run of position lines, and the rows of it to leave out: a run file, or a positions
 * file (its header skipped and checked) whose rows some of the others replace.
 */
export interface Run {
  /** The file: sorted lines, without a header unless `positionsFile`. */
  readonly path: string;
  /** Rows to leave out; none if absent. */
  readonly drop?: (row: PositionRow) => boolean;
  /** Whether it is a positions file, with its header. */
  readonly positionsFile?: boolean;
  /** Marks of the run, in order (a run file's: see `PositionRuns`); none if absent. */
  readonly marks?: readonly RunMark[];
}

/**
 * A part of the merged order: the rows from `from` (included) to `to` (left out); from the start,
 * header included, without `from`; to the end without `to`.
 */
export interface MergePart {
  /** The least order of the part. */
  readonly from?: PositionOrder;
  /** The least order after the part. */
  readonly to?: PositionOrder;
}

/**
 * Up to `parts - 1` points that cut the merge of `runs` into parts of about equal numbers of rows,
 * in order, each a mark of a run; none when a run has no marks (a reader could not start
 * within it) or there are too few.
 */
export function splitPoints(runs: readonly Run[], parts: number): PositionOrder[] {
  if (runs.some((run) => run.marks === undefined)) return [];
  const marks = runs.flatMap((run) => run.marks ?? []).sort(comparePositions);
  const [least] = marks;
  if (least === undefined) return [];
  const points: PositionOrder[] = [];
  for (let k = 1; k < parts; k++) {
    const mark = marks[Math.floor((k * marks.length) / parts)];
    const last = points.at(-1);
    // A point equal to the one before would make an empty part.
    if (mark === undefined || (last !== undefined && comparePositions(last, mark) >= 0)) {
      continue;
    }
    if (comparePositions(least, mark) < 0) points.push(mark);
  }
  return points;
}

/** Lines merged before they are handed on together (about 50 KB: well below V8's large objects). */
const MERGED_BATCH = 256;

/**
 * The lines of sorted runs merged into one order, header first, leaving out each run's rows its
 * `drop` accepts. Of lines that order equal, the earlier run's come first (so a positions file
 * given first keeps its rows before those that go on from it). Handed on a few hundred lines at a
 * time, as one string. With `part`, only the rows of that part (and the header only if it is the
 * first): the parts of a merge between any points, end to end, are the whole merge.
 */
export async function* mergedRuns(
  runs: readonly Run[],
  part: MergePart = {},
): AsyncGenerator<string> {
  if (part.from === undefined) yield POSITIONS_HEADER;
  const readers = runs.map((run) => new RunReader(run, part));
  try {
    const live: number[] = [];
    for (const [i, reader] of readers.entries()) if (await reader.next()) live.push(i);
    // The runs with a row at hand, least row first (of equal rows, the earlier run's). The heap
    // holds indexes of `readers` only: the `as RunReader` casts say so to the type checker
    // (noUncheckedIndexedAccess) and compile away, out of the loop of every merged line.
    const heap = new IndexHeap(
      live,
      (i, j) => {
        const a = readers[i] as RunReader;
        const b = readers[j] as RunReader;
        return (comparePositions(a.row, b.row) || i - j) < 0;
      },
    );
    let out: string[] = [];
    while (heap.size > 0) {
      const reader = readers[heap.top] as RunReader;
      out.push(reader.lineText());
      if (out.length === MERGED_BATCH) {
        yield out.join("");
        out = [];
      }
      if (reader.take() || await reader.next()) heap.update();
      else heap.pop();
    }
    if (out.length > 0) yield out.join("");
  } finally {
    // Their files closed, also when a run is refused or the merge is not read to its end.
    for (const reader of readers) await reader.close();
  }
}

/**
 * The rows of one run, in order, without those it drops or that are outside the part: one at a
 * time in {@linkcode RunReader.row}, read where its line is in a piece of the file.
 */
class RunReader {
  /** The row at hand. */
  readonly row: PositionRow = new PositionRow();
  readonly #run: Run;
  readonly #part: MergePart;
  readonly #pieces: AsyncGenerator<string>;
  #text = "";
  /** Where the next line starts in `#text`. */
  #at = 0;
  /** The row's line: `#text[#from, #to)`, its line break (LF or CRLF) ending before `#at`. */
  #from = 0;
  #to = 0;
  /** The number of the line last read. */
  #line: number;
  #ended = false;

  constructor(run: Run, part: MergePart) {
    this.#run = run;
    this.#part = part;
    // Start at the last mark before the part (every line before it is before the part too).
    const { from } = part;
    let start: RunMark | undefined;
    if (from !== undefined) {
      for (const mark of run.marks ?? []) {
        if (comparePositions(mark, from) >= 0) break;
        start = mark;
      }
    }
    this.#pieces = readLinePieces(run.path, start?.offset ?? 0, start?.line ?? 1);
    this.#line = start === undefined ? 0 : start.line - 1;
  }

  /** The row's line, with a line break (LF). */
  lineText(): string {
    const text = this.#text;
    return this.#at === this.#to + 1
      ? text.slice(this.#from, this.#at)
      : text.slice(this.#from, this.#to) + "\n";
  }

  /**
   * Moves to the next row, if the piece at hand has it: `false` when {@linkcode next} must read
   * on (or the run or the part has ended).
   */
  take(): boolean {
    const { path, drop, positionsFile } = this.#run;
    const { from, to } = this.#part;
    const text = this.#text;
    const row = this.row;
    if (this.#ended) return false;
    while (this.#at < text.length) {
      const start = this.#at;
      const newline = text.indexOf("\n", start);
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.#at = newline + 1;
      this.#line++;
      if (positionsFile && this.#line === 1) {
        if (text.slice(start, end) + "\n" === POSITIONS_HEADER) continue;
        throw new DataFileError(path, 1, "is not a positions file written by this version");
      }
      if (end === start) continue;
      row.read(text, start, end, path, this.#line);
      if (from !== undefined && comparePositions(row, from) < 0) continue;
      if (to !== undefined && comparePositions(row, to) >= 0) {
        this.#ended = true;
        return false;
      }
      if (drop === undefined || !drop(row)) {
        this.#from = start;
        this.#to = end;
        return true;
      }
    }
    return false;
  }

  /** Closes the run's file (the reader is done). */
  async close(): Promise<void> {
    this.#ended = true;
    await this.#pieces.return(undefined);
  }

  /** Moves to the next row: `false` at the end of the run or of the part. */
  async next(): Promise<boolean> {
    for (;;) {
      if (this.take()) return true;
      if (this.#ended) {
        await this.close();
        return false;
      }
      const { value, done } = await this.#pieces.next();
      if (done) return false;
      this.#text = value;
      this.#at = 0;
    }
  }
}

/**
 * Writes `part` of the merge of `runs` to a new file at `path` (a part for another thread to put
 * in place: not flushed to disk).
 */
export async function writeMergedPart(
  path: string,
  runs: readonly Run[],
  part: MergePart,
): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true });
  await writeAll(file, mergedRuns(runs, part));
}
