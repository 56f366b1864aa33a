/**
 * `futures_income.csv`: the account's income history (fees, realized P&L, funding, transfers...),
 * one row per Binance income record, deduplicated by `(market, incomeType, tranId)`.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import { isPlainDecimal } from "../decimal.ts";
import { type Market, MARKETS, type Source } from "../fill.ts";
import { compareIncome, type IncomeRecord } from "../income.ts";
import { formatTime, parseTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { columnsOf, DataFileError, readDataFile } from "./data_file.ts";
import { ASSET, intern } from "./fill_text.ts";
import { CRC_COLUMN, crcError, fieldsMatchCrc, withCrc } from "./row_check.ts";

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

/**
 * {@linkcode readIncomeFile} one record at a time, in file order, keeping none: a file of any
 * size in little memory.
 */
export async function streamIncomeFile(
  path: string,
  onRecord: (record: IncomeRecord) => void,
): Promise<void> {
  let index: number[] = [];
  let crc = -1;
  await readDataFile(path, {
    header(fields, line) {
      // A file with the check was written with every column: one missing means a changed header.
      const columns = columnsOf(
        path,
        line,
        fields,
        fields.includes(CRC_COLUMN) ? INCOME_COLUMNS : REQUIRED,
      );
      index = INCOME_COLUMNS.map((c) => columns.get(c) ?? -1);
      crc = columns.get(CRC_COLUMN) ?? -1;
    },
    record(fields, line) {
      const [time, symbol, incomeType, income, asset, info, tranId, tradeId, market, source] = index
        .map((i) => fields[i] ?? "");
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
      if (!/^[A-Z0-9_]{0,40}$/.test(symbol)) throw bad("symbol", symbol, "a symbol or nothing");
      if (!/^[A-Z_]{1,40}$/.test(incomeType)) throw bad("incomeType", incomeType, "a type");
      if (!isPlainDecimal(income)) throw bad("income", income, "a decimal number");
      if (!ASSET.test(asset)) throw bad("asset", asset, "an asset");
      if (!/^(0|[1-9]\d*)$/.test(tranId)) throw bad("tranId", tranId, "a whole number");
      if (!/^(0|[1-9]\d*)?$/.test(tradeId)) throw bad("tradeId", tradeId, "a whole number");
      if (!(MARKETS as readonly string[]).includes(market)) {
        throw bad("market", market, "usdm or coinm");
      }
      if (source !== "" && !SOURCES.includes(source)) throw bad("source", source, "api or archive");
      if (crc >= 0 && !fieldsMatchCrc(fields, crc)) throw crcError(path, line);
      const record: IncomeRecord = {
        market: market as Market,
        time: ms,
        symbol: intern(symbol),
        incomeType: intern(incomeType),
        income,
        asset: intern(asset),
        info,
        tranId,
        tradeId,
      };
      onRecord(source === "archive" ? { ...record, source: "archive" as Source } : record);
    },
  });
}

/** One income record as a line of the income file, with its check and line break. */
export function incomeLine(r: IncomeRecord): string {
  return withCrc(csvLine([
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
  ]));
}

/** Replaces the income file atomically, rows sorted by time. */
export async function writeIncomeFile(
  path: string,
  records: readonly IncomeRecord[],
): Promise<void> {
  const sorted = [...records].sort(compareIncome);
  await writeFileAtomic(path, [csvLine(INCOME_COLUMNS), ...sorted.map(incomeLine)]);
}
