/**
 * Random ledger histories that Binance could have produced, for property tests: realized P&L only
 * where a fill closes something, books that may start mid-position, funding between fills,
 * anchors right, stale or wrong, and now and then a fill out of order or twice; and in about half
 * of them one symbol delisted part-way (`src/ledger/settlement.ts`): no fill of it after
 * its delivery time, a DELIVERED_SETTELMENT record then per book still held (the P&L of closing
 * it at the settlement price), funding of it up to that very millisecond, and Binance's
 * positions after it no longer listing the symbol.
 *
 * @module
 */

import fc from "fast-check";
import { Decimal } from "../../src/decimal.ts";
import type { Fill } from "../../src/fill.ts";
import { type IncomeRecord, SETTLEMENT } from "../../src/income.ts";
import type { PositionSnapshot } from "../../src/ledger/anchor.ts";
import type { LedgerInputs } from "../../src/ledger/ledger_stream.ts";
import { f } from "./fills.ts";
import { at } from "./indexed.ts";

/** The histories begin 10 s after this. */
export const T0 = Date.UTC(2025, 0, 1);
const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
/** Signed holdings of one symbol's books: BOTH, LONG, SHORT. */
type Books = [both: number, long: number, short: number];

interface Step {
  symbol: number;
  hedgeSide: "LONG" | "SHORT";
  side: "BUY" | "SELL";
  qty: number;
  breakEven: boolean;
  gapMs: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  symbol: fc.nat(1),
  hedgeSide: fc.constantFrom("LONG", "SHORT"),
  side: fc.constantFrom("BUY", "SELL"),
  qty: fc.integer({ min: 1, max: 6 }),
  breakEven: fc.nat(4).map((n) => n === 0), // a close at exactly zero P&L, now and then
  gapMs: fc.constantFrom(0, 1, 1000),
});

/**
 * A symbol delisted before step `at` (or after the last), `gapMs` after the time then: every
 * position still held is settled at `price` (the fills are all at 100).
 */
const delivery = fc.record({
  symbol: fc.nat(1),
  at: fc.nat(12), // the steps are some 0–10 long
  gapMs: fc.constantFrom(1, 1000),
  price: fc.integer({ min: 95, max: 105 }).filter((n) => n !== 100),
});

/** A random history (see the module doc). */
export const scenario = fc.record({
  hedge: fc.tuple(fc.boolean(), fc.boolean()), // per symbol: hedge mode, else one-way
  // What each book held before the data: often nothing.
  held: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -4, max: 4 })), {
    minLength: 6,
    maxLength: 6,
  }),
  steps: fc.array(step, { maxLength: 40 }),
  funding: fc.array(fc.record({ at: fc.nat(40), income: fc.integer({ min: -9, max: 9 }) }), {
    maxLength: 6,
  }),
  knownFrom: fc.constantFrom("start", "late", "none"),
  anchor: fc.constantFrom("none", "exact", "stale", "wrong"),
  disorder: fc.constantFrom("none", "none", "swap", "duplicate"),
  delivery: fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: delivery },
  ),
});

