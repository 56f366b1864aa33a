/**
 * The ledger when the data begins mid-position (Binance serves only 3 months): PARTIAL positions,
 * inferred from the fills or anchored to Binance's current positions. Never an invented trade.
 */
import assert from "node:assert/strict";
import { Decimal } from "../src/decimal.ts";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { f } from "./support/fills.ts";
import { pick } from "./support/positions.ts";

Deno.test("history that starts mid-position is PARTIAL, never an invented trade", async (t) => {
  await t.step("hedge: a LONG book whose first fill sells", () => {
    // SELL 1 (pnl), BUY 2, SELL 3 (pnl): running sums −1, +1, −2, so at least 2 were held
    // before the data: 2 → 1 → 3 → 0. One PARTIAL position; it opened 2 in the data.
    const long = { positionSide: "LONG" as const };
    const positions = aggregatePositions([
      f(1, "SELL", "1", "100", { ...long, realizedPnl: "3" }),
      f(2, "BUY", "2", "90", long),
      f(3, "SELL", "3", "95", { ...long, realizedPnl: "11" }),
    ]);
    assert.deepEqual(
      pick(positions, [
        "status",
        "direction",
        "entry_qty",
        "entry_vwap",
        "exit_qty",
        "prior_qty",
        "max_qty",
        "note",
      ]),
      [{
        status: "PARTIAL",
        direction: "LONG",
        entry_qty: "2",
        entry_vwap: "90",
        exit_qty: "4",
        prior_qty: "2",
        max_qty: "3",
        note: "opened before the first fill in the data; 2 inferred as held then",
      }],
    );
  });

  await t.step("one-way: realized P&L on a flat book reveals an unseen position", () => {
    // SELL 2 (pnl) needs X > 0; SELL 3 (pnl) needs X − 2 > 0; SELL 1 (no pnl) is no evidence;
    // BUY 1 (pnl) needs X − 6 < 0. So 2 < X < 6, and X = 5 makes the book flat after fill 2:
    // a PARTIAL long of 5 closed by the two sells, then a short of 1 opened and closed.
    const positions = aggregatePositions([
      f(1, "SELL", "2", "120", { realizedPnl: "30" }),
      f(2, "SELL", "3", "120", { realizedPnl: "45" }),
      f(3, "SELL", "1", "119"),
      f(4, "BUY", "1", "118", { realizedPnl: "1" }),
    ]);
    assert.deepEqual(
      pick(positions, [
        "status",
        "direction",
        "entry_qty",
        "exit_qty",
        "prior_qty",
        "fills",
        "realizedPnl",
      ]),
      [
        {
          status: "PARTIAL",
          direction: "LONG",
          entry_qty: "0",
          exit_qty: "5",
          prior_qty: "5",
          fills: "2",
          realizedPnl: "75",
        },
        {
          status: "CLOSED",
          direction: "SHORT",
          entry_qty: "1",
          exit_qty: "1",
          prior_qty: "0",
          fills: "2",
          realizedPnl: "1",
        },
      ],
    );
  });

  await t.step("one-way: fills without P&L are evidence too (they open, not close)", () => {
    // BUY 10 (pnl) needs X < 0; BUY 3 (pnl) needs X − 7 < 0 → X < −7. Flat points −Pₖ: −10
    // (after fill 1), −9 (after fill 2), −7, −10. By P&L alone −9 is the smallest fit, but it
    // makes SELL 1 (no P&L) close a long: X ≤ −10 (SELL 1) and X ≤ −9 (SELL 2) rule it out.
    // So X = −10: a PARTIAL short of 10 closed by fill 1, then a short of 3 opened and closed.
    const positions = aggregatePositions([
      f(1, "BUY", "10", "100", { realizedPnl: "5" }),
      f(2, "SELL", "1", "101"),
      f(3, "SELL", "2", "102"),
      f(4, "BUY", "3", "99", { realizedPnl: "7" }),
    ]);
    const columns = ["status", "direction", "entry_qty", "exit_qty", "prior_qty", "fills"];
    assert.deepEqual(pick(positions, columns), [
      {
        status: "PARTIAL",
        direction: "SHORT",
        entry_qty: "0",
        exit_qty: "10",
        prior_qty: "10",
        fills: "1",
      },
      {
        status: "CLOSED",
        direction: "SHORT",
        entry_qty: "3",
        exit_qty: "3",
        prior_qty: "0",
        fills: "3",
      },
    ]);
  });

  await t.step(
    "one-way data that contradicts itself: each unexplained close is its own PARTIAL",
    () => {
      // SELL 1 (pnl) needs X > 0, then BUY 1 (pnl) needs X − 1 < 0: no X in (0, 1) leaves the book
      // flat anywhere, so each fill is read as closing exactly its own quantity.
      const positions = aggregatePositions([
        f(1, "SELL", "1", "100", { realizedPnl: "1" }),
        f(2, "BUY", "1", "100", { realizedPnl: "1" }),
      ]);
      assert.deepEqual(pick(positions, ["status", "direction", "prior_qty", "exit_qty"]), [
        { status: "PARTIAL", direction: "LONG", prior_qty: "1", exit_qty: "1" },
        { status: "PARTIAL", direction: "SHORT", prior_qty: "1", exit_qty: "1" },
      ]);
    },
  );

  await t.step("complete history is never PARTIAL", () => {
    const positions = aggregatePositions([
      f(1, "BUY", "1", "100"),
      f(2, "SELL", "3", "101", { realizedPnl: "1" }),
      f(3, "BUY", "2", "99", { realizedPnl: "4" }),
    ]);
    assert.deepEqual(positions.map((p) => p.status), ["CLOSED", "CLOSED"]);
  });
});

