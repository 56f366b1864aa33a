/**
 * Pairing archive rows with API fills: by trade id, or by (market, symbol, time at the archive's
 * precision, side, price, quantity), one to one; what is left inside and outside the API period.
 */

import assert from "node:assert/strict";
import { type ApiFillLike, type ArchiveTrade, matchArchiveTrades } from "../src/archive/mod.ts";
import { archiveRows } from "../src/archive/to_rows.ts";
import { at } from "./support/indexed.ts";

const T = Date.UTC(2026, 2, 1, 12, 0, 0);

function archive(time: number, extra: Partial<ArchiveTrade> = {}): ArchiveTrade {
  return {
    market: "usdm",
    symbol: "ETHUSDT",
    time,
    side: "SELL",
    price: "3100.5",
    qty: "0.500",
    commission: "0.1",
    commissionAsset: "USDT",
    realizedPnl: "0",
    source: "a.csv",
    line: 2,
    ...extra,
  };
}

function fill(id: string, time: number, extra: Partial<ApiFillLike> = {}): ApiFillLike {
  return {
    market: "usdm",
    symbol: "ETHUSDT",
    id,
    time,
    side: "SELL",
    price: "3100.50",
    qty: "0.5",
    ...extra,
  };
}

const PERIOD = { apiFrom: T - 60_000, apiTo: T + 60_000 };

Deno.test("identical rows of one order pair one to one, in time and id order", () => {
  const rows = [archive(T, { line: 5 }), archive(T, { line: 4 })];
  const fills = [fill("12", T + 300), fill("10", T + 100), fill("11", T + 200)];
  const r = matchArchiveTrades(rows, fills, PERIOD);
  assert.deepEqual(r.matched.map((m) => [m.archive.line, m.api.id]), [[4, "10"], [5, "11"]]);
  assert.deepEqual([r.archiveOnly, r.unmatchedInApiPeriod], [[], []]);
});

Deno.test("times compare at the archive's precision (truncated to the second)", () => {
  const r = matchArchiveTrades(
    [archive(T), archive(T + 1000, { line: 3 })],
    [fill("1", T + 999), fill("2", T + 2000)],
    PERIOD,
  );
  assert.deepEqual(r.matched.map((m) => m.api.id), ["1"]);
  assert.deepEqual(r.unmatchedInApiPeriod.map((a) => a.line), [3]);
  // To the millisecond, 999 ms apart is another fill.
  const exact = matchArchiveTrades([archive(T)], [fill("1", T + 999)], {
    ...PERIOD,
    precisionMs: 1,
  });
  assert.equal(exact.matched.length, 0);
});

Deno.test("side, price, quantity, symbol and market must agree", () => {
  const others = [
    fill("1", T, { side: "BUY" }),
    fill("2", T, { price: "3100.6" }),
    fill("3", T, { qty: "0.51" }),
    fill("4", T, { symbol: "ETHUSDC" }),
    fill("5", T, { market: "coinm" }),
  ];
  assert.equal(matchArchiveTrades([archive(T)], others, PERIOD).matched.length, 0);
});

Deno.test("left-over rows: before the API period they are new; inside, reported", () => {
  const r = matchArchiveTrades(
    [
      archive(PERIOD.apiFrom - 5_000, { line: 2 }), // before: only the archive has it
      archive(PERIOD.apiFrom - 500, { line: 3 }), // its second straddles the start: inside
      archive(T, { line: 4 }), // inside, no fill: reported
    ],
    [],
    PERIOD,
  );
  assert.deepEqual(r.archiveOnly.map((a) => a.line), [2]);
  assert.deepEqual(r.unmatchedInApiPeriod.map((a) => a.line), [3, 4]);
});

Deno.test("rows with a trade id pair by id only", () => {
  const r = matchArchiveTrades(
    [archive(T, { id: "9", line: 2 }), archive(T, { id: "8", line: 3 })],
    [fill("9", T + 5_000), fill("7", T)],
    PERIOD,
  );
  assert.deepEqual(r.matched.map((m) => [m.archive.line, m.api.id]), [[2, "9"]]);
  assert.deepEqual(r.unmatchedInApiPeriod.map((a) => a.line), [3]);
});

Deno.test("equal-looking rows pair with the fill of their own P&L and fee first", () => {
  // Two orders filled 0.5 at 3100.5 in one second: one closed (P&L 10), one opened.
  const rows = [
    archive(T, { realizedPnl: "10.00", line: 2 }),
    archive(T, { realizedPnl: "0", line: 3 }),
  ];
  const fills = [
    fill("1", T + 10, { realizedPnl: "0", commission: "0.1" }),
    fill("2", T + 20, { realizedPnl: "10", commission: "0.10" }),
  ];
  const r = matchArchiveTrades(rows, fills, PERIOD);
  assert.deepEqual(r.matched.map((m) => [m.archive.line, m.api.id]).sort(), [[2, "2"], [3, "1"]]);
});

Deno.test("made ids follow the order rows happened in, for files listed newest first too", () => {
  // Three fills of one second without trade ids: a buy of 1 then sells of 1 and 2 (the last
  // flips the book). Listed oldest first, file order is their order; listed newest first (as
  // Binance's bulk download lists them), it is the reverse, and so must the made ids be.
  const rows = [
    archive(T, { side: "BUY", qty: "1" }),
    archive(T, { qty: "1" }),
    archive(T, { qty: "2" }),
    archive(T - 60_000, { side: "BUY", qty: "3" }),
  ];
  const context = { apiFills: [], apiIncome: [], modeOf: () => "one-way" as const };
  const contents = (trades: ArchiveTrade[]) => ({
    trades,
    income: [],
    files: [],
    notes: [],
  });
  const ordered = (trades: ArchiveTrade[]) =>
    archiveRows(contents(trades), context).fills.filter((f) => f.time === T)
      .sort((a, b) => (a.id < b.id ? -1 : 1)).map((f) => `${f.side} ${f.qty}`);
  const oldestFirst = [3, 0, 1, 2].map((k) => at(rows, k)).map((r, i) => ({ ...r, line: i + 2 }));
  assert.deepEqual(ordered(oldestFirst), ["BUY 1", "SELL 1", "SELL 2"]);
  const newestFirst = [2, 1, 0, 3].map((k) => at(rows, k)).map((r, i) => ({ ...r, line: i + 2 }));
  assert.deepEqual(ordered(newestFirst), ["BUY 1", "SELL 1", "SELL 2"]);
});
