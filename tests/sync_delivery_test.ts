/**
 * A quarterly contract held into its delivery, end to end: a sync that finds the position open,
 * then a sync after the delivery that receives the DELIVERED_SETTELMENT record (the books cached
 * open are continued over it), must leave the files one sync after the delivery leaves; the
 * `positions` command must rebuild the same positions file; and `export` must count the
 * settlement once, in the closed position.
 */
import assert from "node:assert/strict";
import type { IncomeRecord } from "../src/income.ts";
import { readPositionsFile } from "../src/storage/positions_file.ts";
import type { SyncClient } from "../src/sync.ts";
import { HISTORY_START } from "./support/binance_history.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import {
  accountOfFills,
  type MemoryAccount,
  memoryClient,
  syncInProcess,
} from "./support/memory_exchange.ts";
import { snapshot, tempDir } from "./support/sync.ts";

const QUARTERLY = "ETHUSDT_260327";
/** A quarterly held in hedge mode. */
const HEDGED = "BTCUSDT_260327";
/** Its delivery: 08:00 UTC on 2026-03-27. */
const DELIVERY = Date.UTC(2026, 2, 27, 8);

/**
 * Binance at `now`: the memory exchange's view, except that after the delivery the quarterly is
 * gone from the open positions (the memory exchange models no delivery).
 */
function client(account: MemoryAccount, now: number): SyncClient {
  const inner = memoryClient(account, "usdm", now);
  return {
    ...inner,
    positionRisk: async () =>
      (await inner.positionRisk()).filter((row) =>
        now < DELIVERY || (row.symbol !== QUARTERLY && row.symbol !== HEDGED)
      ),
  };
}

Deno.test("a position held into delivery: synced before and after it, rebuilt, exported", async () => {
  // BUY 2 ETHUSDT_260327 @2000 (fee 1.6) and a BTCUSDT round trip (P&L 1, fees 0.04 each);
  // delivered at 2000 − 3 = 1997: DELIVERED_SETTELMENT 2 × (−3) = −6.
  // The quarterly's position: CLOSED at the delivery, exit_qty 2, realized −6, net −6 − 1.6 = −7.6.
  // BTCUSDT_260327, hedge LONG: BUY 1 @80000 (fee 0.8), delivered for +5: CLOSED, realized 5.
  const T0 = HISTORY_START;
  const fills = [
    f(10, "BUY", "2", "2000", { symbol: QUARTERLY, time: T0 + 60_000, commission: "1.6" }),
    f(11, "BUY", "1", "80000", {
      symbol: HEDGED,
      time: T0 + 90_000,
      positionSide: "LONG",
      commission: "0.8",
    }),
    f(20, "BUY", "1", "100", { time: T0 + 120_000, commission: "0.04" }),
    f(21, "SELL", "1", "101", { time: T0 + 180_000, commission: "0.04", realizedPnl: "1" }),
  ];
  const settlement: IncomeRecord = {
    market: "usdm",
    time: DELIVERY,
    symbol: QUARTERLY,
    incomeType: "DELIVERED_SETTELMENT",
    income: "-6",
    asset: "USDT",
    info: "DELIVERED_SETTELMENT",
    tranId: "880000000001",
    tradeId: "",
  };
  const hedged = { ...settlement, symbol: HEDGED, income: "5", tranId: "880000000002" };
  const account = accountOfFills(fills, [settlement, hedged]);
  const after = DELIVERY + 3_600_000;

  await using once = await tempDir();
  await syncInProcess(once.path, "usdm", client(account, after));
  await using twice = await tempDir();
  await syncInProcess(twice.path, "usdm", client(account, T0 + 3_600_000));
  const open = await readPositionsFile(`${twice.path}/futures_positions.csv`);
  assert.deepEqual(open.positions.map((p) => [p.symbol, p.status]), [
    [QUARTERLY, "OPEN"],
    [HEDGED, "OPEN"],
    ["BTCUSDT", "CLOSED"],
  ]);
  await syncInProcess(twice.path, "usdm", client(account, after));
  assert.deepEqual(await snapshot(twice.path), await snapshot(once.path), "two syncs = one");

  const { positions } = await readPositionsFile(`${twice.path}/futures_positions.csv`);
  const delivered = positions.find((p) => p.symbol === QUARTERLY);
  assert.deepEqual(
    [
      delivered?.status,
      delivered?.closeTime,
      delivered?.exitQty.toString(),
      delivered?.exitVwap,
      delivered?.realizedPnl.toString(),
      delivered?.netPnl?.toString(),
      delivered?.closeTradeId,
    ],
    ["CLOSED", DELIVERY, "2", undefined, "-6", "-7.6", ""],
  );
  const long = positions.find((p) => p.symbol === HEDGED);
  assert.deepEqual([long?.status, long?.realizedPnl.toString()], ["CLOSED", "5"]);

  const rebuilt = await runCli({ cwd: twice.path }, "positions", "--out", "rebuilt.csv");
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.equal(
    await Deno.readTextFile(`${twice.path}/rebuilt.csv`),
    await Deno.readTextFile(`${twice.path}/futures_positions.csv`),
    "positions rebuilds what the syncs wrote",
  );

  // Export: the quarterly's realized −6 and fee 1.6 at the delivery, the hedged one's +5 and
  // 0.8, BTCUSDT's 1 and 0.08; no settlement row. USDT: −6 − 1.6 + 5 − 0.8 + 1 − 0.08 = −2.48
  // over 6 rows.
  const exported = await runCli({ cwd: twice.path }, "export", "koinly", "--out", "k.csv");
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /: 6 rows \(3 realized P&L, 3 commission, 0 funding\)/);
  assert.match(exported.stdout, / {2}USDT: -2\.48 /);
  const csv = await Deno.readTextFile(`${twice.path}/k.csv`);
  assert.doesNotMatch(csv, /delivered-settelment/);
  assert.match(csv, /,6,USDT,.*closed by delivery settlement .*: realized P&L",fl-usdm-/);
});