/** One random history. */
export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The fills and inputs of a scenario: Binance's view of trading that began before the data. */
export function account(s: Scenario): { fills: Fill[]; inputs: LedgerInputs } {
  // Signed holdings per book: [symbol][BOTH, LONG, SHORT]; hedge books hold ≥ 0.
  const held = SYMBOLS.map((_, i): Books => {
    const [both, long, short] = [at(s.held, 3 * i), at(s.held, 3 * i + 1), at(s.held, 3 * i + 2)];
    return s.hedge[i] ? [0, Math.abs(long), Math.abs(short)] : [both, 0, 0];
  });
  const fills: Fill[] = [];
  let time = T0 + 10_000;
  const d = s.delivery;
  const settlements: IncomeRecord[] = [];
  let delivered: { time: number; held: Books } | undefined;
  // Binance's delivery: each book still held is closed at the settlement price, no fill; its P&L
  // is a DELIVERED_SETTELMENT record (https://www.binance.com/en/support/articles/dd60dfbf654d4055aa6b217ea6d5ddba).
  const deliver = (delivery: NonNullable<Scenario["delivery"]>) => {
    const books = at(held, delivery.symbol);
    delivered = { time: time + delivery.gapMs, held: [...books] };
    books.forEach((h, b) => {
      if (h === 0) return;
      const sign = b === 2 ? -1 : Math.sign(h); // hedge SHORT books hold a positive quantity
      settlements.push({
        market: "usdm",
        time: time + delivery.gapMs,
        symbol: at(SYMBOLS, delivery.symbol),
        incomeType: SETTLEMENT,
        income: String(sign * Math.abs(h) * (delivery.price - 100)),
        asset: "USDT",
        info: "",
        tranId: String(700 + b),
        tradeId: "",
      });
      books[b] = 0;
    });
  };
  s.steps.forEach((st, k) => {
    if (d !== null && k === d.at) deliver(d);
    time += st.gapMs;
    if (delivered !== undefined && st.symbol === d?.symbol) return; // the contract is gone
    const symbol = at(SYMBOLS, st.symbol);
    const hedge = s.hedge[st.symbol];
    const book = hedge ? (st.hedgeSide === "LONG" ? 1 : 2) : 0;
    const books = at(held, st.symbol);
    const holding = books[book];
    let qty = st.qty;
    let closes: number; // quantity closed by this fill
    if (hedge) {
      const opens = (st.hedgeSide === "LONG") === (st.side === "BUY");
      if (!opens) qty = Math.min(qty, holding);
      if (qty === 0) return; // nothing to close: no such fill
      closes = opens ? 0 : qty;
      books[book] += opens ? qty : -qty;
    } else {
      const delta = st.side === "BUY" ? qty : -qty;
      closes = Math.sign(delta) === -Math.sign(holding) ? Math.min(qty, Math.abs(holding)) : 0;
      books[book] += delta;
    }
    const realizedPnl = closes === 0 || st.breakEven ? "0" : `${closes}.5`;
    fills.push(f(1000 + k, st.side, String(qty), "100", {
      symbol,
      positionSide: hedge ? st.hedgeSide : "BOTH",
      time,
      realizedPnl,
      commission: "0.01",
    }));
  });
  if (d !== null && delivered === undefined) deliver(d);
  if (s.disorder === "swap" && fills.length > 2) {
    [fills[0], fills[fills.length - 1]] = [at(fills, fills.length - 1), at(fills, 0)];
  }
  if (s.disorder === "duplicate" && fills.length > 1) fills.push(at(fills, 1));

  // A delisted symbol's funding ends at its delivery: some of it in that very millisecond.
  const fundedUntil = (i: number) => (i === d?.symbol ? delivered?.time : undefined) ?? Infinity;
  const income: IncomeRecord[] = s.funding.map((r, i) => ({
    market: "usdm",
    time: Math.min(T0 + 10_000 + r.at * 700, fundedUntil(i % 2)),
    symbol: at(SYMBOLS, i % 2),
    incomeType: "FUNDING_FEE",
    income: String(r.income),
    asset: "USDT",
    info: "",
    tranId: String(500 + i),
    tradeId: "",
  }));
  const from = s.knownFrom === "start" ? T0 : T0 + 10_000 + 14_000;
  income.push(...settlements, { ...TRANSFER, time: from });

  const last = fills.reduce((t, x) => Math.max(t, x.time), T0);
  const snapshots: PositionSnapshot[] = [];
  if (s.anchor !== "none") {
    const time = s.anchor === "stale" ? last - 1 : last + 1;
    const amounts = new Map<string, Decimal>();
    SYMBOLS.forEach((symbol, i) => {
      const sides = [["BOTH", 0], ["LONG", 1], ["SHORT", 2]] as const;
      // A delivered symbol: held until its delivery, then no longer listed at all.
      const gone = i === d?.symbol && delivered !== undefined && time >= delivered.time;
      if (gone) return;
      const books = i === d?.symbol && delivered !== undefined ? delivered.held : at(held, i);
      for (const [side, b] of sides) {
        let amount = books[b] * (side === "SHORT" ? -1 : 1);
        if (s.anchor === "wrong") amount += 1;
        if (amount !== 0) amounts.set(`${symbol}|${side}`, new Decimal(amount, 0));
      }
    });
    snapshots.push({ market: "usdm", time, amounts });
  }
  return {
    fills,
    inputs: { snapshots, income: s.knownFrom === "none" ? undefined : income },
  };
}

const TRANSFER: IncomeRecord = {
  market: "usdm",
  time: T0,
  symbol: "",
  incomeType: "TRANSFER",
  income: "100",
  asset: "USDT",
  info: "",
  tranId: "1",
  tradeId: "",
};
