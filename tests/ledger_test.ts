/**
 * The ledger's rules, one hand-worked case each. Expected numbers are worked out in comments.
 */
import assert from "node:assert/strict";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { pick } from "./support/positions.ts";

const CORE = [
  "status",
  "direction",
  "entry_qty",
  "entry_vwap",
  "exit_qty",
  "exit_vwap",
  "realizedPnl",
  "commission",
  "net_pnl_after_fees",
  "fills",
  "max_qty",
  "open_qty",
];

Deno.test("one-way: open, add, partial close, close", () => {
  // BUY 1 @100 + BUY 1 @110 → entry 2 @ (100+110)/2 = 105.
  // SELL 0.5 @120 realizes (120−105)·0.5 = 7.5; SELL 1.5 @100 realizes (100−105)·1.5 = −7.5.
  // exit vwap = (0.5·120 + 1.5·100)/2 = 105. commission 0.04+0.044+0.024+0.06 = 0.168.
  const positions = aggregatePositions([
    f(1, "BUY", "1", "100", { commission: "0.04" }),
    f(2, "BUY", "1", "110", { commission: "0.044" }),
    f(3, "SELL", "0.5", "120", { commission: "0.024", realizedPnl: "7.5" }),
    f(4, "SELL", "1.5", "100", { commission: "0.06", realizedPnl: "-7.5" }),
  ]);
  assert.deepEqual(pick(positions, [...CORE, "open_trade_id", "close_trade_id", "close_time"]), [{
    status: "CLOSED",
    direction: "LONG",
    entry_qty: "2",
    entry_vwap: "105",
    exit_qty: "2",
    exit_vwap: "105",
    realizedPnl: "0",
    commission: "0.168",
    net_pnl_after_fees: "-0.168",
    fills: "4",
    max_qty: "2",
    open_qty: "0",
    open_trade_id: "1",
    close_trade_id: "4",
    close_time: "2025-01-01T00:00:04.000Z",
  }]);
});

Deno.test("one-way flips", async (t) => {
  await t.step("long → short splits the crossing fill", () => {
    // BUY 2 @100 (fee 0.08). SELL 5 @90 realizes (90−100)·2 = −20, fee 0.18:
    // closing 2/5 of it = 0.072 → long commission 0.08 + 0.072 = 0.152; the short gets 0.108.
    // The long's peak is 2, not the reversed leftover 3 (the Python tool's defect 14).
    const positions = aggregatePositions([
      f(1, "BUY", "2", "100", { commission: "0.08" }),
      f(2, "SELL", "5", "90", { commission: "0.18", realizedPnl: "-20" }),
    ]);
    assert.deepEqual(pick(positions, CORE), [
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
        open_qty: "0",
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
        net_pnl_after_fees: "-0.108",
        fills: "1",
        max_qty: "3",
        open_qty: "3",
      },
    ]);
  });

  await t.step("short → long, commission split rounded half-even and summing exactly", () => {
    // SELL 3 @10, then BUY 7 @9 realizing (10−9)·3 = 3 with fee 0.01.
    // Closing share 0.01·3/7 = 0.00428571428571… → 0.004285714286 (12 places);
    // opening share 0.01 − 0.004285714286 = 0.005714285714; together exactly 0.01.
    const positions = aggregatePositions([
      f(1, "SELL", "3", "10"),
      f(2, "BUY", "7", "9", { commission: "0.01", realizedPnl: "3" }),
    ]);
    assert.deepEqual(pick(positions, ["status", "direction", "entry_qty", "commission", "fills"]), [
      {
        status: "CLOSED",
        direction: "SHORT",
        entry_qty: "3",
        commission: "0.004285714286",
        fills: "2",
      },
      {
        status: "OPEN",
        direction: "LONG",
        entry_qty: "4",
        commission: "0.005714285714",
        fills: "1",
      },
    ]);
  });

  await t.step("a fill that closes exactly is not a flip", () => {
    // BUY 2, SELL 2 → flat, closed; the next SELL 1 opens a new short.
    const positions = aggregatePositions([
      f(1, "BUY", "2", "100"),
      f(2, "SELL", "2.000", "101", { realizedPnl: "2" }),
      f(3, "SELL", "1", "102"),
    ]);
    assert.deepEqual(pick(positions, ["status", "direction", "entry_qty", "fills"]), [
      { status: "CLOSED", direction: "LONG", entry_qty: "2", fills: "2" },
      { status: "OPEN", direction: "SHORT", entry_qty: "1", fills: "1" },
    ]);
  });
});

Deno.test("hedge: LONG and SHORT books open at once, each with its own direction", () => {
  // LONG: BUY 1 @100, SELL 1 @105 → +5. SHORT: SELL 2 @101, BUY 2 @99 → (101−99)·2 = +4.
  // A SHORT book counts SELL as opening but is still a SHORT (the Python tool's defect 11).
  const long = { positionSide: "LONG" as const };
  const short = { positionSide: "SHORT" as const };
  const positions = aggregatePositions([
    f(1, "BUY", "1", "100", long),
    f(2, "SELL", "2", "101", short),
    f(3, "SELL", "1", "105", { ...long, realizedPnl: "5" }),
    f(4, "BUY", "2", "99", { ...short, realizedPnl: "4" }),
  ]);
  assert.deepEqual(
    pick(positions, [
      "status",
      "direction",
      "position_side",
      "entry_vwap",
      "exit_vwap",
      "realizedPnl",
    ]),
    [
      {
        status: "CLOSED",
        direction: "LONG",
        position_side: "LONG",
        entry_vwap: "100",
        exit_vwap: "105",
        realizedPnl: "5",
      },
      {
        status: "CLOSED",
        direction: "SHORT",
        position_side: "SHORT",
        entry_vwap: "101",
        exit_vwap: "99",
        realizedPnl: "4",
      },
    ],
  );
});

