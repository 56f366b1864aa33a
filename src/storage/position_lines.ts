/**
 * Lines of the positions file as a rebuild makes and merges them: each with what orders it
 * (`comparePositions`), read back from the line itself, so that a file of any size can be sorted
 * in runs and merged, or updated by replacing some of its rows, in little memory.
 *
 * @module
 */

import type { PositionSide } from "../fill.ts";
import { comparePositions, type Position, type PositionOrder } from "../position.ts";
import { parseTimeAt } from "../time.ts";
import { csvLine } from "../csv/format.ts";
import { DataFileError } from "./data_file.ts";
import { readLines } from "./line_reader.ts";
import { positionLine, WRITTEN_POSITION_COLUMNS } from "./positions_file.ts";

/** One position as a line of the positions file, with what orders it among the others. */
export interface PositionLine extends PositionOrder {
  /** Whether it is closed (it has a close time). */
  readonly closed: boolean;
  /** The CSV line, with its line break. */
  readonly line: string;
}

/** The header line of a positions file written now. */
export const POSITIONS_HEADER: string = csvLine(WRITTEN_POSITION_COLUMNS);

/** A position as a line, with its order. */
export function positionLineOf(p: Position): PositionLine {
  return {
    openTime: p.openTime,
    symbol: p.symbol,
    market: p.market,
    positionSide: p.positionSide,
    openTradeId: p.openTradeId,
    closed: p.closeTime !== undefined,
    line: positionLine(p),
  };
}

// Columns of WRITTEN_POSITION_COLUMNS that order a line, all before any field that may be quoted.
const SYMBOL = 1;
const OPEN_TIME = 3;
const CLOSE_TIME = 4;
const POSITION_SIDE = 14;
const OPEN_TRADE_ID = 15;
const MARKET = 19;

/**
 * The order of a line written by {@linkcode positionLine} (without its line break), read from its
 * first fields (none of which is ever quoted).
 *
 * @throws {DataFileError} at `path:line` for a line that is not one.
 */
export function positionLineFrom(text: string, path: string, line: number): PositionLine {
  // Where each of the first fields starts: commas found, only the fields that order are copied.
  const starts = FIELD_STARTS;
  let at = 0;
  for (let k = 0; k <= MARKET; k++) {
    starts[k] = at;
    const comma = text.indexOf(",", at);
    if (comma < 0) throw new DataFileError(path, line, "is not a position row (too few fields)");
    at = comma + 1;
  }
  starts[MARKET + 1] = at;
  const field = (k: number) => text.slice(starts[k], starts[k + 1] - 1);
  const openTime = parseTimeAt(text, starts[OPEN_TIME], starts[OPEN_TIME + 1] - 1);
  const market = field(MARKET);
  if (openTime === undefined || (market !== "usdm" && market !== "coinm")) {
    throw new DataFileError(path, line, "is not a position row");
  }
  return {
    openTime,
    symbol: field(SYMBOL),
    market,
    positionSide: field(POSITION_SIDE) as PositionSide,
    openTradeId: field(OPEN_TRADE_ID),
    closed: starts[CLOSE_TIME + 1] - 1 > starts[CLOSE_TIME],
    line: text + "\n",
  };
}

const FIELD_STARTS = new Int32Array(MARKET + 2);

/** How many lines a run holds before it is sorted and written out. */
const RUN_LINES = 100_000;

/**
 * Positions sorted in bounded memory: lines are kept until there are {@linkcode RUN_LINES}, then
 * sorted and written to a run file in `dir`; {@linkcode PositionRuns.merged} merges the runs.
 * Of lines that order equal, the one added first comes first.
 */
export class PositionRuns {
  readonly #dir: string;
  #lines: PositionLine[] = [];
  readonly #runs: string[] = [];

  /** Runs kept in `dir` (a temporary directory the caller removes). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The run files written so far (for another thread to merge). */
  get runs(): readonly string[] {
    return this.#runs;
  }

  /** Adds a line; may write a run (synchronously: lines come from the ledger's inner loop). */
  add(line: PositionLine): void {
    this.#lines.push(line);
    if (this.#lines.length >= RUN_LINES) this.flush();
  }

  /** Sorts the lines kept and writes them as a run. */
  flush(): void {
    if (this.#lines.length === 0) return;
    const path = `${this.#dir}/run-${crypto.randomUUID()}.csv`;
    const lines = this.#lines.sort(comparePositions);
    this.#lines = [];
    Deno.writeTextFileSync(path, lines.map((l) => l.line).join(""));
    this.#runs.push(path);
  }
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
}

/**
 * The lines of sorted runs merged into one order, header first, leaving out each run's rows its
 * `drop` accepts. Of lines that order equal, the earlier run's come first (so a positions file
 * given first keeps its rows before those that go on from it).
 */
export async function* mergedRuns(runs: readonly Run[]): AsyncGenerator<string> {
  yield POSITIONS_HEADER;
  const readers = runs.map((run) => ({ ...run, lines: readLines(run.path), line: 0 }));
  const heads: (PositionLine | undefined)[] = [];
  const next = async (i: number) => {
    const reader = readers[i];
    for (;;) {
      const { value, done } = await reader.lines.next();
      if (done) return heads[i] = undefined;
      reader.line++;
      if (reader.positionsFile && reader.line === 1) {
        if (value + "\n" === POSITIONS_HEADER) continue;
        throw new DataFileError(reader.path, 1, "is not a positions file written by this version");
      }
      if (value === "") continue;
      const row = positionLineFrom(value, reader.path, reader.line);
      if (reader.drop === undefined || !reader.drop(row)) return heads[i] = row;
    }
  };
  for (let i = 0; i < readers.length; i++) await next(i);
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && (best < 0 || comparePositions(head, heads[best]!) < 0)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!.line;
    await next(best);
  }
}
