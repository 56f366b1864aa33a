/**
 * Reading the cells of a table's data rows through its header's columns: each cell with the
 * reader of its field (`values.ts`), a bad one an {@linkcode ArchiveError} naming the file, line
 * and column; times in the table's time zone, keeping the coarsest precision seen; and remarks
 * that recur row after row counted, to be noted once each.
 *
 * @module
 */

import { defined } from "../defined.ts";
import type { Columns, Field } from "./columns.ts";
import { ArchiveError, type ArchiveNote } from "./types.ts";
import { type Cell, readDecimal, readTime, text, ValueError } from "./values.ts";

/** The cells of one table's data rows, one row at a time. */
export class CellReader {
  /** Where the table is: `FILE` or `FILE:ENTRY`. */
  readonly source: string;
  readonly #columns: Columns;
  readonly #headerNames: readonly string[];
  readonly #offset: number;
  #cells: readonly Cell[] = [];
  #line = 0;
  #precision = 1;
  readonly #counts = new Map<string, { count: number; line: number; example: string }>();

  /**
   * A reader of the rows of the table at `source` whose header has `columns` (its cells as
   * written: `headerNames`) and whose times are `offsetMinutes` ahead of UTC.
   */
  constructor(
    source: string,
    columns: Columns,
    headerNames: readonly string[],
    offsetMinutes: number,
  ) {
    this.source = source;
    this.#columns = columns;
    this.#headerNames = headerNames;
    this.#offset = offsetMinutes;
  }

  /** Makes `cells`, at `line`, the row read. */
  moveTo(cells: readonly Cell[], line: number): void {
    this.#cells = cells;
    this.#line = line;
  }

  /** The line (CSV) or row (XLSX) number of the row read, 1-based, header included. */
  get line(): number {
    return this.#line;
  }

  /** The coarsest time precision of the rows read so far, ms: 1, 1000 or 60000. */
  get precisionMs(): number {
    return this.#precision;
  }

  /** A decimal cell as exact text (a binary float read as its shortest decimal, and counted). */
  readonly decimal = (cell: Cell): string => readDecimal(cell, this.onFloat);

  /** A decimal cell as exact text, `undefined` when empty. */
  readonly optionalDecimal = (cell: Cell): string | undefined =>
    text(cell) === "" ? undefined : readDecimal(cell, this.onFloat);

  /** Counts a number stored as a binary float (`written`), read as `read`. */
  readonly onFloat = (written: string, read: string): void =>
    this.count(
      "numbers stored as binary floats were read as the shortest decimal of the same value",
      `${written} → ${read}`,
    );

  /**
   * Reads a field's cell of the current row with `read`; `undefined` when there is no column.
   *
   * @throws {ArchiveError} when `read` throws a {@linkcode ValueError}.
   */
  get<T>(field: Field, read: (cell: Cell) => T): T | undefined {
    const i = this.#columns.at[field];
    if (i === undefined) return undefined;
    try {
      return read(this.#cells[i]);
    } catch (error) {
      if (error instanceof ValueError) throw this.error(field, error.message);
      throw error;
    }
  }

  /**
   * Reads the cell of a field every layout of the table's kind has (`recognise` refuses a header
   * without it) with `read`, which never gives `undefined`.
   *
   * @throws {ArchiveError} when `read` throws a {@linkcode ValueError}.
   */
  required<T>(field: Field, read: (cell: Cell) => T): T {
    return defined(this.get(field, read), "a column every layout has");
  }

  /** The time of the current row, ms UTC. @throws {ArchiveError} for a bad time. */
  time(): number {
    const i = defined(this.#columns.at.time, "the time column, which every layout has");
    try {
      const { ms, precisionMs } = readTime(this.#cells[i], this.#offset);
      if (precisionMs > this.#precision) this.#precision = precisionMs;
      return ms;
    } catch (error) {
      if (error instanceof ValueError) throw this.error("time", error.message);
      throw error;
    }
  }

  /** An id as read; one that `lost` digits is counted (as one of the `what`) and left out. */
  id(id: string | "lost" | undefined, what: string): string | undefined {
    if (id !== "lost") return id;
    this.count(`${what} stored as floating-point numbers lost digits and are left out`, what);
    return undefined;
  }

  /** The error of `problem` in the column of `field` of the current row. */
  error(field: Field, problem: string): ArchiveError {
    const i = this.#columns.at[field];
    const name = i === undefined ? field : this.#headerNames[i];
    return new ArchiveError(this.source, problem, this.#line, name);
  }

  /** Counts a remark about the current row; its first row gives the line and `example`. */
  count(message: string, example: string): void {
    const seen = this.#counts.get(message);
    if (seen === undefined) this.#counts.set(message, { count: 1, line: this.#line, example });
    else seen.count++;
  }

  /** Each remark counted, as one note: `MESSAGE (N rows, first: EXAMPLE)`. */
  countedNotes(): ArchiveNote[] {
    const notes: ArchiveNote[] = [];
    for (const [message, { count, line, example }] of this.#counts) {
      notes.push({
        source: this.source,
        line,
        message: `${message} (${count} row${count === 1 ? "" : "s"}, first: ${example})`,
      });
    }
    return notes;
  }
}
