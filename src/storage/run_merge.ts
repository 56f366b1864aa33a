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
import { readLines } from "./line_reader.ts";
import { type PositionLine, positionLineFrom, POSITIONS_HEADER } from "./position_lines.ts";

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
  readonly drop?: (row: PositionLine) => boolean;
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
  const marks = runs.flatMap((run) => run.marks!).sort(comparePositions);
  const points: PositionOrder[] = [];
  for (let k = 1; k < parts; k++) {
    const mark = marks[Math.floor((k * marks.length) / parts)];
    // A point equal to the one before would make an empty part.
    if (mark === undefined || (points.length > 0 && comparePositions(points.at(-1)!, mark) >= 0)) {
      continue;
    }
    if (comparePositions(marks[0], mark) < 0) points.push(mark);
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
  const heads: (PositionLine | undefined)[] = [];
  for (const reader of readers) heads.push(await reader.next());
  // The runs with a head, least head first (of equal heads, the earlier run's).
  const heap = new IndexHeap(
    heads.flatMap((head, i) => (head === undefined ? [] : [i])),
    (i, j) => (comparePositions(heads[i]!, heads[j]!) || i - j) < 0,
  );
  let out: string[] = [];
  while (heap.size > 0) {
    const best = heap.top;
    out.push(heads[best]!.line);
    if (out.length === MERGED_BATCH) {
      yield out.join("");
      out = [];
    }
    const reader = readers[best];
    const row = reader.take();
    const head = row === null ? await reader.next() : row;
    heads[best] = head;
    if (head === undefined) heap.pop();
    else heap.update();
  }
  if (out.length > 0) yield out.join("");
}

/** The rows of one run, in order, without those it drops or that are outside the part. */
class RunReader {
  readonly #run: Run;
  readonly #part: MergePart;
  readonly #batches: AsyncGenerator<string[]>;
  #batch: string[] = [];
  #at = 0;
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
    this.#batches = readLines(run.path, start?.offset ?? 0);
    this.#line = start === undefined ? 0 : start.line - 1;
  }

  /** The next row, if the batch at hand has it; `null` when {@linkcode next} must read on. */
  take(): PositionLine | null {
    const { path, drop, positionsFile } = this.#run;
    const { from, to } = this.#part;
    if (this.#ended) return null;
    while (this.#at < this.#batch.length) {
      const value = this.#batch[this.#at++];
      this.#line++;
      if (positionsFile && this.#line === 1) {
        if (value + "\n" === POSITIONS_HEADER) continue;
        throw new DataFileError(path, 1, "is not a positions file written by this version");
      }
      if (value === "") continue;
      const row = positionLineFrom(value, path, this.#line);
      if (from !== undefined && comparePositions(row, from) < 0) continue;
      if (to !== undefined && comparePositions(row, to) >= 0) {
        this.#ended = true;
        return null;
      }
      if (drop === undefined || !drop(row)) return row;
    }
    return null;
  }

  /** The next row; `undefined` at the end of the run or of the part. */
  async next(): Promise<PositionLine | undefined> {
    for (;;) {
      const row = this.take();
      if (row !== null) return row;
      if (this.#ended) {
        await this.#batches.return(undefined); // closes the file
        return undefined;
      }
      const { value, done } = await this.#batches.next();
      if (done) return undefined;
      this.#batch = value;
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
