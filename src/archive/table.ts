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
  #cells: readonly Cell[] = [];
  #line = 0;
  readonly #contracts = new Map<string, { market: Market; marginAsset: string | undefined }>();
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
    this.#cells = cells;
    this.#line = line;
    const time = c.kind === "trades" ? this.#trade() : this.#income();
    this.#rows++;
    if (this.#first === undefined || time < this.#first) this.#first = time;
    if (this.#last === undefined || time > this.#last) this.#last = time;
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

  #trade(): number {
    const line = this.#line;
    const symbol = this.#get("symbol", readSymbol)!;
    const quoteAsset = this.#get("quoteAsset", readOptionalAsset);
    const { market, marginAsset } = this.#contract(symbol, quoteAsset);
    const fee = this.#get("fee", (v) => readFee(v, this.#onFloat))!;
    const feeCoin = this.#get("feeCoin", readOptionalAsset);
    if (fee.asset !== undefined && feeCoin !== undefined && fee.asset !== feeCoin) {
      throw this.#error(
        "feeCoin",
        `the fee is in ${fee.asset} but the fee asset column says ${feeCoin}`,
      );
    }
    let commissionAsset = fee.asset ?? feeCoin;
    if (commissionAsset === undefined) {
      if (marginAsset === undefined) {
        throw this.#error("fee", `no fee asset, and none can be told from ${symbol}`);
      }
      commissionAsset = marginAsset;
      this.#count("the file gives no fee asset: fees taken to be in the margin asset", symbol);
    }
    const amount = this.#get("amount", this.#optionalDecimal);
    const id = this.#id(this.#get("tradeId", readId), "trade ids");
    const orderId = this.#id(this.#get("orderId", readId), "order ids");
    const positionSide = this.#get("positionSide", readPositionSide);
    const maker = this.#get("maker", readFlag);
    const trade: Mutable<ArchiveTrade> = {
      market,
      symbol,
      time: this.#time(),
      side: this.#get("side", readSide)!,
      price: this.#get("price", this.#decimal)!,
      qty: this.#get("qty", this.#decimal)!,
      commission: fee.amount,
      commissionAsset,
      realizedPnl: this.#get("realizedPnl", this.#decimal)!,
      source: this.#source,
      line,
    };
    if (amount !== undefined) {
      if (market === "usdm") trade.quoteQty = amount;
      else trade.baseQty = amount;
    }
    if (positionSide !== undefined) trade.positionSide = positionSide;
    if (id !== undefined) trade.id = id;
    if (orderId !== undefined) trade.orderId = orderId;
    if (marginAsset !== undefined) trade.marginAsset = marginAsset;
    if (maker !== undefined) trade.maker = maker;
    this.#out.trades.push(trade);
    return trade.time;
  }

  #income(): number {
    const symbol = this.#get("symbol", readOptionalSymbol)!;
    const written = this.#get("type", (v) => {
      const t = text(v);
      if (t === "") throw new ValueError("empty; a transaction type is required");
      return t;
    })!;
    const { type, known } = incomeTypeOf(written);
    if (!known) this.#count(`unknown transaction type "${written}", kept as ${type}`, type);
    const tranId = this.#id(this.#get("tranId", readId), "transaction ids");
    const row: Mutable<ArchiveIncome> = {
      market: this.#options.market ?? (symbol === "" ? "usdm" : marketOf(symbol)),
      time: this.#time(),
      symbol,
      incomeType: type,
      income: this.#get("amount", this.#decimal)!,
      asset: this.#get("asset", readAsset)!,
      info: written,
      source: this.#source,
      line: this.#line,
    };
    if (tranId !== undefined) row.tranId = tranId;
    this.#out.income.push(row);
    return row.time;
  }

  /** The market and margin asset of a symbol (and `Quote Asset`), worked out once. */
  #contract(symbol: string, quoteAsset: string | undefined) {
    const key = quoteAsset === undefined ? symbol : `${symbol}|${quoteAsset}`;
    let known = this.#contracts.get(key);
    if (known === undefined) {
      const market = this.#options.market ?? marketOf(symbol);
      const marginAsset = (market === "usdm" ? quoteAsset : undefined) ||
        inferMarginAsset(symbol, market) || undefined;
      known = { market, marginAsset };
      this.#contracts.set(key, known);
    }
    return known;
  }

  readonly #decimal = (cell: Cell): string => readDecimal(cell, this.#onFloat);

  readonly #optionalDecimal = (cell: Cell): string | undefined =>
    text(cell) === "" ? undefined : readDecimal(cell, this.#onFloat);

  readonly #onFloat = (written: string, read: string): void =>
    this.#count(
      "numbers stored as binary floats were read as the shortest decimal of the same value",
      `${written} → ${read}`,
    );

  /** Reads a field's cell of the current row with `read`; `undefined` when there is no column. */
  #get<T>(field: Field, read: (cell: Cell) => T): T | undefined {
    const i = this.#columns!.at[field];
    if (i === undefined) return undefined;
    try {
      return read(this.#cells[i]);
    } catch (error) {
      if (error instanceof ValueError) throw this.#error(field, error.message);
      throw error;
    }
  }

  #time(): number {
    const i = this.#columns!.at.time!;
    try {
      const { ms, precisionMs } = readTime(this.#cells[i], this.#offset);
      if (precisionMs > this.#precision) this.#precision = precisionMs;
      return ms;
    } catch (error) {
      if (error instanceof ValueError) throw this.#error("time", error.message);
      throw error;
    }
  }

  #id(id: string | "lost" | undefined, what: string): string | undefined {
    if (id !== "lost") return id;
    this.#count(`${what} stored as floating-point numbers lost digits and are left out`, what);
    return undefined;
  }

  #error(field: Field, problem: string): ArchiveError {
    const i = this.#columns!.at[field];
    const name = i === undefined ? field : this.#headerNames[i];
    return new ArchiveError(this.#source, problem, this.#line, name);
  }

  #count(message: string, example: string): void {
    const seen = this.#counts.get(message);
    if (seen === undefined) this.#counts.set(message, { count: 1, line: this.#line, example });
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
  const underscore = symbol.indexOf("_");
  return underscore > 3 && symbol.startsWith("USD", underscore - 3) ? "coinm" : "usdm";
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readOptionalAsset(cell: Cell): string | undefined {
  return text(cell) === "" ? undefined : readAsset(cell);
}

function readOptionalSymbol(cell: Cell): string {
  return readSymbol(cell, false);
}