Deno.test("Binance's current positions anchor what was held before the data", async (t) => {
  const snapshot = (time: number, amounts: [string, string][]) => [{
    market: "usdm" as const,
    time,
    amounts: new Map(amounts.map(([k, v]) => [k, Decimal.parse(v)])),
  }];
  const after = Date.UTC(2025, 0, 2); // later than every fill below

  await t.step("hedge: a LONG book still open at 5 held 7 before its first fill", () => {
    // Fills: SELL 1, BUY 2, SELL 3: net −2. Inference alone says 2 (the least that never goes
    // below zero); Binance says 5 is held now, so 5 − (−2) = 7 was held before.
    const long = { positionSide: "LONG" as const };
    const fills = [
      f(1, "SELL", "1", "100", { ...long, realizedPnl: "3" }),
      f(2, "BUY", "2", "90", long),
      f(3, "SELL", "3", "95", { ...long, realizedPnl: "11" }),
    ];
    assert.deepEqual(pick(aggregatePositions(fills), ["prior_qty", "open_qty"]), [
      { prior_qty: "2", open_qty: "0" },
    ]);
    const anchored = aggregatePositions(fills, snapshot(after, [["BTCUSDT|LONG", "5"]]));
    assert.deepEqual(pick(anchored, ["status", "prior_qty", "open_qty", "close_time"]), [
      { status: "PARTIAL", prior_qty: "7", open_qty: "5", close_time: "" },
    ]);
  });

  await t.step("one-way: a book flat now held exactly minus what its fills did", () => {
    // BUY 10, SELL 1, SELL 2, BUY 3: net +10; flat now → −10 (a short of 10) before the data.
    const fills = [
      f(1, "BUY", "10", "100", { realizedPnl: "5" }),
      f(2, "SELL", "1", "101"),
      f(3, "SELL", "2", "102"),
      f(4, "BUY", "3", "99", { realizedPnl: "7" }),
    ];
    const anchored = aggregatePositions(fills, snapshot(after, []));
    assert.deepEqual(pick(anchored, ["status", "direction", "prior_qty", "exit_qty"]), [
      { status: "PARTIAL", direction: "SHORT", prior_qty: "10", exit_qty: "10" },
      { status: "CLOSED", direction: "SHORT", prior_qty: "0", exit_qty: "3" },
    ]);
  });

  await t.step(
    "an anchor older than a fill of the book, or against the evidence, is not used",
    () => {
      const fills = [f(1, "BUY", "1", "100"), f(2, "SELL", "1", "101", { realizedPnl: "1" })];
      const plain = aggregatePositions(fills);
      const before = Date.UTC(2025, 0, 1); // earlier than the fills
      assert.deepEqual(aggregatePositions(fills, snapshot(before, [["BTCUSDT|BOTH", "3"]])), plain);
      // Short 3 now means a short of 3 before (the fills net 0), but fill 2 realized P&L on a
      // SELL, which needs a long before it (−3 + 1 < 0): the anchor contradicts the fills.
      const short = snapshot(after, [["BTCUSDT|BOTH", "-3"]]);
      assert.deepEqual(aggregatePositions(fills, short), plain);
    },
  );
});

Deno.test("the note names the quantity held as the prior_qty column does", () => {
  // One-way data that no single prior fits (a SELL and a BUY, each with P&L): each close is of
  // something unseen, of its own quantity, written 1.000 by the file: the note says 1.
  const positions = aggregatePositions([
    f(1, "SELL", "1.000", "100", { realizedPnl: "5" }),
    f(2, "BUY", "1.000", "100", { realizedPnl: "-5" }),
  ]);
  assert.equal(positions.length, 2);
  for (const p of positions) {
    assert.equal(p.priorQty.toString(), "1");
    assert.match(p.note, /; 1 inferred as held then/);
  }
});
