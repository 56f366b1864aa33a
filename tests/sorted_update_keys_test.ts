/**
 * One fill (one income record) of the same key at two times is one row of the file: an export
 * prints a fill's time to the second (or, saved by a spreadsheet, to the minute) where the API
 * gives its millisecond, so the same trade id arrives up to a minute apart. The merge used to
 * replace a row only by the one next to it in file order, and kept both whenever another row fell
 * between (a review's repro: realized P&L, commission and funding counted twice).
 */

import assert from "node:assert/strict";
import type { Fill } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { addFills, addIncome } from "../src/storage/sorted_update.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

const T = Date.UTC(2025, 0, 1, 12, 0, 0);

/** `symbol#id@ms after T/source` of each row, in file order. */
const shown = (fills: readonly Fill[]) =>
  fills.map((x) => `${x.symbol}#${x.id}@${x.time - T}/${x.source}`);

/** Trade 100 as an export printed it (to the second) and as the API gives it (.500). */
const exported = f(100, "BUY", "1", "100", { time: T, source: "archive" });
const fromApi = f(100, "BUY", "1", "100", { time: T + 500 });

Deno.test("a fill fetched again with its exact time replaces the export's row, rows between or not", async (t) => {
  const cases: { name: string; file: Fill[]; fresh: Fill[]; want: string[] }[] = [
    {
      name: "a new row between the two",
      file: [exported],
      fresh: [f(50, "SELL", "2", "3000", { time: T + 100, symbol: "ETHUSDT" }), fromApi],
      want: ["ETHUSDT#50@100/api", "BTCUSDT#100@500/api"],
    },
    {
      name: "a row of the file between the two (was appended: a second copy)",
      file: [exported, f(51, "SELL", "2", "3000", { time: T + 200, symbol: "ETHUSDT" })],
      fresh: [fromApi],
      want: ["ETHUSDT#51@200/api", "BTCUSDT#100@500/api"],
    },
    {
      name: "rows of the file on both sides (was written at the old row's place: out of order)",
      file: [
        exported,
        f(51, "SELL", "2", "3000", { time: T + 200, symbol: "ETHUSDT" }),
        f(52, "SELL", "2", "3000", { time: T + 900, symbol: "ETHUSDT" }),
      ],
      fresh: [fromApi],
      want: ["ETHUSDT#51@200/api", "BTCUSDT#100@500/api", "ETHUSDT#52@900/api"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using dir = await tempDir();
      const path = `${dir.path}/futures_fills.csv`;
      await writeFillsFile(path, c.file);
      const done = await addFills(path, c.fresh);
      assert.deepEqual(shown((await readFillsFile(path)).fills), c.want);
      // The export's row is gone: what was built from it is built again. Trade 100 is not new.
      assert.deepEqual(shown(done.removed), ["BTCUSDT#100@0/archive"]);
      assert.ok(!done.added.some((x) => x.id === "100"));
    });
  }
});

Deno.test("an export with ids imported to the minute and to the second keeps the second, either order", async (t) => {
  // A spreadsheet's copy prints 12:00; Binance's export 12:00:10: both cut 12:00:10.xxx short.
  const minute = f(100, "BUY", "1", "100", { time: T, source: "archive" });
  const second = f(100, "BUY", "1", "100", { time: T + 10_000, source: "archive" });
  const between = f(60, "SELL", "2", "3000", { time: T + 5_000, symbol: "ETHUSDT" });
  const orders = [["minute first", minute, second], ["second first", second, minute]] as const;
  for (const [name, file, fresh] of orders) {
    for (const others of [[], [between]]) {
      await t.step(`${name}, ${others.length} row between`, async () => {
        await using dir = await tempDir();
        const path = `${dir.path}/futures_fills.csv`;
        await writeFillsFile(path, [file, ...others]);
        await addFills(path, [fresh]);
        assert.deepEqual(shown((await readFillsFile(path)).fills), [
          ...shown(others),
          "BTCUSDT#100@10000/archive",
        ]);
      });
    }
  }
});

Deno.test("the API's row in the file stands against an export's earlier row of the same id", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const between = f(50, "SELL", "2", "3000", { time: T + 100, symbol: "ETHUSDT" });
  await writeFillsFile(path, [between, fromApi]);
  const done = await addFills(path, [exported]);
  assert.deepEqual(shown((await readFillsFile(path)).fills), [
    "ETHUSDT#50@100/api",
    "BTCUSDT#100@500/api",
  ]);
  assert.deepEqual(done.added, []);
  assert.deepEqual(done.removed, []);
});

Deno.test("two rows of one id a minute or more apart are not merged (an import refuses them)", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  await writeFillsFile(path, [exported]);
  await addFills(path, [f(50, "SELL", "2", "3000", { time: T + 100, symbol: "ETHUSDT" }), {
    ...fromApi,
    time: T + 60_000,
  }]);
  assert.equal((await readFillsFile(path)).fills.filter((x) => x.id === "100").length, 2);
});

Deno.test("a row without an id and the same fill from an export with ids are one row, the id's", async (t) => {
  // An export without ids gave trade 100 the made id 9…; the trade history with Trade ID (or a
  // bulk download) gives the same fill, same second, with Binance's id.
  const made = { ...exported, id: "91735732800000000000" };
  for (
    const [name, file, fresh] of [["made id first", made, exported], ["id first", exported, made]]
  ) {
    await t.step(name as string, async () => {
      await using dir = await tempDir();
      const path = `${dir.path}/futures_fills.csv`;
      await writeFillsFile(path, [file as Fill]);
      await addFills(path, [fresh as Fill]);
      assert.deepEqual(shown((await readFillsFile(path)).fills), ["BTCUSDT#100@0/archive"]);
    });
  }
});

