/**
 * Funding on positions, fees in other assets, net P&L, and COIN-M's inverse contracts: one
 * hand-worked case each, numbers worked out in comments. Fill `n` happens at second `n` of 2025.
 */
import assert from "node:assert/strict";
import { Decimal } from "../src/decimal.ts";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { PriceTable } from "../src/ledger/fee_prices.ts";
import type { Position } from "../src/position.ts";
import { EntryBook } from "./fake_exchange/entry_book.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";

const T0 = Date.UTC(2025, 0, 1);

/** A COIN-M fill's fields: BTCUSD_PERP, in BTC. */
const coin = {
  market: "coinm",
  symbol: "BTCUSD_PERP",
  marginAsset: "BTC",
  commissionAsset: "BTC",
} as const;

/** A FUNDING_FEE record at second `second` of 2025. */
function funding(second: number, income: string, extra: Partial<IncomeRecord> = {}): IncomeRecord {
  return {
    market: "usdm",
    time: T0 + second * 1000,
    symbol: "BTCUSDT",
    incomeType: "FUNDING_FEE",
    income,
    asset: "USDT",
    info: "FUNDING_FEE",
    tranId: String(9000 + second),
    tradeId: "",
    ...extra,
  };
}

/** A transfer at the start of 2025: the income history begins before every fill. */
const TRANSFER: IncomeRecord = { ...funding(0, "100"), symbol: "", incomeType: "TRANSFER" };

/** The new columns of each position, as text ("" for unknown). */
function columns(positions: Position[]) {
  return positions.map((p) => ({
    side: p.positionSide,
    funding: p.funding?.toString() ?? "",
    converted: p.commissionConverted?.toString() ?? "",
    net: p.netPnl?.toString() ?? "",
  }));
}

Deno.test("funding is attached to the position open at its time", async (t) => {
  await t.step("one-way: the one open position takes it whole", () => {
    // BUY 1 @100 (fee 0.04) at 1s; funding −0.5 at 2s; SELL 1 @110 (fee 0.044, P&L 10) at 3s.
    // net = 10 − (0.04 + 0.044) − 0 + (−0.5) = 9.416.
    const ledger = buildLedger([
      f(1, "BUY", "1", "100", { commission: "0.04" }),
      f(3, "SELL", "1", "110", { commission: "0.044", realizedPnl: "10" }),
    ], { income: [TRANSFER, funding(2, "-0.5")] });
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "-0.5", converted: "0", net: "9.416" },
    ]);
    assert.equal(ledger.fundingShares.length, 1);
    assert.deepEqual(ledger.unattachedFunding, []);
  });

  await t.step("hedge, both sides open: split by notional at entry price", () => {
    // LONG: BUY 1 @100 → notional 1 × 100 = 100. SHORT: SELL 1 @200 → 1 × 200 = 200.
    // Funding −0.00000001 at 3s: LONG 100/300 of it = −0.000000003333… → −0.000000003333
    // (half-even, 12 places); SHORT the remainder −0.00000001 + 0.000000003333 = −0.000000006667.
    const ledger = buildLedger([
      f(1, "BUY", "1", "100", { positionSide: "LONG" }),
      f(2, "SELL", "1", "200", { positionSide: "SHORT" }),
    ], { income: [TRANSFER, funding(3, "-0.00000001")] });
    assert.deepEqual(columns(ledger.positions), [
      { side: "LONG", funding: "-0.000000003333", converted: "0", net: "-0.000000003333" },
      { side: "SHORT", funding: "-0.000000006667", converted: "0", net: "-0.000000006667" },
    ]);
    const parts = ledger.fundingShares.map((s) => s.amount);
    assert.equal(
      parts.reduce((a, b) => a.plus(b)).normalize().toString(),
      "-0.00000001",
      "parts sum exactly",
    );
  });

  await t.step("hedge: the entry price is the entry VWAP so far, the quantity the open one", () => {
    // LONG: BUY 3 @100, BUY 1 @140 → entry (300 + 140)/4 = 110; SELL 2 @120 → 2 open.
    // SHORT: SELL 4 @ 55 → 4 open at 55. Weights 2 × 110 = 220 and 4 × 55 = 220: halves.
    // Funding 3 at 6s: LONG 1.5, SHORT 1.5.
    const ledger = buildLedger([
      f(1, "BUY", "3", "100", { positionSide: "LONG" }),
      f(2, "BUY", "1", "140", { positionSide: "LONG" }),
      f(3, "SELL", "2", "120", { positionSide: "LONG", realizedPnl: "20" }),
      f(4, "SELL", "4", "55", { positionSide: "SHORT" }),
    ], { income: [TRANSFER, funding(6, "3")] });
    assert.deepEqual(columns(ledger.positions).map((c) => c.funding), ["1.5", "1.5"]);
  });

  await t.step("nothing open: unattached, reported and kept in a total", () => {
    // Funding at 1s (before the first fill) and at 4s (after the close): no position open.
    const ledger = buildLedger([
      f(2, "BUY", "1", "100"),
      f(3, "SELL", "1", "100"),
    ], {
      income: [
        TRANSFER,
        funding(1, "-0.1"),
        funding(4, "0.2"),
        funding(5, "0.3", { symbol: "ETHUSDT" }),
      ],
    });
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "0", converted: "0", net: "0" },
    ]);
    // ETHUSDT has no fill at all: its funding is unattached too.
    assert.deepEqual(ledger.unattachedFunding.map((r) => r.income), ["-0.1", "0.2", "0.3"]);
  });

  await t.step("a fill at the funding's exact millisecond comes after it", () => {
    // Funding at 2s; the BUY at 2s opens after it (unattached); the SELL at 4s closes after the
    // funding at 4s, which the position still takes.
    const ledger = buildLedger([
      f(2, "BUY", "1", "100"),
      f(4, "SELL", "1", "100"),
    ], { income: [TRANSFER, funding(2, "-1"), funding(4, "-2")] });
    assert.deepEqual(columns(ledger.positions).map((c) => c.funding), ["-2"]);
    assert.deepEqual(ledger.unattachedFunding.map((r) => r.income), ["-1"]);
  });

  await t.step("a PARTIAL position was open before its first fill in the data", () => {
    // A LONG book whose first fill sells 1: 1 was held before the data, so funding at 1s is its.
    const ledger = buildLedger([
      f(2, "SELL", "1", "100", { positionSide: "LONG", realizedPnl: "5" }),
    ], { income: [TRANSFER, funding(1, "-0.25")] });
    assert.equal(ledger.positions[0]?.status, "PARTIAL");
    assert.deepEqual(columns(ledger.positions), [
      { side: "LONG", funding: "-0.25", converted: "0", net: "4.75" },
    ]);
  });

  await t.step("without income history, funding and net_pnl are unknown, not zero", () => {
    const ledger = buildLedger([f(1, "BUY", "1", "100")]);
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "", converted: "0", net: "" },
    ]);
  });

  await t.step("a position opened before the income history begins has no net_pnl", () => {
    const ledger = buildLedger([f(1, "BUY", "1", "100")], { income: [funding(2, "-1")] });
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "-1", converted: "0", net: "" },
    ]);
    assert.match(at(ledger.positions, 0).note, /funding before 2025-01-01T00:00:02.000Z is not in/);
  });
});

