/**
 * A sync of a narrower scope leaves nothing behind. `sync --symbols`: only the symbols asked for
 * are queried, and the income history and Binance's positions that point to the others are left
 * for the next sync to find, as if this one had not run: a plain sync after it fetches every fill,
 * and the positions are a full rebuild's. `sync --from` a date after the last sync: what came
 * between is fetched all the same.
 */
import assert from "node:assert/strict";
import type { Fill } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { runSync } from "../src/sync.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

const T0 = Date.UTC(2026, 2, 2, 7);
const HOUR = 3_600_000;

/** A fill of `symbol` at `time`. */
const fill = (id: number, symbol: string, time: number, side: "BUY" | "SELL", extra = {}): Fill =>
  f(id, side, "1", side === "BUY" ? "100" : "101", { symbol, time, ...extra });

Deno.test("a sync of some symbols leaves the others' activity for the next sync", async () => {
  await using dir = await tempDir();
  // BTCUSDT: long from 07:00, closed and opened again at 08:00, funding at 09:00, closed at 11:00.
  // ETHUSDT: a round trip from 07:00 to 09:30.
  const fills = [
    fill(1001, "BTCUSDT", T0, "BUY"),
    fill(1002, "ETHUSDT", T0 + 1000, "BUY"),
    fill(1003, "BTCUSDT", T0 + HOUR, "SELL", { realizedPnl: "1" }),
    fill(1004, "BTCUSDT", T0 + HOUR + 1000, "BUY"),
    fill(1005, "ETHUSDT", T0 + 2.5 * HOUR, "SELL", { realizedPnl: "1" }),
    fill(1006, "BTCUSDT", T0 + 4 * HOUR, "SELL", { realizedPnl: "1" }),
  ];
  const funding: IncomeRecord = {
    market: "usdm",
    time: T0 + 2 * HOUR,
    symbol: "BTCUSDT",
    incomeType: "FUNDING_FEE",
    income: "-0.5",
    asset: "USDT",
    info: "",
    tranId: "990000001",
    tradeId: "",
  };
  const account = accountOfFills(fills, [funding]);
  const sync = (now: number, symbols?: string[]) =>
    runSync({ dir: dir.path, market: "usdm", symbols }, memoryClient(account, "usdm", now));

  await sync(T0 + 40 * 60_000);
  // At 10:00, ETHUSDT only: BTCUSDT's fills of 08:00 and its funding are not fetched.
  const some = await sync(T0 + 3 * HOUR, ["ETHUSDT"]);
  assert.deepEqual(some.plan.map((p) => p.symbol), ["ETHUSDT"]);
  assert.equal(some.incomeCheck, undefined, "no income check: the income is not in the file yet");
  // A plain sync at 10:30 finds them: the income history since the first sync points to BTCUSDT.
  const plain = await sync(T0 + 3.5 * HOUR);
  assert.ok(plain.plan.some((p) => p.symbol === "BTCUSDT"), "BTCUSDT is queried");
  const ids = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).split("\n")
    .slice(1, -1).map((line) => line.split(",")[9]);
  assert.deepEqual(ids, ["1001", "1002", "1003", "1004", "1005"]);

  // The positions are a full rebuild's: the funding of 09:00 on the position opened at 08:00.
  await sync(T0 + 5 * HOUR);
  const full = await runCli({ cwd: dir.path }, "positions", "--out", "full.csv");
  assert.equal(full.code, 0, full.stderr);
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(positions, await Deno.readTextFile(`${dir.path}/full.csv`));
  const btc = positions.split("\n").filter((line) => line.includes(",BTCUSDT,"));
  assert.equal(btc.length, 2);
  assert.match(at(btc, 1), /,-0\.5,/, "the second BTCUSDT position has the funding");
});

Deno.test("sync --from a date after the last sync still fetches what came between", async () => {
  // ETHUSDT trades two days after the last sync; a sync --from ten days after it must not skip
  // those fills (its watermark would move past them for good).
  await using dir = await tempDir();
  const DAY = 86_400_000;
  const T1 = Date.UTC(2025, 1, 1);
  const fills = [
    fill(1, "ETHUSDT", T1 - DAY, "BUY", { commission: "0.01" }),
    fill(2, "ETHUSDT", T1 - DAY + 1000, "SELL", { commission: "0.01" }),
    fill(3, "ETHUSDT", T1 + 2 * DAY, "BUY", { commission: "0.01" }),
    fill(4, "ETHUSDT", T1 + 2 * DAY + 1000, "SELL", { commission: "0.01" }),
    fill(5, "BTCUSDT", T1 + 15 * DAY, "BUY", { commission: "0.01" }),
  ];
  const account = accountOfFills(fills);
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T1));
  await runSync(
    { dir: dir.path, market: "usdm", from: T1 + 10 * DAY },
    memoryClient(account, "usdm", T1 + 20 * DAY),
  );
  const ids = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).split("\n")
    .slice(1, -1).map((line) => line.split(",")[9]);
  assert.deepEqual(ids, ["1", "2", "3", "4", "5"]);
  // And the income history between: each fill's commission.
  const income = (await Deno.readTextFile(`${dir.path}/futures_income.csv`)).split("\n");
  assert.equal(income.filter((line) => line.includes(",COMMISSION,")).length, 5);
});
