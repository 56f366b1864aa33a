/**
 * Funding one sync attached to the position open then, and fills dated before that funding that
 * only a later sync fetches: the funding goes where a full rebuild puts it.
 */
import assert from "node:assert/strict";
import type { IncomeRecord } from "../src/income.ts";
import { runSync } from "../src/sync.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("a fill before funding already attached: the funding moves to its position", async () => {
  await using dir = await tempDir();
  const H = 3_600_000;
  const T = Date.UTC(2026, 2, 2, 1);
  // P1: BUY 1 at 01:00 (fee 0.04), closed by a SELL at 02:00 at 100 — no fee, no P&L, so no
  // income record. P2: BUY 1 at 02:00:01, no fee; funding −0.5 at 03:00 is P2's; P2 closes at
  // 05:00 at 110 (P&L 10, fee 0.044). The sync at 04:00 sees neither 02:00 fill (Binance's
  // position, 1, is the ledger's), so it gives the funding to P1.
  const fills = [
    f(1, "BUY", "1", "100", { time: T, commission: "0.04" }),
    f(2, "SELL", "1", "100", { time: T + H }),
    f(3, "BUY", "1", "100", { time: T + H + 1000 }),
    f(4, "SELL", "1", "110", { time: T + 4 * H, commission: "0.044", realizedPnl: "10" }),
  ];
  const funding: IncomeRecord = {
    market: "usdm",
    time: T + 2 * H,
    symbol: "BTCUSDT",
    incomeType: "FUNDING_FEE",
    income: "-0.5",
    asset: "USDT",
    info: "",
    tranId: "900001",
    tradeId: "",
  };
  const account = accountOfFills(fills, [funding]);
  for (const now of [T + H / 2, T + 3 * H, T + 5 * H]) {
    await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", now));
  }
  const synced = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  // funding, net_pnl: P1 0 and −0.04; P2 −0.5 and 10 − 0.044 − 0.5 = 9.456.
  assert.deepEqual(
    synced.trim().split("\n").slice(1).map((row) => row.split(",").slice(-2).join()),
    ["0,-0.04", "-0.5,9.456"],
  );
  const full = await runCli({ cwd: dir.path }, "positions", "--out", "full.csv");
  assert.equal(full.code, 0, full.stderr);
  assert.equal(synced, await Deno.readTextFile(`${dir.path}/full.csv`));
});
