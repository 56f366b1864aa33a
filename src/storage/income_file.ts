/**
 * `futures_income.csv`: the account's income history (fees, realized P&L, funding, transfers...),
 * one row per Binance income record, deduplicated by `(market, incomeType, tranId)`.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import { isPlainDecimal } from "../decimal.ts";
import { type Market, MARKETS, type Source } from "../fill.ts";
import { compareIncome, type IncomeRecord, isIncomeSymbol } from "../income.ts";
import { formatTime, parseTime, parseTimeAt } from "../time.ts";
import { copyRange, rangeIs } from "../csv/row_view.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { CsvParser } from "../csv/parser.ts";
import type { ByteRange } from "../csv/csv_file.ts";
import { columnsOf, DataFileError, fieldCountError, readDataFile } from "./data_file.ts";
import { readTail } from "./tail.ts";
import { ASSET, RecentTexts } from "./fill_text.ts";
import { parseCanonicalIncomeLine } from "./income_line.ts";
import { CRC_COLUMN, crcError, fieldsMatchCrc, lineMatchesCrc, withCrc } from "./row_check.ts";

/** Column order of `futures_income.csv`; the last two are optional when reading (older files). */
export const INCOME_COLUMNS = [
  "time",
  "symbol",
  "incomeType",
  "income",
  "asset",
  "info",
  "tranId",
  "tradeId",
  "market",
  "source",
  CRC_COLUMN,
] as const;

const REQUIRED = INCOME_COLUMNS.slice(0, 9);
const SOURCES: readonly string[] = ["api", "archive"];

/**
 * Reads an income file; columns by name (`source` and `crc32` may be missing: older files). Every
 * field is checked, and each row against its check.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} naming the file, line and field of anything malformed.
 */
export async function readIncomeFile(path: string): Promise<IncomeRecord[]> {
  const records: IncomeRecord[] = [];
  await streamIncomeFile(path, (record) => records.push(record));
  return records;
}

/** What {@linkcode streamIncomeFile} hands on. */
export interface IncomeStreamOptions {
  /**
   * Only records of these types are handed on; the others are still checked (a row that matches
   * its check was written whole by futures-ledger), but not read field by field.
   */
  readonly types?: ReadonlySet<string>;
  /**
   * Only records of the symbols it accepts (`""`: none) are checked and handed on; of the others,
   * written by futures-ledger, only the market and time are read, for the starts. For readers
   * that share a file out by symbol, each checking its own rows.
   */
  readonly symbols?: (symbol: string) => boolean;
  /**
   * Only the header and the rows of this byte range (see `parseCsvFile`): for readers that share
   * a file out by range. Line numbers in errors are then not the file's.
   */
  readonly range?: ByteRange;
}

/** Where a market's income history begins (the time of its earliest record, ms). */
export type IncomeStarts = Map<Market, number>;

/**
 * {@linkcode readIncomeFile} one record at a time, in file order, keeping none: a file of any
 * size in little memory. Resolves to when each market's income history begins (every record
 * counts, handed on or not).
 */
