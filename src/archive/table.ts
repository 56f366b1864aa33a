/**
 * Turning one export table (a CSV file or an XLSX sheet) into normalized rows: the header is
 * recognised (`columns.ts`), the time zone settled (`time_zone.ts`), then every row is read cell
 * by cell (`cell_reader.ts`, `values.ts`) into a trade or a transaction (`row_records.ts`, which
 * says what is assumed where a file leaves something out). Any bad cell stops the reading with an
 * {@linkcode ArchiveError} naming the file, line and column.
 *
 * @module
 */

import { defined } from "../defined.ts";
import type { Market } from "../fill.ts";
import { CellReader } from "./cell_reader.ts";
import { type Columns, HeaderError, recognise } from "./columns.ts";
import { Contracts, readIncome, readTrade } from "./row_records.ts";
import { statedOffset, zoneName } from "./time_zone.ts";
import type { ArchiveContents, ArchiveFile } from "./types.ts";
import { ArchiveError } from "./types.ts";
import { type Cell, text } from "./values.ts";

/** Options of reading an archive. */
export interface ReadOptions {
  /** The market of every row (default: from each symbol). */
  readonly market?: Market;
  /**
   * The UTC offset of the times, in minutes, for files whose header and name state no zone
   * (a bare `Time` column in a file not named `…(UTC+3)…`). Without it such a file is refused.
   */
  readonly utcOffsetMinutes?: number;
}

const NO_DATA = "no data matches the criteria.";

/** Reads one table's header and rows into `out`. */
export class TableReader {
  readonly #source: string;
  readonly #names: readonly string[];
  readonly #options: ReadOptions;
  readonly #out: ArchiveContents;
  readonly #strictWidth: boolean;
  readonly #contracts: Contracts;
  #columns: Columns | undefined;
  #reader: CellReader | undefined;
  #offset = 0;
  #zoneFrom: ArchiveFile["zoneFrom"] = "header";
  #rows = 0;
  #first: number | undefined;
  #last: number | undefined;

  /**
   * A reader for the table at `source`; `names` are the entry and file names that may state the
   * time zone; `strictWidth` (CSV) requires every row to have the header's number of fields.
   */
  constructor(
    source: string,
    names: readonly string[],
    options: ReadOptions,
    out: ArchiveContents,
    strictWidth: boolean,
  ) {
    this.#source = source;
    this.#names = names;
    this.#options = options;
    this.#out = out;
    this.#strictWidth = strictWidth;
    this.#contracts = new Contracts(options.market);
  }

  /** Whether the header has been read. */
  get started(): boolean {
    return this.#columns !== undefined;
  }

  /** Reads the header row. @throws {ArchiveError} when it is not a known export's. */
  header(cells: readonly Cell[], line: number): void {
    let columns: Columns;
    try {
      columns = recognise(cells.map(text));
    } catch (error) {
      if (error instanceof HeaderError) throw new ArchiveError(this.#source, error.message, line);
      throw error;
    }
    this.#columns = columns;
    const headerNames = cells.map(text);
    if (columns.headerOffsetMinutes !== undefined) {
      this.#offset = columns.headerOffsetMinutes;
    } else {
      const named = this.#names.map((name) => {
        try {
          return statedOffset(name);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          throw new ArchiveError(
            this.#source,
            `its name says ${error.message}: rename the file without it and give --utc-offset`,
            line,
          );
        }
      }).find((o) => o !== undefined);
      if (named !== undefined) {
        this.#offset = named;
        this.#zoneFrom = "file name";
      } else if (this.#options.utcOffsetMinutes !== undefined) {
        this.#offset = this.#options.utcOffsetMinutes;
        this.#zoneFrom = "option";
      } else {
        throw new ArchiveError(
          this.#source,
          `the times of column "${columns.timeName}" have no time zone: neither the column ` +
            "nor the file name states one (Binance names its exports …(UTC+3)…); give the UTC " +
            "offset the export was made with: --utc-offset +03:00 (a negative one as " +
            "--utc-offset=-06:00)",
          line,
          columns.timeName,
        );
      }
    }
    this.#reader = new CellReader(this.#source, columns, headerNames, this.#offset);
    if (columns.unknown.length > 0) {
      this.#note(`columns not used: ${columns.unknown.join(", ")}`, line);
    }
  }

  /** Reads one data row. @throws {ArchiveError} for a bad cell. */
  row(cells: readonly Cell[], line: number): void {
    // The callers read the header first (`started`), and stop at its error.
    const c = defined(this.#columns, "the table's header");
    if (cells.length !== c.width || text(cells[0]) === "") {
      const filled = cells.filter((cell) => text(cell) !== "");
      if (filled.length === 0) return;
      if (filled.length === 1 && text(filled[0]).toLowerCase() === NO_DATA) return;
      if (this.#strictWidth && cells.length !== c.width) {
        throw new ArchiveError(
          this.#source,
          `${cells.length} fields where the header has ${c.width}`,
          line,
        );
      }
    }
    const reader = defined(this.#reader, "the table's header");
    reader.moveTo(cells, line);
    let time: number;
    if (c.kind === "trades") {
      const trade = readTrade(reader, this.#contracts);
      this.#out.trades.push(trade);
      time = trade.time;
    } else {
      const income = readIncome(reader, this.#options.market);
      this.#out.income.push(income);
      time = income.time;
    }
    this.#rows++;
    if (this.#first === undefined || time < this.#first) this.#first = time;
    if (this.#last === undefined || time > this.#last) this.#last = time;
  }

  /** The file's summary, and its notes added to the output. */
  finish(): ArchiveFile {
    const reader = defined(this.#reader, "the table's header");
    for (const note of reader.countedNotes()) this.#out.notes.push(note);
    const c = defined(this.#columns, "the table's header");
    const file: ArchiveFile = {
      source: this.#source,
      kind: c.kind,
      variant: c.variant,
      rows: this.#rows,
      utcOffsetMinutes: this.#offset,
      zoneFrom: this.#zoneFrom,
      timePrecisionMs: reader.precisionMs,
      firstTime: this.#first,
      lastTime: this.#last,
    };
    this.#out.files.push(file);
    if (this.#zoneFrom !== "header" || this.#offset !== 0) {
      this.#note(`times read as ${zoneName(this.#offset)} (from the ${this.#zoneFrom})`);
    }
    return file;
  }

  #note(message: string, line?: number): void {
    this.#out.notes.push({
      source: this.#source,
      ...(line === undefined ? {} : { line }),
      message,
    });
  }
}
