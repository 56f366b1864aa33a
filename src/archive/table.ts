/**
 * Turning one export table (a CSV file or an XLSX sheet) into normalized rows: the header is
 * recognised (`columns.ts`), the time zone settled (`time_zone.ts`), then every row is read cell
 * by cell (`values.ts`). Any bad cell stops the reading with an {@linkcode ArchiveError} naming
 * the file, line and column.
 *
 * Where a file leaves something out, the rule is:
 * - no fee asset (the oldest layout has only `Fee`): the margin asset of the symbol (`BTCUSDT` →
 *   USDT, `BTCUSD_PERP` → BTC), with a note, since fees paid in BNB would then be misread;
 * - no market: the caller's, else from the symbol (COIN-M symbols end in `USD_PERP` or
 *   `USD_YYMMDD`);
 * - ids a spreadsheet stored as floats and so lost digits: left out, with a note.
 *
 * @module
 */

import { inferMarginAsset, type Market } from "../fill.ts";
import { type Columns, type Field, HeaderError, recognise } from "./columns.ts";
import { incomeTypeOf } from "./income_types.ts";
import { statedOffset, zoneName } from "./time_zone.ts";
import type { ArchiveContents, ArchiveFile, ArchiveIncome, ArchiveTrade } from "./types.ts";
import { ArchiveError } from "./types.ts";
import {
  type Cell,
  readAsset,
  readDecimal,
  readFee,
  readFlag,
  readId,
  readPositionSide,
  readSide,
  readSymbol,
  readTime,
  text,
  ValueError,
} from "./values.ts";

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
  #columns: Columns | undefined;
  #headerNames: readonly string[] = [];
  #offset = 0;
  #zoneFrom: ArchiveFile["zoneFrom"] = "header";
  #rows = 0;
  #precision = 1;
  #first: number | undefined;
  #last: number | undefined;
  readonly #counts = new Map<string, { count: number; line: number; example: string }>();

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
    this.#headerNames = cells.map(text);
    if (columns.headerOffsetMinutes !== undefined) {
      this.#offset = columns.headerOffsetMinutes;
    } else {
      const named = this.#names.map(statedOffset).find((o) => o !== undefined);
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
            "offset the export was made with",
          line,
          columns.timeName,
        );
      }
    }
    if (columns.unknown.length > 0) {
      this.#note(`columns not used: ${columns.unknown.join(", ")}`, line);
    }
  }

  /** Reads one data row. @throws {ArchiveError} for a bad cell. */
  row(cells: readonly Cell[], line: number): void {
    const c = this.#columns!;
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
    const row = c.kind === "trades" ? this.#trade(cells, line) : this.#income(cells, line);
    this.#rows++;
    this.#first = Math.min(this.#first ?? row.time, row.time);
    this.#last = Math.max(this.#last ?? row.time, row.time);
  }

  /** The file's summary, and its notes added to the output. */
  finish(): ArchiveFile {
    for (const [message, { count, line, example }] of this.#counts) {
      this.#out.notes.push({
        source: this.#source,
        line,
        message: `${message} (${count} row${count === 1 ? "" : "s"}, first: ${example})`,
      });
    }
    const c = this.#columns!;
    const file: ArchiveFile = {
      source: this.#source,
      kind: c.kind,
      variant: c.variant,
      rows: this.#rows,
      utcOffsetMinutes: this.#offset,
      zoneFrom: this.#zoneFrom,
      timePrecisionMs: this.#precision,
      firstTime: this.#first,
      lastTime: this.#last,
    };
    this.#out.files.push(file);
    if (this.#zoneFrom !== "header" || this.#offset !== 0) {
      this.#note(`times read as ${zoneName(this.#offset)} (from the ${this.#zoneFrom})`);
    }
    return file;
  }

  #trade(cells: readonly Cell[], line: number): ArchiveTrade {
    const get = this.#getter(cells, line);
    const symbol = get("symbol", (v) => readSymbol(v, true))!;
    const market = this.#options.market ?? marketOf(symbol);
    const quoteAsset = get("quoteAsset", (v) => text(v) === "" ? undefined : readAsset(v));
    const marginAsset = (market === "usdm" ? quoteAsset : undefined) ||
      inferMarginAsset(symbol, market) || undefined;
    const fee = get("fee", (v) => readFee(v, this.#float(line)))!;
    const feeCoin = get("feeCoin", (v) => text(v) === "" ? undefined : readAsset(v));
    if (fee.asset !== undefined && feeCoin !== undefined && fee.asset !== feeCoin) {
      throw this.#error(
        line,
        "feeCoin",
        `the fee is in ${fee.asset} but the fee asset column says ${feeCoin}`,
      );
    }
    let commissionAsset = fee.asset ?? feeCoin;
    if (commissionAsset === undefined) {
      if (marginAsset === undefined) {
        throw this.#error(line, "fee", `no fee asset, and none can be told from ${symbol}`);
      }
      commissionAsset = marginAsset;
      this.#count(
        "the file gives no fee asset: fees taken to be in the margin asset",
        line,
        symbol,
      );
    }
    const amount = get(
      "amount",
      (v) => text(v) === "" ? undefined : readDecimal(v, this.#float(line)),
    );
    const id = this.#id(get("tradeId", readId), "trade ids", line);
    const orderId = this.#id(get("orderId", readId), "order ids", line);
    const positionSide = get("positionSide", readPositionSide);
    const maker = get("maker", readFlag);
    const trade: ArchiveTrade = {
      market,
      symbol,
      time: this.#time(get("time", (v) => v), line),
      side: get("side", readSide)!,
      price: get("price", (v) => readDecimal(v, this.#float(line)))!,
      qty: get("qty", (v) => readDecimal(v, this.#float(line)))!,
      ...(amount === undefined
        ? {}
        : market === "usdm"
        ? { quoteQty: amount }
        : { baseQty: amount }),
      commission: fee.amount,
      commissionAsset,
      realizedPnl: get("realizedPnl", (v) => readDecimal(v, this.#float(line)))!,
      ...(positionSide === undefined ? {} : { positionSide }),
      ...(id === undefined ? {} : { id }),
      ...(orderId === undefined ? {} : { orderId }),
      ...(marginAsset === undefined ? {} : { marginAsset }),
      ...(maker === undefined ? {} : { maker }),
      source: this.#source,
      line,
    };
    this.#out.trades.push(trade);
    return trade;
  }

  #income(cells: readonly Cell[], line: number): ArchiveIncome {
    const get = this.#getter(cells, line);
    const symbol = get("symbol", (v) => readSymbol(v, false))!;
    const written = get("type", (v) => {
      const t = text(v);
      if (t === "") throw new ValueError("empty; a transaction type is required");
      return t;
    })!;
    const { type, known } = incomeTypeOf(written);
    if (!known) this.#count(`unknown transaction type "${written}", kept as ${type}`, line, type);
    const tranId = this.#id(get("tranId", readId), "transaction ids", line);
    const row: ArchiveIncome = {
      market: this.#options.market ?? (symbol === "" ? "usdm" : marketOf(symbol)),
      time: this.#time(get("time", (v) => v), line),
      symbol,
      incomeType: type,
      income: get("amount", (v) => readDecimal(v, this.#float(line)))!,
      asset: get("asset", readAsset)!,
      ...(tranId === undefined ? {} : { tranId }),
      info: written,
      source: this.#source,
      line,
    };
    this.#out.income.push(row);
    return row;
  }

  /** Reads a field's cell with `read`, or `undefined` when the column is absent. */
  #getter(cells: readonly Cell[], line: number) {
    const at = this.#columns!.at;
    return <T>(field: Field, read: (cell: Cell) => T): T | undefined => {
      const i = at[field];
      if (i === undefined) return undefined;
      try {
        return read(cells[i]);
      } catch (error) {
        if (error instanceof ValueError) throw this.#error(line, field, error.message);
        throw error;
      }
    };
  }

  #time(cell: Cell | undefined, line: number): number {
    try {
      const { ms, precisionMs } = readTime(cell, this.#offset);
      this.#precision = Math.max(this.#precision, precisionMs);
      return ms;
    } catch (error) {
      if (error instanceof ValueError) throw this.#error(line, "time", error.message);
      throw error;
    }
  }

  #id(id: string | "lost" | undefined, what: string, line: number): string | undefined {
    if (id !== "lost") return id;
    this.#count(
      `${what} stored as floating-point numbers lost digits and are left out`,
      line,
      what,
    );
    return undefined;
  }

  #float(line: number): (written: string, read: string) => void {
    return (written, read) =>
      this.#count(
        "numbers stored as binary floats were read as the shortest decimal of the same value",
        line,
        `${written} → ${read}`,
      );
  }

  #error(line: number, field: Field, problem: string): ArchiveError {
    const c = this.#columns!;
    const i = c.at[field];
    return new ArchiveError(
      this.#source,
      problem,
      line,
      i === undefined ? field : this.#headerNames[i],
    );
  }

  #count(message: string, line: number, example: string): void {
    const seen = this.#counts.get(message);
    if (seen === undefined) this.#counts.set(message, { count: 1, line, example });
    else seen.count++;
  }

  #note(message: string, line?: number): void {
    this.#out.notes.push({
      source: this.#source,
      ...(line === undefined ? {} : { line }),
      message,
    });
  }
}

/** COIN-M symbols end in `USD_PERP` or `USD_YYMMDD`; others are USD-M. */
export function marketOf(symbol: string): Market {
  return symbol.split("_")[0].endsWith("USD") && symbol.includes("_") ? "coinm" : "usdm";
}
