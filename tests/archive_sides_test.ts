/**
 * Position sides of archive rows that lack them: hand-worked books (the numbers in the
 * comments), and the refusals when a zero-P&L row may be an open or a break-even close.
 */

import assert from "node:assert/strict";
import {
  type ArchiveTrade,
  decidePositionSides,
  PositionSideError,
  type SideOptions,
} from "../src/archive/mod.ts";

let line = 1;
function row(
  side: "BUY" | "SELL",
  qty: string,
  price: string,
  realizedPnl: string,
  extra: Partial<ArchiveTrade> = {},
): ArchiveTrade {
  line++;
  return {
    market: "usdm",
    symbol: "BTCUSDT",
    time: 1_700_000_000_000 + line * 1000,
    side,
    price,
    qty,
    commission: "0.01",
    commissionAsset: "USDT",
    realizedPnl,
    source: "t.csv",
    line,
    ...extra,
  };
}

function sides(trades: ArchiveTrade[], options: SideOptions) {
  const { trades: out, notes } = decidePositionSides(trades, options);
  return { sides: out.map((t) => t.positionSide), notes: notes.map((n) => n.message) };
}

function refuses(trades: ArchiveTrade[], options: SideOptions, pattern: RegExp) {
  assert.throws(() => decidePositionSides(trades, options), (e: unknown) => {
    assert.ok(e instanceof PositionSideError);
    assert.match(e.message, pattern);
    return true;
  });
}

const HEDGE: SideOptions = { mode: "hedge", start: "flat" };

Deno.test("one-way: BOTH, without notes; sides the file gives are kept", () => {
  const trades = [row("BUY", "1", "100", "0"), row("SELL", "1", "90", "-10")];
  assert.deepEqual(sides(trades, { mode: "one-way" }), { sides: ["BOTH", "BOTH"], notes: [] });
  const given = [row("SELL", "1", "100", "0", { positionSide: "SHORT" })];
  assert.deepEqual(sides(given, HEDGE), { sides: ["SHORT"], notes: [] });
  // A given side still moves its book: a BUY on SHORT from a flat start closes nothing.
  refuses(
    [row("BUY", "1", "100", "0", { positionSide: "SHORT" })],
    HEDGE,
    /closes 1 of SHORT BTCUSDT, but the book holds only 0/,
  );
});

Deno.test("hedge, from flat books: P&L closes, empty books open, other prices open", () => {
  const trades = [
    row("BUY", "1", "100", "0"), // SHORT holds 0 < 1: opens LONG 1 @ 100
    row("SELL", "0.4", "110", "4"), // (110 − 100) × 0.4 = 4: closes LONG, 0.6 left
    row("SELL", "1", "105", "0"), // LONG holds 0.6 < 1: opens SHORT 1 @ 105
    row("SELL", "0.6", "101", "0"), // LONG 0.6 @ 100: a close at 101 would realize 0.6
    row("BUY", "1.6", "90", "22"), // closes SHORT (1 @ 105, 0.6 @ 101): 15 + 6.6 = 21.6 ≈ 22
  ];
  assert.deepEqual(sides(trades, HEDGE), {
    sides: ["LONG", "LONG", "SHORT", "SHORT", "SHORT"],
    notes: [
      "BUY opens LONG: no P&L, and the SHORT book holds 0, less than 1",
      "SELL closes LONG: it realized P&L",
      "SELL opens SHORT: no P&L, and the LONG book holds 0.6, less than 1",
      "SELL opens SHORT: no P&L, and closing LONG (entry 100) at 101 would have realized some",
      "BUY closes SHORT: it realized P&L",
    ],
  });
});

Deno.test("hedge: a zero-P&L row at the other book's entry price is refused", () => {
  const trades = [
    row("BUY", "1", "100", "0"), // LONG 1 @ 100
    row("SELL", "0.6", "100", "0"), // opens SHORT, or closes LONG at its entry (a break-even stop)?
  ];
  refuses(
    trades,
    HEDGE,
    /^t\.csv:\d+: field "Position Side": this SELL of 0\.6 BTCUSDT at 100 realized no P&L: it opened SHORT, or closed LONG at its entry price 100; the file cannot tell which$/,
  );
});

Deno.test("hedge: other fills of a closing order settle a zero-P&L row", () => {
  const trades = [
    row("BUY", "1", "100", "0"), // LONG 1 @ 100
    row("SELL", "0.1", "100", "0", { orderId: "77" }), // ambiguous alone...
    row("SELL", "0.1", "120", "2", { orderId: "77" }), // ...but its order realized (120 − 100) × 0.1
  ];
  assert.deepEqual(sides(trades, HEDGE).sides, ["LONG", "LONG", "LONG"]);
  assert.equal(sides(trades, HEDGE).notes[1], "closes LONG: other fills of order 77 realized P&L");
});

Deno.test("hedge: an unknown start refuses zero-P&L rows; known open books are used", () => {
  refuses(
    [row("BUY", "1", "100", "0")],
    { mode: "hedge" },
    /opened LONG, or closed SHORT at its entry price, and the SHORT book before the file is unknown/,
  );
  const start: SideOptions = {
    mode: "hedge",
    start: [{ symbol: "BTCUSDT", positionSide: "SHORT", qty: "2", entryPrice: "50" }],
  };
  refuses([row("BUY", "1", "50", "0")], start, /closed SHORT at its entry price 50/);
  assert.deepEqual(sides([row("BUY", "1", "51", "0"), row("BUY", "2", "49", "2")], start).sides, [
    "LONG", // SHORT 2 @ 50 closed at 51 would realize −1: an open
    "SHORT", // realized (50 − 49) × 2 = 2: closes the SHORT
  ]);
  refuses(
    [row("BUY", "3", "49", "3")],
    start,
    /this BUY closes 3 of SHORT BTCUSDT, but the book holds only 2/,
  );
});

Deno.test("COIN-M books average entries by contracts (harmonic mean)", () => {
  const coin = (side: "BUY" | "SELL", qty: string, price: string, pnl: string) =>
    row(side, qty, price, pnl, { market: "coinm", symbol: "BTCUSD_PERP" });
  // SHORT 10 @ 100 and 10 @ 200: entry 20 / (10/100 + 10/200) = 133.33…, printed 133.3.
  const trades = [coin("SELL", "10", "100", "0"), coin("SELL", "10", "200", "0")];
  refuses(
    [...trades, coin("BUY", "5", "133.3", "0")],
    HEDGE,
    /closed SHORT at its entry price 133\.3/,
  );
  // Averaged by quantity (USD-M) the entry would be 150, and the same BUY an open.
  const usdm = [
    row("SELL", "10", "100", "0"),
    row("SELL", "10", "200", "0"),
    row("BUY", "5", "133.3", "0"),
  ];
  assert.deepEqual(sides(usdm, HEDGE).sides, ["SHORT", "SHORT", "LONG"]);
});

Deno.test("rows are followed in time order, whatever the file's order", () => {
  // Newest first, as exports are: the BUY came first and opened LONG.
  const buy = row("BUY", "1", "100", "0");
  const sell = row("SELL", "1", "100", "0"); // a second later, at LONG's entry: ambiguous
  refuses([sell, buy], HEDGE, /^t\.csv:\d+: field "Position Side": this SELL/);
  const flip = { ...sell, price: "101" };
  assert.deepEqual(sides([flip, buy], HEDGE).sides, ["SHORT", "LONG"]);
});
