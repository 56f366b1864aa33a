/**
 * Exports whose rows have no id (an id is made from each row's time and its place among that
 * moment's rows): one that lists a moment's rows otherwise than the files does not replace a row
 * with another, and files of one import that list the same rows do not add them twice.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

const INCOME_HEADER = "Uid,Time,Asset,Type,Amount,Symbol";

Deno.test("an export listing part of a moment's income rows replaces none of them", async () => {
  await using dir = await tempDir();
  const write = (name: string, rows: string[]) =>
    Deno.writeTextFile(`${dir.path}/${name}`, [INCOME_HEADER, ...rows, ""].join("\n"));
  await write("all(UTC+0).csv", [
    "123,2024-01-05 08:00:00,USDT,Funding Fee,-0.5,BTCUSDT",
    "123,2024-01-05 08:00:00,USDT,Funding Fee,-0.2,ETHUSDT",
  ]);
  // The same moment, filtered by symbol: its one row would get the id of BTCUSDT's.
  await write("eth(UTC+0).csv", ["123,2024-01-05 08:00:00,USDT,Funding Fee,-0.2,ETHUSDT"]);
  const first = await runCli({ cwd: dir.path }, "import", "all(UTC+0).csv");
  assert.equal(first.code, 0, first.stderr);
  const before = await Deno.readTextFile(`${dir.path}/futures_income.csv`);
  const second = await runCli({ cwd: dir.path }, "import", "eth(UTC+0).csv");
  assert.equal(second.code, 1);
  assert.match(second.stderr, /given the id made for another row of the file, with other values/);
  assert.equal(await Deno.readTextFile(`${dir.path}/futures_income.csv`), before, "left as it was");
  // The export that lists them all again adds nothing.
  const again = await runCli({ cwd: dir.path }, "import", "all(UTC+0).csv");
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await Deno.readTextFile(`${dir.path}/futures_income.csv`), before);
});