export async function streamIncomeFile(
  path: string,
  onRecord: (record: IncomeRecord) => void,
  options: IncomeStreamOptions = {},
): Promise<IncomeStarts> {
  let index: number[] = [];
  // Where the time, symbol and market are: -1 for a column the file lacks.
  let timeAt = -1;
  let symbolAt = -1;
  let marketAt = -1;
  let crc = -1;
  let canonical = false;
  const { types, symbols, range } = options;
  const starts = new EarliestTimes();
  const recent = new RecentTexts();
  /** A record read: its time noted, and handed on if of a type wanted. */
  const take = (record: IncomeRecord) => {
    starts.note(record.market, record.time);
    if (types === undefined || types.has(record.incomeType)) onRecord(record);
  };
  const read = (fields: string[], line: number) => {
    if (symbols !== undefined && !symbols(fields[symbolAt] ?? "")) return skip(fields);
    take(parseIncomeRow(path, line, fields, index, crc >= 0, recent));
  };
  /** A row another reader checks: its market and time, if they read. */
  const skip = (fields: string[]) => {
    const market = fields[marketAt];
    const time = parseTime(fields[timeAt] ?? "");
    if ((market === "usdm" || market === "coinm") && time !== undefined) starts.note(market, time);
  };
  // The types as an array: a loop over a Set makes an iterator per row. (`i` is under the length:
  // the cast says so to the type checker, noUncheckedIndexedAccess, at no cost per row.)
  const typeList = types === undefined ? [] : [...types];
  const wanted = (text: string, from: number, to: number) => {
    for (let i = 0; i < typeList.length; i++) {
      if (rangeIs(text, from, to, typeList[i] as string)) return true;
    }
    return false;
  };
  await readDataFile(path, {
    header(fields, line) {
      // A file with the check was written with every column: one missing means a changed header.
      const columns = columnsOf(
        path,
        line,
        fields,
        fields.includes(CRC_COLUMN) ? INCOME_COLUMNS : REQUIRED,
        INCOME_COLUMNS,
      );
      index = INCOME_COLUMNS.map((c) => columns.get(c) ?? -1);
      timeAt = columns.get("time") ?? -1;
      symbolAt = columns.get("symbol") ?? -1;
      marketAt = columns.get("market") ?? -1;
      crc = columns.get(CRC_COLUMN) ?? -1;
      canonical = fields.length === INCOME_COLUMNS.length &&
        INCOME_COLUMNS.every((c, i) => fields[i] === c);
    },
    record: read,
    line(text, start, end, _line, ascii) {
      // Written by futures-ledger and whole (its check matches, its check is not empty): only
      // the rows wanted are read field by field, in one pass (`income_line.ts`).
      // time,symbol,incomeType,…,market at field 8: found by their commas.
      if (!canonical || text.charCodeAt(end - 1) === 44) return false;
      const timeEnd = text.indexOf(",", start);
      const typeStart = text.indexOf(",", timeEnd + 1) + 1;
      if (timeEnd < 0 || typeStart <= timeEnd + 1 || typeStart > end) return false;
      const mine = symbols === undefined ||
        symbols(typeStart === timeEnd + 2 ? "" : recent.symbolAt(text, timeEnd + 1, typeStart - 1));
      if (mine && !lineMatchesCrc(text, start, end, ascii)) return false;
      const typeEnd = text.indexOf(",", typeStart);
      if (!mine || (types !== undefined && !wanted(text, typeStart, typeEnd))) {
        // The market is the third field from the end (…,market,source,crc32): found from the
        // end, over a few characters (a row of another field count is the check's to refuse).
        let at = end - 1;
        for (let commas = 0; at > typeEnd; at--) {
          if (text.charCodeAt(at) === 44 && ++commas === 3) break; // the comma before market
        }
        const usdm = at > typeEnd && rangeIs(text, at + 1, at + 5, "usdm");
        if (!usdm && (at <= typeEnd || !rangeIs(text, at + 1, at + 6, "coinm"))) return false;
        starts.noteText(usdm ? "usdm" : "coinm", text, start, timeEnd);
        return true;
      }
      const record = parseCanonicalIncomeLine(text, start, end, recent);
      if (record === undefined) return false; // the general reader reads it, or says what is wrong
      take(record);
      return true;
    },
  }, range);
  return starts.times;
}

/** The earliest time per market, compared as the files print times (which sort as they read). */
class EarliestTimes {
  /** The earliest time per market, ms. */
  readonly times: IncomeStarts = new Map();
  readonly #texts = new Map<Market, string>();

  /** A record at `time`. */
  note(market: Market, time: number): void {
    const earliest = this.times.get(market);
    if (earliest !== undefined && time >= earliest) return;
    this.times.set(market, time);
    this.#texts.delete(market);
  }

  /**
   * A record whose time is `text[from, to)` as written (times as futures-ledger writes them sort
   * as they read; a time that does not read is left to the row's check).
   */
  noteText(market: Market, text: string, from: number, to: number): void {
    const earliest = this.#texts.get(market);
    if (earliest !== undefined && compareRange(text, from, to, earliest) >= 0) return;
    const time = parseTimeAt(text, from, to);
    const earliestTime = this.times.get(market);
    if (time === undefined || (earliestTime !== undefined && time >= earliestTime)) return;
    this.times.set(market, time);
    this.#texts.set(market, copyRange(text, from, to));
  }
}

/** `text[from, to)` compared with `other` as text. */
function compareRange(text: string, from: number, to: number, other: string): number {
  const n = Math.min(to - from, other.length);
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(from + i) - other.charCodeAt(i);
    if (d !== 0) return d;
  }
  return to - from - other.length;
}

