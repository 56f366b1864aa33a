/**
 * `futures_income.csv`: the account's income history (fees, realized P&L, funding, transfers...),
 * one row per Binance income record, deduplicated by `(market, incomeType, tranId)`.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import { isPlainDecimal } from "../decimal.ts";
import { type Market, MARKETS } from "../fill.ts";
import { compareIncome, type IncomeRecord } from "../income.ts";
import { formatTime, parseTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { columnsOf, DataFileError, readDataFile } from "./data_file.ts";

/** Column order of `futures_income.csv`. */
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
] as const;

/**
 * Reads an income file; columns by name, all required.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} naming the file, line and field of anything malformed.
 */
export async function readIncomeFile(path: string): Promise<IncomeRecord[]> {
  const records: IncomeRecord[] = [];
  let index: number[] = [];
  await readDataFile(path, {
    header(fields, line) {
      const columns = columnsOf(path, line, fields, INCOME_COLUMNS);
      index = INCOME_COLUMNS.map((c) => columns.get(c)!);
    },
    record(fields, line) {
      const [time, symbol, incomeType, income, asset, info, tranId, tradeId, market] = index.map(
        (i) => fields[i] ?? "",
      );
      const bad = (field: string, text: string) =>
        new DataFileError(path, line, `field "${field}": not valid: ${JSON.stringify(text)}`);
      const ms = parseTime(time);
      if (ms === undefined) throw bad("time", time);
      if (!/^[A-Z0-9_]*$/.test(symbol)) throw bad("symbol", symbol);
      if (!/^[A-Z_]+$/.test(incomeType)) throw bad("incomeType", incomeType);
      if (!isPlainDecimal(income)) throw bad("income", income);
      if (!/^\d+$/.test(tranId)) throw bad("tranId", tranId);
      if (!/^\d*$/.test(tradeId)) throw bad("tradeId", tradeId);
      if (!(MARKETS as readonly string[]).includes(market)) throw bad("market", market);
      records.push({
        market: market as Market,
        time: ms,
        symbol,
        incomeType,
        income,
        asset,
        info,
        tranId,
        tradeId,
      });
    },
  });
  return records;
}

/** Replaces the income file atomically, rows sorted by time. */
export async function writeIncomeFile(
  path: string,
  records: readonly IncomeRecord[],
): Promise<void> {
  const sorted = [...records].sort(compareIncome);
  await writeFileAtomic(path, [
    csvLine(INCOME_COLUMNS),
    ...sorted.map((r) =>
      csvLine([
        formatTime(r.time),
        r.symbol,
        r.incomeType,
        r.income,
        r.asset,
        r.info,
        r.tranId,
        r.tradeId,
        r.market,
      ])
    ),
  ]);
}
