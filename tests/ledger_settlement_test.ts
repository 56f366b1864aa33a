/**
 * A position held into its contract's delivery is closed by its DELIVERED_SETTELMENT record
 * (`src/ledger/settlement.ts`): hand-worked cases, numbers in comments. Each case is built by the
 * one pass (`buildLedger`) and by three passes alone, which must agree.
 */
import assert from "node:assert/strict";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger, ledgerInThreePasses } from "../src/ledger/aggregate.ts";
import type { Ledger, LedgerInputs } from "../src/ledger/ledger_stream.ts";
import type { Fill } from "../src/fill.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { f } from "./support/fills.ts";

const T0 = Date.UTC(2025, 0, 1);
/** ETHUSDT_250103's delivery: 08:00 UTC on 2025-01-03. */
const DELIVERY = Date.UTC(2025, 0, 3, 8);

/** A fill of ETHUSDT_250103 at `time`. */
function eth(
  id: number,
  time: number,
  side: "BUY" | "SELL",
  qty: string,
  price: string,
  extra = {},
) {
  return f(id, side, qty, price, { symbol: "ETHUSDT_250103", time, ...extra });
}

/** An income record of ETHUSDT_250103 (USDT), a DELIVERED_SETTELMENT unless `extra` says. */
function income(time: number, amount: string, tranId: string, extra: Partial<IncomeRecord> = {}) {
  return {
    market: "usdm",
    time,
    symbol: "ETHUSDT_250103",
    incomeType: "DELIVERED_SETTELMENT",
    income: amount,
    asset: "USDT",
    info: "DELIVERED_SETTELMENT",
    tranId,
    tradeId: "",
    ...extra,
  } satisfies IncomeRecord;
}

/** A transfer at the start of 2025: the income history (and funding) is known from there. */
const TRANSFER = income(T0, "1000", "1", { symbol: "", incomeType: "TRANSFER" });

/** The ledger of the one pass, after checking that three passes build the same. */
function ledger(fills: Fill[], inputs: LedgerInputs): Ledger {
  const one = buildLedger(fills, inputs);
  const three = ledgerInThreePasses(fills, inputs);
  assert.equal(positionsCsv(one.positions), positionsCsv(three.positions), "one pass = three");
  return one;
}

/** What a case is about, as text ("" for empty). */
function summary(l: Ledger) {
  return l.positions.map((p) => ({
    status: p.status,
    direction: p.direction,
    close: p.closeTime === undefined ? "" : new Date(p.closeTime).toISOString(),
    exitQty: p.exitQty.toString(),
    exitVwap: p.exitVwap?.toString() ?? "",
    openQty: p.openQty.toString(),
    realized: p.realizedPnl.toString(),
    commission: p.commission.toString(),
    net: p.netPnl?.toString() ?? "",
    closeId: p.closeTradeId,
    note: p.note,
  }));
}

const NOTE_9204 = "closed by delivery settlement at 2025-01-03T08:00:00.000Z " +
  "(DELIVERED_SETTELMENT tranId 9204), no closing fill: exit_vwap left empty";

Deno.test("a USD-M position held into delivery is closed by its settlement", () => {
  // BUY 10 @3400 (fee 13.6) on 01-01; SELL 4 @3500 (P&L 4 × 100 = 400, fee 5.6) on 01-02;
  // the 6 left are delivered on 01-03 08:00 at 3380: DELIVERED_SETTELMENT 6 × (3380 − 3400) = −120.
  // Closed at the delivery: exit_qty 4 + 6 = 10; realized 400 − 120 = 280; commission
  // 13.6 + 5.6 = 19.2; net 280 − 19.2 + 0 funding = 260.8. No exit price: the record has none.
  const l = ledger([
    eth(1, T0 + 1000, "BUY", "10", "3400", { commission: "13.6" }),
    eth(2, T0 + 86_400_000, "SELL", "4", "3500", { commission: "5.6", realizedPnl: "400" }),
  ], { income: [TRANSFER, income(DELIVERY, "-120", "9204")] });
  assert.deepEqual(summary(l), [{
    status: "CLOSED",
    direction: "LONG",
    close: "2025-01-03T08:00:00.000Z",
    exitQty: "10",
    exitVwap: "",
    openQty: "0",
    realized: "280",
    commission: "19.2",
    net: "260.8",
    closeId: "",
    note: NOTE_9204,
  }]);
  assert.deepEqual(l.unattachedFunding, [], "a settlement is never unattached funding");
});

Deno.test("a COIN-M position held into delivery: P&L in the coin, quantity in contracts", () => {
  // BTCUSD_250328 (100 USD a contract): SELL 5 @100000, fee 0.0000025 BTC (0.05% of 500 USD
  // / 100000). Delivered 2025-03-28 08:00 at 80000: the short gains
  // 5 × 100 × (1/80000 − 1/100000) = 500 × 0.0000025 = 0.00125 BTC.
  // Net 0.00125 − 0.0000025 = 0.0012475 BTC; exit_qty 5 contracts.
  const delivery = Date.UTC(2025, 2, 28, 8);
  const coin = { market: "coinm", symbol: "BTCUSD_250328", marginAsset: "BTC" } as const;
  const l = ledger([
    f(1, "SELL", "5", "100000", { ...coin, commissionAsset: "BTC", commission: "0.0000025" }),
  ], {
    income: [
      { ...TRANSFER, market: "coinm", asset: "BTC", income: "1" },
      { ...income(delivery, "0.00125", "77"), ...coin, asset: "BTC" },
    ],
  });
  const [p] = summary(l);
  assert.deepEqual(
    [p?.status, p?.direction, p?.close, p?.exitQty, p?.exitVwap, p?.realized, p?.net],
    ["CLOSED", "SHORT", "2025-03-28T08:00:00.000Z", "5", "", "0.00125", "0.0012475"],
  );
});