/**
 * The records of the income file's tail from `since` on (see `readTail`), every field and check
 * read; `undefined` when the file is not in this version's format (read it whole instead).
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 */
export async function incomeTail(path: string, since: number): Promise<IncomeRecord[] | undefined> {
  const tail = await readTail(path, since);
  if (tail.header !== INCOME_COLUMNS.join(",")) return undefined;
  const records: IncomeRecord[] = [];
  const index = INCOME_COLUMNS.map((_, i) => i);
  const recent = new RecentTexts();
  const parser = new CsvParser((fields) => {
    if (fields.length !== INCOME_COLUMNS.length) throw fieldCountError(path, 0, fields.length, 11);
    records.push(parseIncomeRow(path, 0, fields, index, true, recent));
  });
  parser.push(tail.lines.map((line) => line + "\n").join(""));
  parser.end();
  return records;
}

/**
 * One income row's record, every field checked (and, if `crc`, its check); its repeated texts
 * shared through `recent`. `index`: where each of {@linkcode INCOME_COLUMNS} is among `fields`.
 *
 * @throws {DataFileError} at `path:line`, naming the first field that is missing or malformed.
 */
export function parseIncomeRow(
  path: string,
  line: number,
  fields: readonly string[],
  index: readonly number[],
  crc: boolean,
  recent: RecentTexts,
): IncomeRecord {
  // (`index` has a place, maybe -1, for each of INCOME_COLUMNS: the defaults are never taken.)
  const [
    time = "",
    symbol = "",
    incomeType = "",
    income = "",
    asset = "",
    info = "",
    tranId = "",
    tradeId = "",
    market = "",
    source = "",
  ] = index.map((i) => fields[i] ?? "");
  const bad = (field: string, text: string, expected: string) =>
    new DataFileError(
      path,
      line,
      `field "${field}": ${
        text === "" ? "empty" : `not valid: ${JSON.stringify(text.slice(0, 40))}`
      } (expected ${expected})`,
    );
  const ms = parseTime(time);
  if (ms === undefined) throw bad("time", time, "a UTC time");
  if (!isIncomeSymbol(symbol)) throw bad("symbol", symbol, "a symbol or nothing");
  if (!/^[A-Z_]{1,40}$/.test(incomeType)) throw bad("incomeType", incomeType, "a type");
  if (!isPlainDecimal(income)) throw bad("income", income, "a decimal number");
  if (!ASSET.test(asset)) throw bad("asset", asset, "an asset");
  if (!/^(0|[1-9]\d*)$/.test(tranId)) throw bad("tranId", tranId, "a whole number");
  if (!/^(0|[1-9]\d*)?$/.test(tradeId)) throw bad("tradeId", tradeId, "a whole number");
  if (!(MARKETS as readonly string[]).includes(market)) {
    throw bad("market", market, "usdm or coinm");
  }
  if (source !== "" && !SOURCES.includes(source)) throw bad("source", source, "api or archive");
  if (crc && !fieldsMatchCrc(fields, index)) {
    throw crcError(path, line);
  }
  const record: IncomeRecord = {
    market: market as Market,
    time: ms,
    symbol: recent.intern(symbol),
    incomeType: recent.intern(incomeType),
    income,
    asset: recent.intern(asset),
    info,
    tranId,
    tradeId,
  };
  return source === "archive" ? { ...record, source: "archive" as Source } : record;
}

/** One income record as a line of the income file, with its check and line break. */
export function incomeLine(r: IncomeRecord): string {
  return withCrc(csvLine(formatIncomeRow(r)));
}

/** One income record as row fields, in {@linkcode INCOME_COLUMNS} order but for the check. */
export function formatIncomeRow(r: IncomeRecord): string[] {
  return [
    formatTime(r.time),
    r.symbol,
    r.incomeType,
    r.income,
    r.asset,
    r.info,
    r.tranId,
    r.tradeId,
    r.market,
    r.source ?? "api",
  ];
}

/** Replaces the income file atomically, rows sorted by time. */
export async function writeIncomeFile(
  path: string,
  records: readonly IncomeRecord[],
): Promise<void> {
  const sorted = [...records].sort(compareIncome);
  await writeFileAtomic(path, [csvLine(INCOME_COLUMNS), ...sorted.map(incomeLine)]);
}
