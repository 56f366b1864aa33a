/**
 * Funding from `futures_income.csv` (`time,symbol,incomeType,income,asset,info,tranId,tradeId,
 * market`): the report needs only the FUNDING_FEE rows, summed per asset.
 *
 * @module
 */

import { CsvSyntaxError, parseCsvFile } from "../csv/parser.ts";
import { Decimal, DecimalSyntaxError } from "../decimal.ts";
import { DataFileError } from "../storage/data_file.ts";

const REQUIRED = ["incomeType", "income", "asset"] as const;
const ASSET = /^[A-Z0-9]{1,20}$/;
type Columns = Record<(typeof REQUIRED)[number], number>;

/**
 * Sums the `income` of every FUNDING_FEE row of an income file, per `asset` (positive: received,
 * negative: paid). Other income types are only checked for a readable header.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for malformed CSV, a missing column or a malformed FUNDING_FEE row.
 */
export async function readFundingTotals(path: string): Promise<Map<string, Decimal>> {
  const totals = new Map<string, Decimal>();
  let column: Columns | undefined;
  const fail = (line: number, field: string, text: string, expected: string): never => {
    const shown = text === "" ? "empty" : `not valid: ${JSON.stringify(text.slice(0, 40))}`;
    throw new DataFileError(path, line, `field "${field}": ${shown} (expected ${expected})`);
  };
  try {
    await parseCsvFile(path, (fields, line) => {
      if (column === undefined) {
        const missing = REQUIRED.filter((c) => !fields.includes(c));
        if (missing.length > 0) {
          throw new DataFileError(path, line, `the header has no column ${missing.join(", ")}`);
        }
        column = Object.fromEntries(REQUIRED.map((c) => [c, fields.indexOf(c)])) as Columns;
        return;
      }
      if (fields[column.incomeType] !== "FUNDING_FEE") return;
      const asset = fields[column.asset] ?? "";
      if (!ASSET.test(asset)) fail(line, "asset", asset, "an asset such as USDT");
      const text = fields[column.income] ?? "";
      let income: Decimal;
      try {
        income = Decimal.parse(text);
      } catch (error) {
        if (!(error instanceof DecimalSyntaxError)) throw error;
        return fail(line, "income", text, "a decimal number");
      }
      totals.set(asset, (totals.get(asset) ?? Decimal.ZERO).plus(income));
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new DataFileError(path, error.line, error.message);
    if (error instanceof TypeError && /not valid|decode|utf-?8/i.test(error.message)) {
      throw new DataFileError(path, 0, "is not UTF-8 text");
    }
    throw error;
  }
  if (column === undefined) throw new DataFileError(path, 0, "is empty (expected a header row)");
  return new Map([...totals].map(([asset, total]) => [asset, total.normalize()]));
}