Deno.test("income: a record fetched again with its exact time replaces the export's, a row between", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_income.csv`;
  const record = (tranId: string, time: number, source: "api" | "archive"): IncomeRecord => ({
    market: "usdm",
    time,
    symbol: "BTCUSDT",
    incomeType: "COMMISSION",
    income: "-0.32",
    asset: "USDT",
    info: "",
    tranId,
    tradeId: "",
    source,
  });
  await writeIncomeFile(path, [record("7001", T, "archive")]);
  const done = await addIncome(path, [
    record("6999", T + 100, "api"),
    record("7001", T + 700, "api"),
  ]);
  const rows = await readIncomeFile(path);
  assert.deepEqual(rows.map((r) => `${r.tranId}@${r.time - T}/${r.source ?? "api"}`), [
    "6999@100/api",
    "7001@700/api",
  ]);
  assert.deepEqual(done.removed.map((r) => r.tranId), ["7001"]);
});

Deno.test("a file that already holds one fill twice, seconds apart, is repaired by the next merge", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const between = f(50, "SELL", "2", "3000", { time: T + 100, symbol: "ETHUSDT" });
  // What the old merge left: the export's row and the API's, another row between.
  await writeFillsFile(path, [exported, between, fromApi]);
  const done = await addFills(path, [
    f(40, "SELL", "2", "3000", { time: T - 5_000, symbol: "ETHUSDT" }),
  ]);
  assert.deepEqual(shown((await readFillsFile(path)).fills), [
    "ETHUSDT#40@-5000/api",
    "ETHUSDT#50@100/api",
    "BTCUSDT#100@500/api",
  ]);
  assert.deepEqual(shown(done.removed), ["BTCUSDT#100@0/archive"]);
});

Deno.test("a fill fetched again at its time with other text replaces the file's row, reported", async () => {
  // An older version wrote the price as a float's text; Binance gives "100". Same fill, same time.
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  await writeFillsFile(path, [{ ...fromApi, price: "100.00000000000001" }]);
  const done = await addFills(path, [fromApi]);
  assert.deepEqual((await readFillsFile(path)).fills.map((x) => x.price), ["100"]);
  // What was built from the old row is built again.
  assert.deepEqual(done.removed.map((x) => x.price), ["100.00000000000001"]);
});

Deno.test("two new rows of one fill in one batch: once, the later, appended or merged", async (t) => {
  // One import of an export as printed (12:00:10) and as a spreadsheet saved it (12:00), another
  // fill between them; into a file whose rows all come before (the append path) or none.
  const minute = f(100, "BUY", "1", "100", { time: T, source: "archive" });
  const second = f(100, "BUY", "1", "100", { time: T + 10_000, source: "archive" });
  const between = f(60, "SELL", "2", "3000", { time: T + 5_000, symbol: "ETHUSDT" });
  const earlier = f(10, "BUY", "2", "3000", { time: T - 86_400_000, symbol: "ETHUSDT" });
  for (
    const [name, file] of [["after the file's rows", [earlier]], ["no file", undefined]] as const
  ) {
    await t.step(name, async () => {
      await using dir = await tempDir();
      const path = `${dir.path}/futures_fills.csv`;
      if (file !== undefined) await writeFillsFile(path, file);
      const done = await addFills(path, [minute, between, second]);
      assert.deepEqual(shown((await readFillsFile(path)).fills), [
        ...shown(file ?? []),
        "ETHUSDT#60@5000/api",
        "BTCUSDT#100@10000/archive",
      ]);
      assert.equal(done.added.length, 2);
    });
  }
  await t.step("next to each other: the later too", async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/futures_fills.csv`;
    await addFills(path, [second, minute]);
    assert.deepEqual(shown((await readFillsFile(path)).fills), ["BTCUSDT#100@10000/archive"]);
  });
});

Deno.test("one export's row without an id and its equal row with one are two fills", async () => {
  // Two fills of one order, one second, same size: the export lost one id (a spreadsheet rounded
  // it), so it was given a made one. Both are new, from one export: they do not stand for each
  // other (an export's row with an id stands for another export's row without one).
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const made = { ...exported, id: "91735732800000000000" };
  await addFills(path, [made, exported]);
  assert.deepEqual(shown((await readFillsFile(path)).fills), [
    "BTCUSDT#100@0/archive",
    "BTCUSDT#91735732800000000000@0/archive",
  ]);
});

Deno.test("a download's row replacing the file's row of its id still stands for a row without one", async () => {
  // The file holds trade 100 from an export saved to the minute (T) and the same fill from an
  // export without ids (to the second, T+10 s: a made id). A bulk download gives trade 100 at
  // T+10.3 s: it replaces the minute's row (same id) and stands for the made one (another export).
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const made = { ...exported, id: "91735732810000000000", time: T + 10_000 };
  await writeFillsFile(path, [exported, made]);
  await addFills(path, [{ ...exported, time: T + 10_300 }]);
  assert.deepEqual(shown((await readFillsFile(path)).fills), ["BTCUSDT#100@10300/archive"]);
});