Deno.test("input order and duplicates do not matter", async (t) => {
  const history = [
    f(1, "BUY", "1", "100"),
    f(2, "BUY", "1", "102"),
    f(3, "SELL", "2", "104", { realizedPnl: "6" }),
    f(1, "BUY", "1", "50", { symbol: "ETHUSDT" }), // same id, other symbol: a different trade
    f(2, "SELL", "1", "55", { symbol: "ETHUSDT", realizedPnl: "5" }),
  ];
  const expected = aggregatePositions(history);

  await t.step("a trade id is per symbol: equal ids in two symbols are two trades", () => {
    assert.deepEqual(pick(expected, ["symbol", "fills", "realizedPnl"]), [
      { symbol: "BTCUSDT", fills: "3", realizedPnl: "6" },
      { symbol: "ETHUSDT", fills: "2", realizedPnl: "5" },
    ]);
  });

  await t.step("unsorted input is taken in trade-id order", () => {
    assert.deepEqual(aggregatePositions([...history].reverse()), expected);
  });

  await t.step("a fill that appears twice counts once", () => {
    assert.deepEqual(aggregatePositions([...history, at(history, 1), at(history, 4)]), expected);
  });

  await t.step("ids are compared as numbers, even beyond 2^53", () => {
    // As strings "9" > "10"; as floats 2^53 and 2^53+1 are equal.
    const big = [
      f("9007199254740993", "SELL", "1", "101", { realizedPnl: "1" }),
      f("9007199254740992", "BUY", "1", "100"),
    ];
    assert.deepEqual(pick(aggregatePositions(big), ["status", "open_trade_id", "close_trade_id"]), [
      { status: "CLOSED", open_trade_id: "9007199254740992", close_trade_id: "9007199254740993" },
    ]);
    const small = [f(10, "SELL", "1", "101", { realizedPnl: "1" }), f(9, "BUY", "1", "100")];
    assert.equal(aggregatePositions(small)[0]?.status, "CLOSED");
  });
});

Deno.test("tiny and huge decimals stay exact", () => {
  // 1000PEPEUSDT: 1234567·0.0099139 + 7654321·0.0099141 = 12239.3737813 + 75885.7038261
  // = 88125.0776074 over 8888888 → 0.00991407222223972… → 0.009914072222 (12 places).
  // BTC: (1000·98765.4321 + 0.001·98765.4322)/1000.001 = 98765.43210000009999990…
  // → 98765.432100000100 → 98765.4321000001.
  const pepe = { symbol: "1000PEPEUSDT" };
  const positions = aggregatePositions([
    f(1, "BUY", "1234567", "0.0099139", pepe),
    f(2, "BUY", "7654321", "0.0099141", pepe),
    f(1, "BUY", "1000", "98765.4321"),
    f(2, "BUY", "0.001", "98765.4322"),
  ]);
  assert.deepEqual(pick(positions, ["symbol", "entry_qty", "entry_vwap"]), [
    { symbol: "1000PEPEUSDT", entry_qty: "8888888", entry_vwap: "0.009914072222" },
    { symbol: "BTCUSDT", entry_qty: "1000.001", entry_vwap: "98765.4321000001" },
  ]);
});

Deno.test("commission in another asset is kept apart, never added to the margin asset's", () => {
  // USDT fees 0.04 + 0.05 count; the BNB fees (0.0001 + 0.00012) go to commission_other.
  const positions = aggregatePositions([
    f(1, "BUY", "1", "100", { commission: "0.04" }),
    f(2, "BUY", "1", "100", { commission: "0.0001", commissionAsset: "BNB" }),
    f(3, "SELL", "2", "110", { commission: "0.00012", commissionAsset: "BNB", realizedPnl: "20" }),
    f(4, "BUY", "1", "100", { commission: "0.05" }),
  ]);
  assert.deepEqual(pick(positions, ["commission", "commission_other", "net_pnl_after_fees"]), [
    { commission: "0.04", commission_other: "0.00022 BNB", net_pnl_after_fees: "19.96" },
    { commission: "0.05", commission_other: "", net_pnl_after_fees: "-0.05" },
  ]);
});

Deno.test("positions are sorted by open time, then symbol", () => {
  const positions = aggregatePositions([
    f(5, "BUY", "1", "1", { symbol: "ETHUSDT" }),
    f(5, "BUY", "1", "1", { symbol: "ADAUSDT" }),
    f(1, "BUY", "1", "1", { symbol: "XRPUSDT" }),
  ]);
  assert.deepEqual(positions.map((p) => p.symbol), ["XRPUSDT", "ADAUSDT", "ETHUSDT"]);
});

Deno.test("the positions file prints exact decimals, never floats or exponents", () => {
  const positions = aggregatePositions([
    f(1, "BUY", "0.1", "0.2", { commission: "0.00000001" }),
    f(2, "BUY", "0.2", "0.1", { commission: "0.00000002" }),
  ]);
  // 0.1·0.2 + 0.2·0.1 = 0.04 over 0.3 → 0.1333…; the float sum 0.1 + 0.2 is not 0.3.
  assert.deepEqual(pick(positions, ["entry_qty", "entry_vwap", "commission"]), [
    { entry_qty: "0.3", entry_vwap: "0.133333333333", commission: "0.00000003" },
  ]);
});

Deno.test("a fill without a positive quantity is refused", () => {
  assert.throws(() => aggregatePositions([f(1, "BUY", "0", "1")]), RangeError);
});
