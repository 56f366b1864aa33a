/**
 * Strict reading of the files the sync keeps: a file that lacks one of its required columns is
 * refused, naming the file and the column, never read with that field empty. Each reader is fed
 * a file it wrote, with one column cut out.
 */
import assert from "node:assert/strict";
import { Decimal } from "../src/decimal.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { readPositionsFile, writePositionsFile } from "../src/storage/positions_file.ts";
import { readPricesFile, writePricesFile } from "../src/storage/prices_file.ts";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

/** The file's text without the column named `name` (the files here have no quoted fields). */
function withoutColumn(text: string, name: string): string {
  const lines = text.trimEnd().split("\n").map((line) => line.split(","));
  const at = lines[0]?.indexOf(name) ?? -1;
  assert.ok(at >= 0, `the file has a ${name} column to cut`);
  return lines.map((cells) => cells.filter((_, i) => i !== at).join(",")).join("\n") + "\n";
}

Deno.test("a data file without a required column is refused, naming it", async (t) => {
  await using dir = await tempDir();
  const cases: [
    string,
    (path: string) => Promise<void>,
    (path: string) => Promise<unknown>,
    string,
  ][] = [
    [
      "futures_income.csv",
      (path) =>
        writeIncomeFile(path, [{
          market: "usdm",
          time: Date.UTC(2025, 0, 1),
          symbol: "BTCUSDT",
          incomeType: "FUNDING_FEE",
          income: "-0.5",
          asset: "USDT",
          info: "",
          tranId: "77",
          tradeId: "",
        }]),
      readIncomeFile,
      "tranId",
    ],
    [
      "futures_positions.csv",
      (path) => writePositionsFile(path, aggregatePositions([f(1, "BUY", "1", "100")])),
      readPositionsFile,
      "market",
    ],
    [
      "futures_fee_prices.csv",
      (path) =>
        writePricesFile(path, [{
          symbol: "BNBUSDT",
          minute: Date.UTC(2025, 0, 1),
          open: Decimal.parse("612.5"),
        }]),
      readPricesFile,
      "open",
    ],
  ];
  for (const [name, write, read, column] of cases) {
    await t.step(`${name} without ${column}`, async () => {
      const path = `${dir.path}/${name}`;
      await write(path);
      await read(path); // reads as written
      await Deno.writeTextFile(path, withoutColumn(await Deno.readTextFile(path), column));
      await assert.rejects(() => read(path), (error: unknown) => {
        assert.ok(error instanceof DataFileError, String(error));
        assert.ok(error.message.includes(path), error.message);
        assert.ok(error.message.includes(column), error.message);
        return true;
      });
    });
  }
});