Deno.test("fees in another asset are converted at their minute's price, or say they are not", async (t) => {
  const fills = [
    f(1, "BUY", "1", "100", { commission: "0.0001", commissionAsset: "BNB" }),
    f(61, "SELL", "1", "110", { commission: "0.04", realizedPnl: "10" }),
    f(62, "BUY", "1", "110", { commission: "0.0002", commissionAsset: "BNB" }),
  ];

  await t.step("price found: fee × the open of BNBUSDT's kline of the fill's minute", () => {
    // Fill 1 (00:00:01) → minute 00:00, BNBUSDT open 600.5: 0.0001 × 600.5 = 0.06005 USDT.
    // net = 10 − 0.04 − 0.06005 + 0 = 9.89995. Fill 62 (00:01:02) → minute 00:01 at 601:
    // 0.0002 × 601 = 0.1202 on the next position.
    const prices = new PriceTable();
    prices.set("BNBUSDT", T0, Decimal.parse("600.5"));
    prices.set("BNBUSDT", T0 + 60_000, Decimal.parse("601"));
    const ledger = buildLedger(fills, { income: [TRANSFER], prices });
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "0", converted: "0.06005", net: "9.89995" },
      { side: "BOTH", funding: "0", converted: "0.1202", net: "-0.1202" },
    ]);
    assert.equal(ledger.positions[0]?.otherCommission.get("BNB")?.toString(), "0.0001");
  });

  await t.step("a price table answers for prices added after it was asked", () => {
    const prices = new PriceTable();
    assert.equal(prices.priceOf("BNB", "USDT", T0 + 5), undefined);
    prices.set("BNBUSDT", T0, Decimal.parse("600.5"));
    assert.equal(prices.priceOf("BNB", "USDT", T0 + 59_999)?.toString(), "600.5");
    assert.equal(prices.priceOf("BNB", "USDC", T0 + 5), undefined);
    prices.set("BNBUSDC", T0, Decimal.parse("600.1"));
    prices.set("BNBUSDT", T0 + 60_000, Decimal.parse("601"));
    assert.equal(prices.priceOf("BNB", "USDC", T0 + 5)?.toString(), "600.1");
    assert.equal(prices.priceOf("BNB", "USDT", T0 + 60_000)?.toString(), "601");
  });

  await t.step("price missing: no converted sum and no net P&L, and the note says why", () => {
    const prices = new PriceTable();
    prices.set("BNBUSDT", T0 + 60_000, Decimal.parse("601"));
    const ledger = buildLedger(fills, { income: [TRANSFER], prices });
    assert.deepEqual(columns(ledger.positions), [
      { side: "BOTH", funding: "0", converted: "", net: "" },
      { side: "BOTH", funding: "0", converted: "0.1202", net: "-0.1202" },
    ]);
    assert.equal(
      ledger.positions[0]?.note,
      "no price in USDT for 1 BNB fee: commission_converted and net_pnl left empty",
    );
  });
});

