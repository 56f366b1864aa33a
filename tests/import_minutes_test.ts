/**
 * An export saved by a spreadsheet prints its times without seconds. Imported first, its fills are
 * one row each with the API's once a sync fetches the same fills with their milliseconds: the row
 * of a whole minute reaches that minute, a row printed to the second only that second.
 */
import assert from "node:assert/strict";
import { runSync } from "../src/sync.ts";
import { TwinWindow } from "../src/storage/twin_window.ts";
import { tradeIncome } from "./support/binance_views.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { type MemoryAccount, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

const T0 = Date.UTC(2026, 2, 2, 7);
const HOUR = 3_600_000;

Deno.test("an export without seconds, imported, then synced: each fill once", async (t) => {
  const fee = { commission: "0.01" };
  // The API's times: 07:00:27.123 and 07:05:40.500; the export prints 07:00 and 07:05.
  const fills = [
    f(1, "BUY", "1", "100", { time: T0 + 27_123, ...fee }),
    f(2, "SELL", "1", "101", { time: T0 + 5 * 60_000 + 40_500, realizedPnl: "1", ...fee }),
  ];
  const account: MemoryAccount = {
    fills,
    income: tradeIncome(fills),
    priors: new Map(),
    prices: new Map(),
  };
  const exported = [
    "2026-03-02 07:00,BTCUSDT,BUY,100,1,100,0.01,USDT,0,USDT",
    "2026-03-02 07:05,BTCUSDT,SELL,101,1,101,0.01,USDT,1,USDT",
  ];
  // Both rows (the sync merges the file); the first only (the new fills sort after the file's
  // last row, 27 s before the first of them: still its twin).
  for (const rows of [exported, exported.slice(0, 1)]) {
    await t.step(`${rows.length} rows exported`, async () => {
      await using dir = await tempDir();
      const header =
        "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
      await Deno.writeTextFile(`${dir.path}/saved(UTC+0).csv`, [header, ...rows, ""].join("\n"));
      const imported = await runCli(
        { cwd: dir.path },
        "import",
        "saved(UTC+0).csv",
        "--position-mode",
        "one-way",
      );
      assert.equal(imported.code, 0, imported.stderr);
      const now = T0 + 2 * HOUR;
      await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", now));
      const saved = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).trim().split("\n");
      assert.deepEqual(saved.slice(1).map((row) => row.split(",").slice(0, 3).join()), [
        "2026-03-02T07:00:27.123Z,BTCUSDT,BUY",
        "2026-03-02T07:05:40.500Z,BTCUSDT,SELL",
      ]);
      const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
      assert.equal(positions.trim().split("\n").length, 2, "one round trip");
    });
  }
});

Deno.test("how far an export's row without an id reaches", async (t) => {
  // Rows as [time ms after T0, made id?, values]; the same fill's values unless said. Returns
  // the times kept.
  type Row = { time: number; source: string; made: boolean; values: string };
  const run = (rows: [number, boolean, string?][]) => {
    const out: number[] = [];
    const window = new TwinWindow<Row>({
      made: (row) => row.made,
      twin: (row) => row.values,
      line: (row) => `${row.time}\n`,
    }, (text) => out.push(Number(text) - T0));
    for (const [time, made, values = "BTCUSDT|BUY|100|1"] of rows) {
      window.push({ time: T0 + time, source: made ? "archive" : "api", made, values }, false);
    }
    window.end();
    return out;
  };
  await t.step("a whole minute: the API's row 59.999 s later is the same fill", () => {
    assert.deepEqual(run([[0, true], [59_999, false]]), [59_999]);
  });
  await t.step("but not one 60 s later (the next minute)", () => {
    assert.deepEqual(run([[0, true], [60_000, false]]), [0, 60_000]);
  });
  await t.step("a time to the second reaches that second only", () => {
    assert.deepEqual(run([[1_000, true], [1_999, false]]), [1_999]);
    assert.deepEqual(run([[1_000, true], [2_000, false]]), [1_000, 2_000]);
    // Even when it waits behind a row that reaches the minute (another fill, at 07:00).
    const other = "ETHUSDT|SELL|10|2";
    assert.deepEqual(run([[0, true, other], [5_000, true], [5_999, false]]), [0, 5_999]);
    assert.deepEqual(run([[0, true, other], [5_000, true], [6_000, false]]), [0, 5_000, 6_000]);
  });
  await t.step("one to one, the earliest first: two fills of a minute, one row", () => {
    // The export's one row at 07:00 and the API's two fills at :10 and :20: one pairs.
    assert.deepEqual(run([[0, true], [10_000, false], [20_000, false]]), [10_000, 20_000]);
    // Two rows at 07:00, and the API's fill at 07:00:30 then an unrelated one at 07:01:10.
    assert.deepEqual(run([[0, true], [0, true], [30_000, false], [70_000, false]]), [
      0,
      30_000,
      70_000,
    ]);
  });
});
