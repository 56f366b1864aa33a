/**
 * Hand-worked cases, the numbers worked out in comments: the reference ledger
 * (`tests/support/reference_ledger.ts`) and `buildLedger` must both give them, every column of
 * the positions file must agree between the two, and so must the unattached funding. Then the
 * PARTIAL inference without an anchor, which the reference leaves out, by hand on `buildLedger`.
 */
import assert from "node:assert/strict";
import type { LedgerFill } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { bothLedgers, projectInputs } from "./support/both_ledgers.ts";
import { f } from "./support/fills.ts";
import { at as cellAt } from "./support/indexed.ts";
import { rows } from "./support/positions.ts";
import { POSITIONS_FILE_COLUMNS, positionsFileText } from "./support/positions_text.ts";
import {
  type ReferenceInputs,
  referenceLedger,
  type ReferenceSnapshot,
} from "./support/reference_ledger.ts";

const T0 = Date.UTC(2025, 0, 1);
const at = (second: number) => T0 + second * 1000;

/** A FUNDING_FEE record of BTCUSDT (USDT) at second `second` of 2025. */
function funding(second: number, income: string, extra: Partial<IncomeRecord> = {}): IncomeRecord {
  return {
    market: "usdm",
    time: at(second),
    symbol: "BTCUSDT",
    incomeType: "FUNDING_FEE",
    income,
    asset: "USDT",
    info: "",
    tranId: String(700 + second),
    tradeId: "",
    ...extra,
  };
}

/** The income history begins before every fill. */
const TRANSFER: IncomeRecord = {
  ...funding(0, "100"),
  symbol: "",
  incomeType: "TRANSFER",
  tranId: "1",
};

/** The reference's rows as column → text, like `rows()` gives the project's. */
function referenceRows(fills: readonly LedgerFill[], inputs: ReferenceInputs = {}) {
  const lines = positionsFileText(referenceLedger(fills, inputs).positions).trimEnd().split("\n");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(POSITIONS_FILE_COLUMNS.map((c, i) => [c, cellAt(cells, i)]));
  });
}

interface Case {
  readonly name: string;
  readonly fills: LedgerFill[];
  readonly inputs?: ReferenceInputs;
  /** Per position, in file order, the columns the case is about. */
  readonly expected: Record<string, string>[];
  readonly unattached?: string[];
}

const snapshot = (time: number, amounts: Record<string, string>): ReferenceSnapshot => ({
  market: "usdm",
  time,
  amounts: new Map(Object.entries(amounts)),
});

