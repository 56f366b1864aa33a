/**
 * Lines of the positions file as a rebuild makes them: each with what orders it
 * (`comparePositions`), read back from the line itself, so that a file of any size can be sorted
 * in runs and merged (`run_merge.ts`), or updated by replacing some of its rows, in little memory.
 *
 * @module
 */

import type { Market, PositionSide } from "../fill.ts";
import { comparePositions, type Position, type PositionOrder } from "../position.ts";
import { parseTimeAt } from "../time.ts";
import { csvLine } from "../csv/format.ts";
import { LineBytes } from "../csv/line_bytes.ts";
import { copyRange, rangeIs } from "../csv/row_view.ts";
import { DataFileError } from "./data_file.ts";
import { writePositionLine, WRITTEN_POSITION_COLUMNS } from "./positions_file.ts";
import type { RunMark } from "./run_merge.ts";

/** The header line of a positions file written now. */
export const POSITIONS_HEADER: string = csvLine(WRITTEN_POSITION_COLUMNS);

// Columns of WRITTEN_POSITION_COLUMNS that order a line, all before any field that may be quoted.
const SYMBOL = 1;
const OPEN_TIME = 3;
const CLOSE_TIME = 4;
const POSITION_SIDE = 14;
const OPEN_TRADE_ID = 15;
const MARKET = 19;

/**
 * What orders a line written by {@linkcode writePositionLine} (`comparePositions`), and whether
 * it is closed, read from its first fields (none of which is ever quoted) where the line is, in
 * a piece of text: a reader of many lines reads each into the same row, without copying the
 * line, and copies its opening trade id only if a comparison gets that far.
 */
export class PositionRow implements PositionOrder {
  /** When it opened. */
  openTime = 0;
  /** Its symbol. */
  symbol = "";
  /** Its market. */
  market: Market = "usdm";
  /** Its book's position side. */
  positionSide: PositionSide = "BOTH";
  /** Whether it is closed (it has a close time). */
  closed = false;
  #text = "";
  #idFrom = 0;
  #idTo = 0;
  #id: string | undefined;

  /** The trade id of its first fill. */
  get openTradeId(): string {
    return this.#id ??= copyRange(this.#text, this.#idFrom, this.#idTo);
  }

  /**
   * Reads the line `text[from, to)` (without its line break).
   *
   * @throws {DataFileError} at `path:line` for a line that is not a position row.
   */
  read(text: string, from: number, to: number, path: string, line: number): void {
    // Where each of the first fields starts.
    const starts = FIELD_STARTS;
    starts[0] = from;
    let k = 1;
    let at = from;
    for (; k <= MARKET + 1 && at < to; at++) {
      if (text.charCodeAt(at) === COMMA) starts[k++] = at + 1;
    }
    if (k <= MARKET + 1) {
      throw new DataFileError(path, line, "is not a position row (too few fields)");
    }
    // Here `starts[0 … MARKET + 1]` are all set, and the `as number` casts on them only say so to
    // the type checker (noUncheckedIndexedAccess): they compile away, as do those of `flush` on
    // indexes under its number of lines, out of the loops of a rebuild of a million positions.
    const openTime = parseTimeAt(
      text,
      starts[OPEN_TIME] as number,
      (starts[OPEN_TIME + 1] as number) - 1,
    );
    const m = starts[MARKET] as number;
    const market = rangeIs(text, m, at - 1, "usdm")
      ? "usdm"
      : rangeIs(text, m, at - 1, "coinm")
      ? "coinm"
      : undefined;
    if (openTime === undefined || market === undefined) {
      throw new DataFileError(path, line, "is not a position row");
    }
    this.openTime = openTime;
    this.market = market;
    // The symbol and side of the line before, most often the same: kept, not copied again.
    const symbol = (starts[SYMBOL + 1] as number) - 1;
    if (!rangeIs(text, starts[SYMBOL] as number, symbol, this.symbol)) {
      this.symbol = copyRange(text, starts[SYMBOL] as number, symbol);
    }
    const side = (starts[POSITION_SIDE + 1] as number) - 1;
    if (!rangeIs(text, starts[POSITION_SIDE] as number, side, this.positionSide)) {
      this.positionSide = copyRange(text, starts[POSITION_SIDE] as number, side) as PositionSide;
    }
    this.closed = (starts[CLOSE_TIME + 1] as number) - 1 > (starts[CLOSE_TIME] as number);
    this.#text = text;
    this.#idFrom = starts[OPEN_TRADE_ID] as number;
    this.#idTo = (starts[OPEN_TRADE_ID + 1] as number) - 1;
    this.#id = undefined;
  }
}

const FIELD_STARTS = new Int32Array(MARKET + 2);

/** Bytes of lines a run holds, by default, before it is sorted and written out. */
const RUN_BYTES = 8 << 20;

/** Bytes gathered before a sorted run is written out. */
const WRITE_BYTES = 1 << 16;

/** A run is marked every this many lines (`RunMark`). */
const MARK_EVERY = 512;

