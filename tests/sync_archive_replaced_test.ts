/**
 * A fill imported from an export (its time to the second, as Binance's exports print it) and
 * fetched again later from the API (with its millisecond) is one row, the API's: the position
 * built from the export's row is built again, as a full rebuild builds it.
 */
import assert from "node:assert/strict";
import { runSync } from "../src/sync.ts";
import { madeId } from "../src/fill.ts";
import { commitOutcome } from "../src/sync/commit.ts";
import { readLocal } from "../src/sync/local.ts";
import { tradeIncome } from "./support/binance_views.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("an export's fill replaced by the API's: its position is built again", async () => {
  await using dir = await tempDir();
  const T0 = Date.UTC(2026, 2, 2, 7);
  const HOUR = 3_600_000;
  // With fees: the income history covers every fill, so the later sync goes on from the books.
  const fee = { commission: "0.01" };
  const fills = [
    f(1, "BUY", "1", "10", { symbol: "ETHUSDT", time: T0 - HOUR, ...fee }),
    f(2, "BUY", "1", "100", { time: T0 + 123, ...fee }),
    f(3, "SELL", "1", "101", { time: T0 + HOUR, realizedPnl: "1", ...fee }),
  ];
  const account = accountOfFills(fills);
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 - HOUR / 2));
  // What `import` writes for an export holding BTCUSDT's first fill: its id, its time to the
  // second.
  const local = await readLocal(dir.path, "usdm", false);
  await commitOutcome(local, {
    market: "usdm",
    fills: [{ ...at(fills, 1), time: T0, source: "archive" }],
    income: [],
    prices: [],
    checked: undefined,
    cutoffMs: T0,
    unpriced: new Set(),
  });
  // The API's row replaces it, with its millisecond.
  await runSync(
    { dir: dir.path, market: "usdm", full: true },
    memoryClient(account, "usdm", T0 + 2 * HOUR),
  );
  const rows = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).split("\n");
  assert.ok(rows.some((row) => row.startsWith("2026-03-02T07:00:00.123Z,BTCUSDT,")));
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.match(positions, /^CLOSED,BTCUSDT,LONG,2026-03-02T07:00:00\.123Z,/m);
  const full = await runCli({ cwd: dir.path }, "positions", "--out", "full.csv");
  assert.equal(full.code, 0, full.stderr);
  assert.equal(positions, await Deno.readTextFile(`${dir.path}/full.csv`));
});

Deno.test("the first income record replaced by the API's: the history begins where it now does", async () => {
  // An import: January fills of ETHUSDT, and an income export whose first row is BTCUSDT's fee
  // at 07:00:27 (to the second, no id). The sync fetches the API's row of it (07:00:27.123),
  // which replaces it: the income history now begins 123 ms later, so SOLUSDT's position,
  // opened at 07:00:27.050 (a maker fill without a fee), opened before it: its net_pnl is empty.
  await using dir = await tempDir();
  const T0 = Date.UTC(2026, 2, 2, 7);
  const JAN = Date.UTC(2026, 0, 10, 9);
  const HOUR = 3_600_000;
  const api = [
    f(5_000_001, "BUY", "1", "100", { time: T0 + 27_123, commission: "0.04" }),
    f(5_000_000, "BUY", "10", "150", { symbol: "SOLUSDT", time: T0 + 27_050 }),
  ];
  const account = accountOfFills(api);
  const eth = { symbol: "ETHUSDT", source: "archive" as const };
  const fee = at(tradeIncome(api.slice(0, 1)), 0);
  await commitOutcome(await readLocal(dir.path, "usdm", false), {
    market: "usdm",
    fills: [
      f(madeId(JAN, 0), "BUY", "2", "3000", { ...eth, time: JAN, commission: "1.2" }),
      f(madeId(JAN + HOUR, 0), "SELL", "2", "3100", {
        ...eth,
        time: JAN + HOUR,
        commission: "1.24",
        realizedPnl: "200",
      }),
    ],
    income: [{
      ...fee,
      time: T0 + 27_000,
      tranId: madeId(T0 + 27_000, 0),
      tradeId: "",
      source: "archive",
    }],
    prices: [],
    checked: undefined,
    cutoffMs: T0,
    unpriced: new Set(),
  });
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 + 2 * HOUR));
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.match(positions, /^OPEN,SOLUSDT,.*funding before 2026-03-02T07:00:27\.123Z .*,0,0,$/m);
  const full = await runCli({ cwd: dir.path }, "positions", "--out", "full.csv");
  assert.equal(full.code, 0, full.stderr);
  assert.equal(positions, await Deno.readTextFile(`${dir.path}/full.csv`));
});