const CASES: Case[] = [
  {
    // BUY 2 @100 (fee 0.08); SELL 5 @90 (fee 0.18, P&L −20) closes 2 and opens a short of 3.
    // Closing part: 0.18 × 2/5 = 0.072 → LONG commission 0.08 + 0.072 = 0.152, P&L −20.
    // Opening part: 0.18 − 0.072 = 0.108 → SHORT entry 3 @90. The flip fill counts in both.
    name: "a one-way flip: commission pro rata by quantity, the rest to the opening part",
    fills: [
      f(1, "BUY", "2", "100", { commission: "0.08" }),
      f(2, "SELL", "5", "90", { commission: "0.18", realizedPnl: "-20" }),
    ],
    expected: [
      {
        status: "CLOSED",
        direction: "LONG",
        entry_qty: "2",
        entry_vwap: "100",
        exit_qty: "2",
        exit_vwap: "90",
        realizedPnl: "-20",
        commission: "0.152",
        net_pnl_after_fees: "-20.152",
        fills: "2",
        max_qty: "2",
        close_trade_id: "2",
      },
      {
        status: "OPEN",
        direction: "SHORT",
        entry_qty: "3",
        entry_vwap: "90",
        exit_qty: "0",
        exit_vwap: "",
        realizedPnl: "0",
        commission: "0.108",
        fills: "1",
        max_qty: "3",
        open_qty: "3",
        open_trade_id: "2",
      },
    ],
  },
  {
    // Flip fee 0.000000000005 over 2, closing 1: 0.0000000000025 → half-even at 12 places gives
    // 0.000000000002 (half-up would give …3); the opening part takes 0.000000000003.
    // Second flip: 0.000000000007 × 1/2 = 0.0000000000035 → 0.000000000004 (half-down: …3).
    name: "a flip's split commission is rounded half-to-even to 12 places",
    fills: [
      f(1, "BUY", "1", "100"),
      f(2, "SELL", "2", "100", { commission: "0.000000000005" }),
      f(3, "BUY", "2", "100", { commission: "0.000000000007" }),
    ],
    expected: [
      { direction: "LONG", commission: "0.000000000002" },
      { direction: "SHORT", commission: "0.000000000007" }, // 0.000000000003 + 0.000000000004
      { direction: "LONG", commission: "0.000000000003", open_qty: "1" },
    ],
  },
  {
    // A fee whose mantissa is past 2^53 takes the BigInt division: 1234567890123456.000000000005
    // × 1/2 = 617283945061728.0000000000025 → 617283945061728.000000000002 (half-even; half-up
    // …003); the opening part takes the rest, 617283945061728.000000000003.
    name: "a split beyond 2^53 is rounded half-to-even too",
    fills: [
      f(1, "BUY", "1", "100"),
      f(2, "SELL", "2", "100", { commission: "1234567890123456.000000000005" }),
    ],
    expected: [
      { direction: "LONG", commission: "617283945061728.000000000002" },
      { direction: "SHORT", commission: "617283945061728.000000000003" },
    ],
  },
  {
    // LONG: BUY 2 @100 → notional 200; SHORT: SELL 1 @300 → 300. Funding −1 at 3s:
    // LONG −1 × 200/500 = −0.4, SHORT the rest −0.6. Then SELL 1 LONG @110 (P&L 10) and funding
    // −0.5 at 5s: LONG 1 × 100 = 100, SHORT 300 → LONG −0.125, SHORT −0.375.
    name: "hedge: long and short open together share funding by notional at entry",
    fills: [
      f(1, "BUY", "2", "100", { positionSide: "LONG" }),
      f(2, "SELL", "1", "300", { positionSide: "SHORT" }),
      f(4, "SELL", "1", "110", { positionSide: "LONG", realizedPnl: "10" }),
    ],
    inputs: { income: [TRANSFER, funding(3, "-1"), funding(5, "-0.5")] },
    expected: [
      {
        position_side: "LONG",
        direction: "LONG",
        funding: "-0.525",
        net_pnl: "9.475",
        open_qty: "1",
      },
      { position_side: "SHORT", direction: "SHORT", funding: "-0.975", net_pnl: "-0.975" },
    ],
  },
  {
    // LONG 1 @100 and SHORT 2 @100: weights 100 and 200; −1 × 100/300 = −0.333…3 (12 places),
    // the SHORT the remainder −0.666666666667: the parts add up to −1 exactly.
    name: "hedge: the last funding part takes the remainder",
    fills: [
      f(1, "BUY", "1", "100", { positionSide: "LONG" }),
      f(2, "SELL", "2", "100", { positionSide: "SHORT" }),
    ],
    inputs: { income: [TRANSFER, funding(3, "-1")] },
    expected: [
      { position_side: "LONG", funding: "-0.333333333333" },
      { position_side: "SHORT", funding: "-0.666666666667" },
    ],
  },
  {
    // LONG 1 @100 and SHORT 1 @100: equal weights, funding 0.000000000001. Half of it is
    // 0.0000000000005, a tie that rounds to 0 (even); the SHORT takes the remainder,
    // 0.000000000001, so the parts still add up (rounding the last part too would give 0 + 0).
    name: "hedge: the last funding part is the remainder, even after a tie",
    fills: [
      f(1, "BUY", "1", "100", { positionSide: "LONG" }),
      f(2, "SELL", "1", "100", { positionSide: "SHORT" }),
    ],
    inputs: { income: [TRANSFER, funding(3, "0.000000000001")] },
    expected: [
      { position_side: "LONG", funding: "0" },
      { position_side: "SHORT", funding: "0.000000000001" },
    ],
  },
  {
    // BUY 1 at 1s; the close SELL 1 at 3s. Funding −0.2 at 3s — the close's millisecond — is
    // before the close, so the position takes it. Funding −0.3 at 4s finds the book flat, and
    // −0.4 at 5s with a BUY at 5s too: the BUY comes after it, so that one is unattached too.
    name: "a fill in the funding record's millisecond counts as after it",
    fills: [
      f(1, "BUY", "1", "100"),
      f(3, "SELL", "1", "100"),
      f(5, "BUY", "1", "100"),
    ],
    inputs: { income: [TRANSFER, funding(3, "-0.2"), funding(4, "-0.3"), funding(5, "-0.4")] },
    expected: [{ funding: "-0.2", status: "CLOSED" }, { funding: "0", status: "OPEN" }],
    unattached: ["704", "705"],
  },
  {
    // COIN-M, contracts: BUY 1 @100 and 1 @200 → entry 2 / (1/100 + 1/200) = 2 / 0.015 =
    // 133.333333333333; BUY 1 @3 and 1 @6 → 2 / (1/3 + 1/6) = 4 exactly.
    name: "COIN-M averages are harmonic means",
    fills: [
      f(1, "BUY", "1", "100", { market: "coinm", symbol: "BTCUSD_PERP", marginAsset: "BTC" }),
      f(2, "BUY", "1", "200", { market: "coinm", symbol: "BTCUSD_PERP", marginAsset: "BTC" }),
      f(3, "BUY", "1", "3", { market: "coinm", symbol: "ETHUSD_PERP", marginAsset: "ETH" }),
      f(4, "BUY", "1", "6", { market: "coinm", symbol: "ETHUSD_PERP", marginAsset: "ETH" }),
    ],
    expected: [
      { symbol: "BTCUSD_PERP", entry_vwap: "133.333333333333", margin_asset: "BTC" },
      { symbol: "ETHUSD_PERP", entry_vwap: "4", margin_asset: "ETH" },
    ],
  },
  {
    // COIN-M, a tie: SELL 1 @0.32259 and 1 @0.31741. Exactly, 2 / (1/0.32259 + 1/0.31741) =
    // 0.3199790371875, halfway between two 12-place values. The terms at 30 places, half-even:
    // 3.099910102607024396292507517282 + 3.150499354147632399735358054252 =
    // 6.250409456754656796027865571534; 2 / that = 0.31997903718749999999999999999997… →
    // 0.319979037187 (exact terms would round the tie to even: …188).
    name: "COIN-M averages divide by terms taken to 30 places",
    fills: [
      f(1, "SELL", "1", "0.32259", { market: "coinm", symbol: "ADAUSD_PERP", marginAsset: "ADA" }),
      f(2, "SELL", "1", "0.31741", { market: "coinm", symbol: "ADAUSD_PERP", marginAsset: "ADA" }),
    ],
    expected: [{ direction: "SHORT", entry_qty: "2", entry_vwap: "0.319979037187" }],
  },
  {
    // Fee 0.001 BNB at 00:00:01 with BNBUSDT opening at 612.5 that minute → 0.6125 USDT;
    // net = 10 − 0 − 0.6125 + 0 = 9.3875. A second position's BNB fee at 00:01:30 has no price.
    name: "a BNB fee converts at the open of its minute; without a price net_pnl is empty",
    fills: [
      f(1, "BUY", "1", "100", { commission: "0.001", commissionAsset: "BNB" }),
      f(2, "SELL", "1", "110", { realizedPnl: "10" }),
      f(90, "BUY", "1", "100", { commission: "0.002", commissionAsset: "BNB" }),
    ],
    inputs: {
      income: [TRANSFER],
      prices: new Map([[`BNBUSDT|${T0}`, "612.5"]]),
    },
    expected: [
      { commission_other: "0.001 BNB", commission_converted: "0.6125", net_pnl: "9.3875" },
      {
        commission_other: "0.002 BNB",
        commission_converted: "",
        net_pnl: "",
        note: "no price in USDT for 1 BNB fee: commission_converted and net_pnl left empty",
      },
    ],
  },
  {
    // One-way: the first fill SELL 1 realizes P&L, closing part of a long held before the data.
    // Binance says long 2 afterwards: held before = 2 − (−1) = 3.
    // Hedge SHORT: positionRisk −2 (a short is negative) after BUY 1 closed 1 → held before 3.
    name: "an anchored PARTIAL start: the anchor minus what the fills did",
    fills: [
      f(1, "SELL", "1", "100", { realizedPnl: "5" }),
      f(2, "BUY", "1", "100", { symbol: "ETHUSDT", positionSide: "SHORT", realizedPnl: "1" }),
    ],
    inputs: { snapshots: [snapshot(at(9), { "BTCUSDT|BOTH": "2", "ETHUSDT|SHORT": "-2" })] },
    expected: [
      {
        status: "PARTIAL",
        symbol: "BTCUSDT",
        direction: "LONG",
        prior_qty: "3",
        open_qty: "2",
        max_qty: "3",
        entry_qty: "0",
        exit_qty: "1",
        note: "opened before the first fill in the data; 3 inferred as held then",
      },
      { status: "PARTIAL", symbol: "ETHUSDT", direction: "SHORT", prior_qty: "3", open_qty: "2" },
    ],
  },
  {
    // BTCUSDT #5 and ETHUSDT #5 are two fills (ids are unique per symbol only); BTCUSDT #5 given
    // again counts once. Out of trade-id order, so both symbols take the three passes.
    name: "a trade id twice counts once, per market and symbol",
    fills: [
      f(6, "BUY", "1", "100"),
      f(5, "BUY", "1", "100", { symbol: "ETHUSDT" }),
      f(5, "BUY", "2", "100"),
      f(5, "BUY", "2", "100"),
      f(5, "BUY", "3", "100", { market: "coinm", symbol: "BTCUSDT" }),
    ],
    expected: [
      { symbol: "BTCUSDT", market: "coinm", entry_qty: "3", fills: "1" },
      { symbol: "BTCUSDT", market: "usdm", entry_qty: "3", fills: "2" },
      { symbol: "ETHUSDT", entry_qty: "1", fills: "1" },
    ],
  },
  {
    // Funding in BNB on a USDT position, and funding of a symbol without fills: unattached.
    // The income history starts at 2s: the position opened at 1s gets a note, and no net_pnl.
    name: "unattached funding, and a position older than the income history",
    fills: [f(1, "BUY", "1", "100")],
    inputs: {
      income: [
        funding(2, "-0.1", { asset: "BNB" }),
        funding(3, "-0.2", { symbol: "ETHUSDT" }),
        funding(4, "-0.3"),
      ],
    },
    expected: [{
      funding: "-0.3",
      net_pnl: "",
      note:
        "funding before 2025-01-01T00:00:02.000Z is not in the income history: net_pnl left empty",
    }],
    unattached: ["702", "703"],
  },
];

