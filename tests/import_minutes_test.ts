/**
 * An export saved by a spreadsheet prints its times without seconds. Imported first, its fills are
 * one row each with the API's once a sync fetches the same fills with their milliseconds: the row
 * of a whole minute reaches that minute, a row printed to the second only that second.
 */
import assert from "node:assert/strict";
import { runSync } from "../src/sync.ts";
import { TwinWindow } from "../src/storage/twin_window.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
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
  const account = accountOfFills(fills);
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
  // Rows as [time ms after T0, kind, values, detail]: "api", "s" (an export's row printed to the
  // second) or "m" (an export without seconds); the same fill's values unless said. Returns the
  // times written.
  type Row = { time: number; source: string; kind: string; values: string; detail: string };
  const written = (rows: [number, "api" | "s" | "m", string?, string?][]) => {
    const out: string[] = [];
    const window = new TwinWindow<Row>({
      made: (row) => row.kind !== "api",
      twin: (row) => row.values,
      reach: (row) => (row.kind === "m" ? 60_000 : 1000),
      detail: (row) => row.detail,
      line: (row) => `${row.time - T0} ${row.kind} ${row.detail}`.trim() + "\n",
    }, (text) => out.push(text.trim()));
    for (const [time, kind, values = "BTCUSDT|BUY|100|1", detail = ""] of rows) {
      const source = kind === "api" ? "api" : "archive";
      window.push({ time: T0 + time, source, kind, values, detail }, false);
    }
    window.end();
    return out;
  };
  const run = (rows: Parameters<typeof written>[0]) =>
    written(rows).map((line) => Number(line.split(" ")[0]));
  await t.step("without seconds: the API's row 59.999 s later is the same fill", () => {
    assert.deepEqual(run([[0, "m"], [59_999, "api"]]), [59_999]);
  });
  await t.step("but not one 60 s later (the next minute)", () => {
    assert.deepEqual(run([[0, "m"], [60_000, "api"]]), [0, 60_000]);
  });
  await t.step("a time to the second reaches that second only, on a whole minute too", () => {
    assert.deepEqual(run([[1_000, "s"], [1_999, "api"]]), [1_999]);
    assert.deepEqual(run([[1_000, "s"], [2_000, "api"]]), [1_000, 2_000]);
    assert.deepEqual(run([[0, "s"], [40_000, "api"]]), [0, 40_000]);
    // Even when it waits behind a row that reaches the minute (another fill, at 07:00).
    const other = "ETHUSDT|SELL|10|2";
    assert.deepEqual(run([[0, "m", other], [5_000, "s"], [5_999, "api"]]), [0, 5_999]);
    assert.deepEqual(run([[0, "m", other], [5_000, "s"], [6_000, "api"]]), [0, 5_000, 6_000]);
  });
  await t.step("one to one, the earliest first: two fills of a minute, one row", () => {
    // The export's one row at 07:00 and the API's two fills at :10 and :20: one pairs.
    assert.deepEqual(run([[0, "m"], [10_000, "api"], [20_000, "api"]]), [10_000, 20_000]);
    // Two rows at 07:00, and the API's fill at 07:00:30 then an unrelated one at 07:01:10.
    assert.deepEqual(run([[0, "m"], [0, "m"], [30_000, "api"], [70_000, "api"]]), [
      0,
      30_000,
      70_000,
    ]);
  });
  await t.step("among twins, the one with the API row's P&L and fee first", () => {
    // At the edge of what the API serves: the export's 07:00 rows are a close (P&L 10) and an
    // open (P&L 0) of the same side, price and quantity; the API has only the open (07:00:40).
    const [close, open] = ["BTCUSDT|SELL|100|1", "BTCUSDT|SELL|100|1"];
    assert.deepEqual(
      written([
        [0, "m", close, "10|0.2"],
        [0, "m", open, "0|0.2"],
        [40_000, "api", open, "0|0.2"],
      ]),
      ["0 m 10|0.2", "40000 api 0|0.2"],
      "the close's row stays; the open's is the API's",
    );
    // With no row of its P&L and fee, the earliest twin pairs.
    assert.deepEqual(written([[0, "m", close, "10"], [40_000, "api", open, "5"]]), [
      "40000 api 5",
    ]);
  });
});

Deno.test("one export imported as printed and as a spreadsheet saved it: each fill once", async (t) => {
  // The same two fills and one commission, printed to the second (10:00:13, 12:05:27) and without
  // seconds (10:00, 12:05), in either order: the second import adds nothing.
  const header =
    "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
  const seconds = [
    "2024-02-10 10:00:13,BTCUSDT,BUY,68000,0.010,680,0.272,USDT,0,USDT",
    "2024-02-10 12:05:27,BTCUSDT,SELL,69000,0.010,690,0.276,USDT,10,USDT",
  ];
  const minutes = seconds.map((row) => row.replace(/^(\S+ \d\d:\d\d):\d\d/, "$1"));
  const income = (rows: string[]) =>
    ["Uid,Time,Asset,Type,Amount,Symbol", ...rows.map((r) => `1,${r}`), ""].join("\n");
  for (const order of [[seconds, minutes], [minutes, seconds]]) {
    await t.step(order[0] === seconds ? "seconds first" : "minutes first", async () => {
      await using dir = await tempDir();
      for (const [i, rows] of order.entries()) {
        await Deno.writeTextFile(`${dir.path}/t${i}.csv`, [header, ...rows, ""].join("\n"));
        const time = at(rows, 0).slice(0, at(rows, 0).indexOf(","));
        await Deno.writeTextFile(
          `${dir.path}/i${i}.csv`,
          income([`${time},USDT,Commission,-0.272,BTCUSDT`]),
        );
        for (const file of [`t${i}.csv`, `i${i}.csv`]) {
          const run = await runCli(
            { cwd: dir.path },
            "import",
            file,
            "--utc-offset=+00:00",
            "--position-mode=one-way",
          );
          assert.equal(run.code, 0, run.stderr);
        }
      }
      const lines = async (name: string) =>
        (await Deno.readTextFile(`${dir.path}/${name}`)).trim().split("\n").length - 1;
      assert.equal(await lines("futures_fills.csv"), 2);
      assert.equal(await lines("futures_income.csv"), 1);
    });
  }
});