Deno.test("funding of the settlement's millisecond fetched after it: the symbol is rebuilt", async () => {
  // A delisted perpetual's settlement and its funding at the same time T: Binance shows the
  // funding a little after T (`settled`), the settlement at once, so a sync at T + 10 s takes the
  // settlement and closes the position; the next sync gets the funding. Continued, the books had
  // nothing open for it (attached to nothing); it belongs before the settlement, as one sync
  // after T attaches it. BUY 1 XYZUSDT @ 100, fee 0.04; funding −0.5 and settlement +3 at T:
  // CLOSED, realized 3, funding −0.5, net 3 − 0.04 − 0.5 = 2.46.
  const T0 = HISTORY_START;
  const T = T0 + 8 * 3_600_000;
  const fills = [
    f(10, "BUY", "1", "100", { symbol: "XYZUSDT", time: T0 + 60_000, commission: "0.04" }),
  ];
  const base = { market: "usdm", time: T, symbol: "XYZUSDT", asset: "USDT", tradeId: "" } as const;
  const income: IncomeRecord[] = [
    { ...base, incomeType: "FUNDING_FEE", income: "-0.5", info: "", tranId: "770000000001" },
    { ...base, incomeType: "DELIVERED_SETTELMENT", income: "3", info: "", tranId: "880000000001" },
  ];
  const account = accountOfFills(fills, income);
  const after = T + 3_600_000;
  await using once = await tempDir();
  await syncInProcess(once.path, "usdm", memoryClient(account, "usdm", after));
  await using twice = await tempDir();
  await syncInProcess(twice.path, "usdm", memoryClient(account, "usdm", T + 10_000));
  await syncInProcess(twice.path, "usdm", memoryClient(account, "usdm", after));
  const [position] = (await readPositionsFile(`${twice.path}/futures_positions.csv`)).positions;
  assert.deepEqual(
    [position?.status, `${position?.funding}`, `${position?.netPnl}`],
    ["CLOSED", "-0.5", "2.46"],
  );
  assert.deepEqual(await snapshot(twice.path), await snapshot(once.path), "two syncs = one");
});
