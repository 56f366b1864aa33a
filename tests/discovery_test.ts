/**
 * Discovery's evidence of when a new symbol's fills begin: its earliest income record, less a
 * margin, except a delivery settlement's, which may close a position opened months before with
 * no record in between (a quarterly pays no funding; a maker fill may pay no fee).
 */
import assert from "node:assert/strict";
import type { IncomeRecord } from "../src/income.ts";
import { planSymbols } from "../src/sync/discovery.ts";

const T = Date.UTC(2026, 2, 27, 8);

function record(symbol: string, incomeType: string, time: number): IncomeRecord {
  return {
    market: "usdm",
    time,
    symbol,
    incomeType,
    income: "1",
    asset: "USDT",
    info: "",
    tranId: `${time}`,
    tradeId: "",
  };
}

Deno.test("a symbol seen only through its delivery settlement is fetched from the oldest time", () => {
  const none = new Map<string, string>();
  const plan = planSymbols({
    known: new Set(),
    income: [
      record("ETHUSDT_260327", "DELIVERED_SETTELMENT", T),
      record("BTCUSDT", "FUNDING_FEE", T - 3_600_000),
      record("BTCUSDT", "DELIVERED_SETTELMENT", T),
    ],
    exchangePositions: none,
    ledgerPositions: none,
    checkedPositions: none,
    walk: new Map(),
    only: undefined,
  });
  assert.deepEqual(plan.map((p) => [p.symbol, p.firstEvidence]), [
    ["BTCUSDT", T - 3_600_000],
    ["ETHUSDT_260327", undefined],
  ]);
});