/** A run file written by {@linkcode PositionRuns}, with its marks. */
export interface SortedRun {
  /** The run file. */
  readonly path: string;
  /** Its first line, and every so many after (512 unless a test says otherwise). */
  readonly marks: readonly RunMark[];
}

const decoder = new TextDecoder();
const COMMA = 44;

/**
 * Positions sorted in bounded memory: each position's line is kept as UTF-8 in one buffer, reused
 * from run to run, until the buffer is full; the lines are then sorted and written to a run file
 * in `dir`, marked every few hundred lines, and `mergedRuns` merges the runs. Of lines that order
 * equal, the one added first comes first.
 *
 * Besides the bytes, only the order of each line is kept, as numbers and strings shared by all
 * lines (the opening trade id is read back from the bytes when the run is sorted): the lines of
 * a run live long enough to leave V8's young generation, and as strings they piled up in the old
 * one until a full collection.
 */
export class PositionRuns {
  readonly #dir: string;
  readonly #runs: SortedRun[] = [];
  readonly #markEvery: number;
  #bytes: Uint8Array;
  readonly #line = new LineBytes();
  #used = 0;
  /** Line i is `#bytes[#ends[i - 1] ?? 0, #ends[i])`. */
  #ends = new Int32Array(1024);
  #openTimes = new Float64Array(1024);
  #symbols: string[] = [];
  #markets: Market[] = [];
  #sides: PositionSide[] = [];

  /**
   * Runs kept in `dir` (a temporary directory the caller removes), of `runBytes` bytes or so,
   * marked every `markEvery` lines.
   */
  constructor(dir: string, runBytes: number = RUN_BYTES, markEvery: number = MARK_EVERY) {
    this.#dir = dir;
    this.#bytes = new Uint8Array(runBytes);
    this.#markEvery = markEvery;
  }

  /** The runs written so far (for another thread to merge). */
  get runs(): readonly SortedRun[] {
    return this.#runs;
  }

  /** Adds a position; may write a run (synchronously: positions come from the ledger's loop). */
  add(p: Position): void {
    writePositionLine(this.#line, p);
    const line = this.#line.bytes();
    if (this.#used + line.length > this.#bytes.length) {
      this.flush();
      if (line.length > this.#bytes.length) this.#bytes = new Uint8Array(line.length);
    }
    const n = this.#symbols.length;
    if (n === this.#ends.length) this.#grow();
    this.#bytes.set(line, this.#used);
    this.#used += line.length;
    this.#ends[n] = this.#used;
    this.#openTimes[n] = p.openTime;
    this.#symbols.push(p.symbol);
    this.#markets.push(p.market);
    this.#sides.push(p.positionSide);
  }

  /** Sorts the lines kept and writes them as a run. */
  flush(): void {
    const n = this.#symbols.length;
    if (n === 0) return;
    // By open time, as numbers; the rest of the order (`comparePositions`) only for lines opened
    // in the same millisecond, which are few.
    const times = this.#openTimes;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) =>
      (times[a] as number) - (times[b] as number) || comparePositions(this.#key(a), this.#key(b)) ||
      a - b
    );
    const path = `${this.#dir}/run-${crypto.randomUUID()}.csv`;
    using file = Deno.openSync(path, { write: true, createNew: true });
    const out = new Uint8Array(WRITE_BYTES);
    let filled = 0;
    const write = (bytes: Uint8Array) => {
      for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
    };
    const marks: RunMark[] = [];
    let offset = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const line = this.#bytes.subarray(i === 0 ? 0 : this.#ends[i - 1], this.#ends[i]);
      if (k % this.#markEvery === 0) marks.push({ ...this.#key(i), offset, line: k + 1 });
      offset += line.length;
      if (filled + line.length > out.length) {
        write(out.subarray(0, filled));
        filled = 0;
      }
      if (line.length > out.length) write(line);
      else {
        out.set(line, filled);
        filled += line.length;
      }
    }
    write(out.subarray(0, filled));
    this.#runs.push({ path, marks });
    this.#used = 0;
    this.#symbols = [];
    this.#markets = [];
    this.#sides = [];
  }

  /** What orders line `i`. */
  #key(i: number): PositionOrder {
    return {
      openTime: this.#openTimes[i] as number,
      symbol: this.#symbols[i] as string,
      market: this.#markets[i] as Market,
      positionSide: this.#sides[i] as PositionSide,
      openTradeId: this.#fieldOf(i, OPEN_TRADE_ID),
    };
  }

  /** Field `k` of line `i`, one of the first fields, which are never quoted. */
  #fieldOf(i: number, k: number): string {
    const bytes = this.#bytes;
    let at = i === 0 ? 0 : this.#ends[i - 1] as number;
    for (let commas = 0; commas < k; at++) if (bytes[at] === COMMA) commas++;
    const end = bytes.indexOf(COMMA, at);
    return decoder.decode(bytes.subarray(at, end));
  }

  #grow(): void {
    const ends = new Int32Array(this.#ends.length * 2);
    ends.set(this.#ends);
    this.#ends = ends;
    const times = new Float64Array(this.#openTimes.length * 2);
    times.set(this.#openTimes);
    this.#openTimes = times;
  }
}