Deno.test("hand-worked cases: the reference and buildLedger both give the numbers", async (t) => {
  for (const c of CASES) {
    await t.step(c.name, () => {
      const pick = (all: Record<string, string>[]) =>
        all.map((row, i) =>
          Object.fromEntries(Object.keys(c.expected[i] ?? {}).map((k) => [k, row[k]]))
        );
      const inputs = c.inputs ?? {};
      const reference = referenceRows(c.fills, inputs);
      const project = rows(buildLedger(c.fills, projectInputs(inputs)).positions);
      assert.equal(reference.length, c.expected.length, "reference: number of positions");
      assert.deepEqual(pick(reference), c.expected, "reference");
      assert.equal(project.length, c.expected.length, "buildLedger: number of positions");
      assert.deepEqual(pick(project), c.expected, "buildLedger");
      const result = bothLedgers(c.fills, inputs);
      assert.deepEqual(result.project, result.reference, "every column");
      assert.deepEqual(result.referenceUnattached, c.unattached ?? []);
      assert.deepEqual(result.projectUnattached, c.unattached ?? []);
    });
  }
});

Deno.test("PARTIAL inference without an anchor, by hand (the reference leaves it out)", async (t) => {
  const columns = ["status", "direction", "prior_qty", "open_qty", "close_trade_id"];
  const pickRows = (fills: LedgerFill[]) =>
    rows(buildLedger(fills).positions).map((r) =>
      Object.fromEntries(columns.map((c) => [c, r[c]]))
    );

  await t.step("hedge: the prior is the deepest the fills go below zero", () => {
    // LONG book: SELL 3 (P = −3), BUY 1 (P = −2). The book never goes below zero: X ≥ 3, so 3
    // (the last dip, 2, would not do). SELL 3 closes the PARTIAL long; BUY 1 opens a new one.
    assert.deepEqual(
      pickRows([
        f(1, "SELL", "3", "100", { positionSide: "LONG", realizedPnl: "1" }),
        f(2, "BUY", "1", "100", { positionSide: "LONG" }),
      ]),
      [
        {
          status: "PARTIAL",
          direction: "LONG",
          prior_qty: "3",
          open_qty: "0",
          close_trade_id: "1",
        },
        { status: "OPEN", direction: "LONG", prior_qty: "0", open_qty: "1", close_trade_id: "" },
      ],
    );
  });

  await t.step("one-way: of candidates breaking as few soft constraints, the smallest", () => {
    // SELL 1 with P&L: X > 0. SELL 1 with P&L: X − 1 > 0. SELL 1 without: opened, X − 2 ≤ 0
    // (soft). BUY 1 without: opened, X − 3 ≥ 0 (soft). Flat points meeting X > 1: 2 and 3; each
    // breaks one soft constraint, so the smaller, 2: the long closes at #2, a short runs #3–#4.
    assert.deepEqual(
      pickRows([
        f(1, "SELL", "1", "100", { realizedPnl: "1" }),
        f(2, "SELL", "1", "100", { realizedPnl: "1" }),
        f(3, "SELL", "1", "100"),
        f(4, "BUY", "1", "100"),
      ]),
      [
        {
          status: "PARTIAL",
          direction: "LONG",
          prior_qty: "2",
          open_qty: "0",
          close_trade_id: "2",
        },
        {
          status: "CLOSED",
          direction: "SHORT",
          prior_qty: "0",
          open_qty: "0",
          close_trade_id: "4",
        },
      ],
    );
  });

  await t.step("one-way: a SELL that realized P&L closed a long, even as the first fill", () => {
    // X > 0 strictly (nothing held would make it open a short without P&L): X = 1.
    assert.deepEqual(pickRows([f(1, "SELL", "1", "100", { realizedPnl: "5" })]), [
      { status: "PARTIAL", direction: "LONG", prior_qty: "1", open_qty: "0", close_trade_id: "1" },
    ]);
  });
});
