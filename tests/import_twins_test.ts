/**
 * `import` of the same history in two forms adds each fill and income record once (a review's
 * repros, each a doubled realized P&L, commission and funding before the fix):
 * - the website's export without ids and the one with Trade ID / Transaction ID, either order;
 * - an export with ids as Binance printed it (to the second) and as a spreadsheet saved it (to
 *   the minute), either order (the minute copy first was refused as a wrong time zone).
 * And a hedge-mode export without a Position Side column can be imported with `--flat-start`.
 *
 * The numbers: BUY 0.010 BTCUSDT at 80000 (fee 0.32), SELL 0.010 at 81000 (fee 0.324, realized
 * (81000 − 80000) × 0.010 = 10): realized 10, commission 0.644.
 */

import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

const NO_IDS = `Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset
2025-03-01 10:00:10,BTCUSDT,BUY,80000,0.010,800,0.32,USDT,0,USDT
2025-03-01 11:00:30,BTCUSDT,SELL,81000,0.010,810,0.324,USDT,10,USDT
`;

const WITH_IDS =
  `Uid,Time(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID
1,2025-03-01 10:00:10,BTCUSDT,BUY,80000,0.010,800,0.32 USDT,0,true,false,1001,5001
1,2025-03-01 11:00:30,BTCUSDT,SELL,81000,0.010,810,0.324 USDT,10,false,false,1002,5002
`;

/** {@linkcode WITH_IDS} as a spreadsheet saves it: no seconds. */
const WITH_IDS_MINUTES = WITH_IDS.replace("10:00:10", "10:00").replace("11:00:30", "11:00");

const INCOME_NO_IDS = `Uid,Time,Asset,Type,Amount,Symbol
1,2025-03-01 10:00:10,USDT,Commission,-0.32,BTCUSDT
1,2025-03-01 11:00:30,USDT,Realized Profit and Loss,10,BTCUSDT
1,2025-03-01 11:00:30,USDT,Commission,-0.324,BTCUSDT
1,2025-03-01 16:00:00,USDT,Funding Fee,-0.05,BTCUSDT
`;

const INCOME_WITH_IDS = `Time,Type,Amount,Asset,Symbol,Transaction ID
2025-03-01 10:00:10,COMMISSION,-0.32,USDT,BTCUSDT,7001
2025-03-01 11:00:30,REALIZED_PNL,10,USDT,BTCUSDT,7002
2025-03-01 11:00:30,COMMISSION,-0.324,USDT,BTCUSDT,7003
2025-03-01 16:00:00,FUNDING_FEE,-0.05,USDT,BTCUSDT,7004
`;

/** Imports `files` (name → text) one command each, in order; the rows of the files after. */
async function importEach(
  files: [string, string][],
  ...options: string[]
): Promise<{ fills: string[]; income: string[]; koinly: string }> {
  await using dir = await tempDir();
  for (const [name, text] of files) {
    await Deno.writeTextFile(`${dir.path}/${name}`, text);
    const run = await runCli({ cwd: dir.path }, "import", name, "--utc-offset=+00:00", ...options);
    assert.equal(run.code, 0, run.stderr);
  }
  const rows = async (name: string) => {
    const text = await Deno.readTextFile(`${dir.path}/${name}`).catch(() => "header\n");
    return text.trimEnd().split("\n").slice(1);
  };
  const exported = await runCli({ cwd: dir.path }, "export", "koinly");
  return {
    fills: await rows("futures_fills.csv"),
    income: await rows("futures_income.csv"),
    koinly: exported.stdout,
  };
}

/** `time,id` of each fill row. */
const fillIds = (rows: string[]) =>
  rows.map((row) => {
    const cells = row.split(",");
    return `${cells[0]},${cells[9]}`;
  });

/** A step per order of the two files (name, text): `check` imports them so, one command each. */
async function eitherOrder(
  t: Deno.TestContext,
  a: [string, string],
  b: [string, string],
  check: (order: [string, string][]) => Promise<void>,
): Promise<void> {
  for (const order of [[a, b], [b, a]]) {
    await t.step(order.map(([name]) => name).join(" then "), () => check(order));
  }
}

Deno.test("an export without ids and one with ids are the same fills: each once, either order", async (t) => {
  await eitherOrder(t, ["noids.csv", NO_IDS], ["ids.csv", WITH_IDS], async (order) => {
    const done = await importEach(order, "--position-mode", "one-way");
    assert.deepEqual(fillIds(done.fills), [
      "2025-03-01T10:00:10.000Z,1001",
      "2025-03-01T11:00:30.000Z,1002",
    ]);
    assert.match(done.koinly, /realized 10, commission -0\.644/);
  });
});

Deno.test("a transaction history without ids and one with ids: each record once, either order", async (t) => {
  await eitherOrder(
    t,
    ["inoids.csv", INCOME_NO_IDS],
    ["iids.csv", INCOME_WITH_IDS],
    async (order) => {
      const done = await importEach(order);
      // The four records, each with Binance's transaction id.
      assert.deepEqual(done.income.map((row) => row.split(",")[6]).sort(), [
        "7001",
        "7002",
        "7003",
        "7004",
      ]);
    },
  );
});

Deno.test("an export with ids as printed and as a spreadsheet saved it: once, to the second", async (t) => {
  await eitherOrder(t, ["secs.csv", WITH_IDS], ["mins.csv", WITH_IDS_MINUTES], async (order) => {
    const done = await importEach(order, "--position-mode", "one-way");
    assert.deepEqual(fillIds(done.fills), [
      "2025-03-01T10:00:10.000Z,1001",
      "2025-03-01T11:00:30.000Z,1002",
    ]);
    assert.match(done.koinly, /realized 10, commission -0\.644/);
  });
});

Deno.test("a hedge export without Position Side: refused, then inferred from a flat start", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/h.csv`, WITH_IDS);
  const refused = await runCli({ cwd: dir.path }, "import", "h.csv", "--position-mode", "hedge");
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /h\.csv:2: .*--flat-start/);
  const done = await runCli(
    { cwd: dir.path },
    "import",
    "h.csv",
    "--position-mode",
    "hedge",
    "--flat-start",
  );
  assert.equal(done.code, 0, done.stderr);
  // The BUY (no P&L) opens LONG, as the SHORT book held nothing; the SELL realized P&L: closes it.
  const rows = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).trimEnd().split("\n");
  assert.deepEqual(rows.slice(1).map((row) => row.split(",").slice(8, 10).join(",")), [
    "LONG,1001",
    "LONG,1002",
  ]);
});

Deno.test("one export's income record without an id and its equal with one: both kept", async () => {
  // Two commissions of one second (two equal fills of one order), one id missing (final review).
  const text = `Time,Type,Amount,Asset,Symbol,Transaction ID
2025-03-01 10:00:10,COMMISSION,-0.16,USDT,BTCUSDT,
2025-03-01 10:00:10,COMMISSION,-0.16,USDT,BTCUSDT,7002
`;
  const done = await importEach([["i.csv", text]]);
  assert.equal(done.income.length, 2);
});