Deno.test("COIN-M: inverse contracts average entry harmonically, P&L and funding in the coin", () => {
  // BTCUSD_PERP, 100 USD a contract. BUY 10 @50,000 and BUY 10 @40,000: the entry VWAP is the
  // contract-weighted harmonic mean 20 / (10/50,000 + 10/40,000) = 20 / 0.00045
  // = 44,444.444444444444 (12 places). SELL 20 @50,000 realizes, in BTC,
  // 20 × 100 × (1/44,444.44… − 1/50,000) = 2,000 × (0.0000225 − 0.00002) = 0.005.
  const book = new EntryBook(0, true, 100);
  book.open(10, Decimal.parse("50000"));
  book.open(10, Decimal.parse("40000"));
  const pnl = book.close(20, Decimal.parse("50000"), true);
  assert.equal(
    pnl.normalize().toString(),
    "0.005",
    "Binance's realizedPnl, as the fake exchange computes it",
  );

  // Funding −0.0001 BTC at 3s is the long's alone; then SHORT opens 10 @40,000 beside it.
  // Funding 0.00000003 BTC at 6s: weights qty / entry (value in BTC): LONG 20 / 44,444.44…,
  // SHORT 10 / 40,000 → 0.00045 : 0.00025 → LONG 9/14 × 0.00000003 = 0.000000019285714…
  // → 0.000000019286; SHORT 0.000000010714.
  const ledger = buildLedger([
    f(1, "BUY", "10", "50000", { ...coin, positionSide: "LONG", commission: "0.000001" }),
    f(2, "BUY", "10", "40000", { ...coin, positionSide: "LONG" }),
    f(4, "SELL", "10", "40000", { ...coin, positionSide: "SHORT" }),
    f(7, "SELL", "20", "50000", {
      ...coin,
      positionSide: "LONG",
      realizedPnl: pnl.toString(),
      commission: "0.000002",
    }),
  ], {
    income: [
      { ...TRANSFER, market: "coinm", asset: "BTC" },
      funding(3, "-0.0001", { market: "coinm", symbol: "BTCUSD_PERP", asset: "BTC" }),
      funding(6, "0.00000003", { market: "coinm", symbol: "BTCUSD_PERP", asset: "BTC" }),
    ],
  });
  const long = ledger.positions.find((p) => p.positionSide === "LONG")!;
  assert.equal(long.entryVwap?.toString(), "44444.444444444444");
  assert.equal(long.exitVwap?.toString(), "50000");
  assert.equal(long.funding?.toString(), "-0.000099980714");
  // net = 0.005 − 0.000003 + (−0.0001 + 0.000000019286) = 0.004897019286 BTC.
  assert.equal(long.netPnl?.toString(), "0.004897019286");
  const short = ledger.positions.find((p) => p.positionSide === "SHORT")!;
  assert.equal(short.funding?.toString(), "0.000000010714");
});

Deno.test("COIN-M at a price so high that qty / price rounds to zero: empty, no crash", () => {
  // 1 / 3e30 rounds to 0 at 30 places: no entry or exit VWAP can be told, and funding on the two
  // hedge sides is split by open quantity (1 : 3), not by a notional of zero.
  const price = "3000000000000000000000000000000";
  const ledger = buildLedger([
    f(1, "BUY", "1", price, { ...coin, positionSide: "LONG" }),
    f(2, "SELL", "3", price, { ...coin, positionSide: "SHORT" }),
    f(4, "SELL", "1", price, { ...coin, positionSide: "LONG" }),
  ], {
    income: [
      { ...TRANSFER, market: "coinm", asset: "BTC" },
      funding(3, "-0.0004", { market: "coinm", symbol: "BTCUSD_PERP", asset: "BTC" }),
    ],
  });
  const long = ledger.positions.find((p) => p.positionSide === "LONG");
  const short = ledger.positions.find((p) => p.positionSide === "SHORT");
  assert.equal(long?.entryVwap, undefined);
  assert.equal(long?.exitVwap, undefined);
  assert.equal(long?.funding?.toString(), "-0.0001");
  assert.equal(short?.funding?.toString(), "-0.0003");
});
