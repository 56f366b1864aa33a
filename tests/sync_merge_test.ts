/**
 * Adding fetched fills and income records to the files' own: each record once, by its key —
 * market, symbol and trade id for fills; market, type and transaction id for income — whatever
 * else shares a part of that key.
 */
import assert from "node:assert/strict";
import { fillKey } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { mergeFills, mergeIncome } from "../src/sync/merge.ts";
import { f } from "./support/fills.ts";

const coinm = { market: "coinm" as const, marginAsset: "BTC", commissionAsset: "BTC" };

Deno.test("merging fetched fills into the file's", async (t) => {
  await t.step("one symbol and trade id on both markets are two fills", () => {
    // Trade ids are unique per market and symbol only: USDⓈ-M BTCUSD_PERP #7 and COIN-M
    // BTCUSD_PERP #7 are different fills, whether they arrive together or one is on file.
    const usdm = f(7, "BUY", "1", "100", { symbol: "BTCUSD_PERP" });
    const coin = f(7, "SELL", "3", "101", { symbol: "BTCUSD_PERP", ...coinm });
    assert.notEqual(fillKey(usdm), fillKey(coin));
    assert.deepEqual(mergeFills([], [usdm, coin]).added, [coin, usdm]); // file order: coinm first
    assert.deepEqual(mergeFills([usdm], [coin]).fills, [coin, usdm]);
    assert.deepEqual(mergeFills([usdm, coin], [coin, usdm]).added, []);
  });

  await t.step("a fill fetched twice in one run is added once", () => {
    const a = f(8, "BUY", "1", "100");
    const b = f(9, "SELL", "1", "100");
    const merged = mergeFills([a], [b, a, b, { ...b }]);
    assert.deepEqual(merged.added, [b]);
    assert.deepEqual(merged.fills, [a, b]);
  });
});

Deno.test("merging fetched income into the file's", () => {
  // A fill's COMMISSION and REALIZED_PNL records may share a tranId (unique within a type only),
  // and the other market's records may reuse it too: four records, none a repeat.
  const record = (market: "usdm" | "coinm", incomeType: string): IncomeRecord => ({
    market,
    time: Date.UTC(2025, 0, 1),
    symbol: "BTCUSDT",
    incomeType,
    income: "-0.1",
    asset: "USDT",
    info: "",
    tranId: "123",
    tradeId: "7",
  });
  const four = [
    record("usdm", "COMMISSION"),
    record("usdm", "REALIZED_PNL"),
    record("coinm", "COMMISSION"),
    record("coinm", "REALIZED_PNL"),
  ];
  assert.equal(mergeIncome([], four).added.length, 4);
  assert.equal(mergeIncome(four.slice(0, 1), four).added.length, 3);
  assert.equal(mergeIncome(four, [...four, ...four]).added.length, 0);
});