Deno.test("a settlement the ledger cannot attach leaves the positions as they were", async (t) => {
  await t.step("hedge LONG and SHORT both open: Binance does not say which side it is", () => {
    const l = ledger([
      eth(1, T0 + 1000, "BUY", "1", "3400", { positionSide: "LONG" }),
      eth(2, T0 + 2000, "SELL", "1", "3400", { positionSide: "SHORT" }),
    ], { income: [TRANSFER, income(DELIVERY, "-3", "9204")] });
    assert.deepEqual(summary(l).map((p) => [p.status, p.realized, p.note]), [
      ["OPEN", "0", ""],
      ["OPEN", "0", ""],
    ]);
  });

  await t.step("nothing open in the data (closed before, or held from before the data)", () => {
    // BUY 1 @3400, SELL 1 @3410 (P&L 10): flat at the delivery; the record stays unattached.
    const l = ledger([
      eth(1, T0 + 1000, "BUY", "1", "3400"),
      eth(2, T0 + 2000, "SELL", "1", "3410", { realizedPnl: "10" }),
    ], { income: [TRANSFER, income(DELIVERY, "-3", "9204")] });
    assert.deepEqual(summary(l).map((p) => [p.status, p.realized, p.closeId]), [
      ["CLOSED", "10", "2"],
    ]);
  });

  await t.step("a record in another asset than the position's", () => {
    const l = ledger([eth(1, T0 + 1000, "BUY", "1", "3400")], {
      income: [TRANSFER, income(DELIVERY, "-3", "9204", { asset: "BNB" })],
    });
    assert.deepEqual(summary(l).map((p) => [p.status, p.realized]), [["OPEN", "0"]]);
  });
});

Deno.test("funding of the delivery's millisecond is charged before the settlement", () => {
  // BUY 2 @3400; funding −0.5 at the delivery's very millisecond, then the settlement +4:
  // the position takes both: realized 4, funding −0.5, net 3.5.
  const l = ledger([eth(1, T0 + 1000, "BUY", "2", "3400")], {
    income: [
      TRANSFER,
      income(DELIVERY, "4", "9204"),
      income(DELIVERY, "-0.5", "5", { incomeType: "FUNDING_FEE" }),
    ],
  });
  const [p] = l.positions;
  assert.deepEqual(
    [p?.status, p?.realizedPnl.toString(), p?.funding?.toString(), p?.netPnl?.toString()],
    ["CLOSED", "4", "-0.5", "3.5"],
  );
});

Deno.test("two settlement records of one time close the position with their sum", () => {
  // BUY 3 @3400; records −1 and −2 at the delivery: realized −3, both named in the note.
  const l = ledger([eth(1, T0 + 1000, "BUY", "3", "3400")], {
    income: [TRANSFER, income(DELIVERY, "-1", "9204"), income(DELIVERY, "-2", "9205")],
  });
  const [p] = summary(l);
  assert.deepEqual([p?.status, p?.realized, p?.exitQty], ["CLOSED", "-3", "3"]);
  assert.match(p?.note ?? "", /tranId 9204, 9205\)/);
});

Deno.test("after a settlement the books are flat", async (t) => {
  await t.step("fills after it say nothing of what was held before the data", () => {
    // One-way, a delisted perpetual listed again: SELL 10 @1 (a short from flat), settled at
    // 10s (+2). Then BUY 4 @1 opens a long and SELL 4 @1.5 closes it (P&L 2). Were the later
    // fills evidence of the prior, that SELL's P&L would need X + (−10 + 4) > 0: X = 10 held
    // before the data, and the short would be a PARTIAL closing fill instead of a settled one.
    const perp = { symbol: "XYZUSDT" };
    const settled = { ...income(T0 + 10_000, "2", "9", perp) };
    const l = ledger([
      f(1, "SELL", "10", "1", perp),
      f(20, "BUY", "4", "1", perp),
      f(30, "SELL", "4", "1.5", { ...perp, realizedPnl: "2" }),
    ], { income: [TRANSFER, settled] });
    assert.deepEqual(summary(l).map((p) => [p.status, p.direction, p.exitQty, p.realized]), [
      ["CLOSED", "SHORT", "10", "2"],
      ["CLOSED", "LONG", "4", "2"],
    ]);
  });

  await t.step("Binance's position read after the delivery is no anchor", () => {
    // BUY 10 @3400, delivered (−120); Binance's positions read on 01-04 show nothing of the
    // delisted contract. As an anchor it would say 0 − 10 = −10 was held before the data (a short
    // that the BUY closed), and the settlement would find nothing open.
    const snapshot = { market: "usdm", time: DELIVERY + 86_400_000, amounts: new Map() } as const;
    const l = ledger([eth(1, T0 + 1000, "BUY", "10", "3400")], {
      income: [TRANSFER, income(DELIVERY, "-120", "9204")],
      snapshots: [snapshot],
    });
    assert.deepEqual(summary(l).map((p) => [p.status, p.direction, p.realized, p.note]), [
      ["CLOSED", "LONG", "-120", NOTE_9204],
    ]);
  });
});
