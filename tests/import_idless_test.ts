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

Deno.test("files of one import listing the same rows without ids are refused", async (t) => {
  await using dir = await tempDir();
  const header =
    "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
  const rows = [
    "2024-01-05 10:00:00,BTCUSDT,BUY,42000.5,0.010,420.005,0.168,USDT,0,USDT",
    "2024-01-06 11:00:00,BTCUSDT,SELL,42100,0.010,421,0.1684,USDT,1,USDT",
    "2024-01-07 12:00:00,BTCUSDT,BUY,42200,0.010,422,0.1688,USDT,0,USDT",
  ];
  const write = (name: string, lines: string[]) =>
    Deno.writeTextFile(`${dir.path}/${name}`, [header, ...lines, ""].join("\n"));
  await write("a(UTC+0).csv", rows.slice(0, 2));
  await write("b(UTC+0).csv", rows.slice(1));
  const importing = (...files: string[]) =>
    runCli({ cwd: dir.path }, "import", ...files, "--position-mode", "one-way");

  await t.step("two exports sharing a day: refused, nothing written", async () => {
    const both = await importing("a(UTC+0).csv", "b(UTC+0).csv");
    assert.equal(both.code, 1);
    assert.match(both.stderr, /cover time that .* do too .* Import the files one at a time/);
    assert.equal(await Deno.stat(`${dir.path}/futures_fills.csv`).catch(() => null), null);
  });

  await t.step("one file given twice: refused", async () => {
    const twice = await importing("a(UTC+0).csv", "a(UTC+0).csv");
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /given twice/);
  });

  await t.step("one at a time: each fill once", async () => {
    for (const file of ["a(UTC+0).csv", "b(UTC+0).csv"]) {
      const one = await importing(file);
      assert.equal(one.code, 0, one.stderr);
    }
    const fills = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).split("\n");
    assert.equal(fills.length, 1 + 3 + 1, "a header, 3 fills, the last line break");
  });
});
