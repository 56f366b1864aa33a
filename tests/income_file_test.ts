/**
 * `futures_income.csv`: the one-pass reader of the rows futures-ledger writes
 * (`src/storage/income_line.ts`) against the general one, field by field.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { DataFileError } from "../src/storage/data_file.ts";
import { RecentTexts } from "../src/storage/fill_text.ts";
import type { Market } from "../src/fill.ts";
import {
  INCOME_COLUMNS,
  readIncomeFile,
  streamIncomeFile,
  writeIncomeFile,
} from "../src/storage/income_file.ts";
import { parseCanonicalIncomeLine } from "../src/storage/income_line.ts";
import { withCrc } from "../src/storage/row_check.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

/** Values of each field that a plain reader might get wrong (valid or not). */
const TRICKY: readonly (readonly string[])[] = [
  ["", "2025-01-01T00:00:00.000", "2025-02-30T00:00:00.000Z", "1735689600000", "2025-1-01"],
  ["", "btcusdt", "币安人生USDT", "A".repeat(41), "BTC-USDT", "BTCUSD_PERP"],
  ["", "commission", "FUNDING FEE", "A".repeat(41), "FEE1", "INSURANCE_CLEAR"],
  ["", "1e5", "-", ".5", "5.", "+1", "--1", "0.00", "-0", "007"],
  ["", "usdt", "A".repeat(21), "BNB1", "Ü"],
  ["", "x y", "ÉCHANGE", "COMMISSION", "FUNDING_FEE", "a,b"],
  ["", "0", "00", "012", "12a", "99999999999999999999"],
  ["", "0", "00", "012", "12a", "99999999999999999999"],
  ["", "USDM", "spot", "coinm"],
  ["", "api", "archive", "API", "x", "api,x"], // a comma: a field too many, with its check
];

/** The general reader's take on a row: a file whose columns are not in the standard order. */
async function generalRead(dir: string, fields: readonly string[]): Promise<unknown> {
  // info and tranId swapped: the row's check still covers its fields in the standard order.
  const order = [0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 10];
  const line = withCrc(fields.join(",") + "\n").slice(0, -1).split(",");
  const path = `${dir}/futures_income.csv`;
  const text = [order.map((i) => INCOME_COLUMNS[i]), order.map((i) => line[i])]
    .map((row) => row.join(",") + "\n").join("");
  await Deno.writeTextFile(path, text);
  try {
    return (await readIncomeFile(path))[0];
  } catch (error) {
    if (error instanceof DataFileError) return error.problem;
    throw error;
  }
}

Deno.test("the one-pass income row reader gives what the general one gives (property)", async () => {
  await using dir = await tempDir();
  const row = fc.record({
    time: fc.constantFrom("2025-01-01T00:00:00.000Z", "2026-12-03T23:59:59.999Z"),
    symbol: fc.constantFrom("BTCUSDT", "", "1000PEPEUSDT", "BTCUSD_PERP"),
    incomeType: fc.constantFrom("COMMISSION", "FUNDING_FEE", "TRANSFER", "REALIZED_PNL"),
    income: fc.constantFrom("-0.01675488", "12", "0", "-3.25000000"),
    asset: fc.constantFrom("USDT", "BNB", "BTC"),
    info: fc.constantFrom("", "COMMISSION", "FUNDING_FEE", "a note"),
    tranId: fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String),
    tradeId: fc.option(fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String), { nil: "" }),
    market: fc.constantFrom("usdm", "coinm"),
    source: fc.constantFrom("", "api", "archive"),
  });
  const change = fc.tuple(fc.nat(TRICKY.length - 1), fc.nat(40)).map(([i, k]) => {
    const values = at(TRICKY, i);
    return [i, at(values, k % values.length)] as const;
  });
  let fast = 0;
  await fc.assert(
    fc.asyncProperty(row, fc.option(change), async (r, changed) => {
      const fields = [
        r.time,
        r.symbol,
        r.incomeType,
        r.income,
        r.asset,
        r.info,
        r.tranId,
        r.tradeId,
        r.market,
        r.source,
      ];
      if (changed !== null) fields[changed[0]] = changed[1];
      const line = withCrc(fields.join(",") + "\n").slice(0, -1);
      const quick = parseCanonicalIncomeLine(line, 0, line.length, new RecentTexts());
      if (quick === undefined) {
        return assert.ok(changed !== null, `a plain valid row is read in one pass: ${line}`);
      }
      fast++;
      assert.deepEqual(quick, await generalRead(dir.path, fields), line);
    }),
    { numRuns: 1500 },
  );
  assert.ok(fast > 500, `${fast} rows read in one pass`);
});

Deno.test("when each market's income history begins counts the rows of every type and symbol", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_income.csv`;
  const at = (hour: number) => Date.UTC(2025, 0, 1, hour);
  const row = (market: Market, hour: number, symbol: string, incomeType: string) => ({
    market,
    time: at(hour),
    symbol,
    incomeType,
    income: "-0.5",
    asset: market === "usdm" ? "USDT" : "BTC",
    info: "",
    tranId: String(hour),
    tradeId: "",
    source: "archive" as const,
  });
  // COIN-M begins at 1:00 and USD-M at 2:00, each with a row that is not funding.
  await writeIncomeFile(path, [
    row("coinm", 1, "BTCUSD_PERP", "COMMISSION"),
    row("usdm", 2, "BTCUSDT", "REALIZED_PNL"),
    row("coinm", 3, "BTCUSD_PERP", "FUNDING_FEE"),
    row("usdm", 4, "BTCUSDT", "FUNDING_FEE"),
  ]);
  const types = new Set(["FUNDING_FEE"]);
  for (const symbols of [undefined, (symbol: string) => symbol === "BTCUSDT"]) {
    const funding: number[] = [];
    const starts = await streamIncomeFile(path, (r) => funding.push(r.time), { types, symbols });
    assert.deepEqual(funding, symbols === undefined ? [at(3), at(4)] : [at(4)]);
    assert.deepEqual(Object.fromEntries(starts), { coinm: at(1), usdm: at(2) });
  }
});
