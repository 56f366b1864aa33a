/**
 * The fake exchange's history generator: deterministic, realistic, and its ground truth is what
 * the ledger computes from its fills.
 */

import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { Decimal } from "../src/decimal.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { minuteOf, PriceTable } from "../src/ledger/fee_prices.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { minuteOpenTicks } from "./fake_exchange/price_path.ts";
import { units } from "./fake_exchange/rows.ts";
import {
  type AccountOptions,
  generateAccount,
  type GeneratedAccount,
  monthsBefore,
  tradeJson,
} from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 1, 12, 0, 0);

/** The ledger of the account's fills, income and BNBUSDT minute opens (what a sync gathers). */
function ledgerOf(account: GeneratedAccount) {
  const prices = new PriceTable();
  const bnb = account.spec("BNBUSDT");
  for (const r of account.trades) {
    if (r.commissionAsset !== "BNB" || bnb === undefined) continue;
    const minute = minuteOf(r.time);
    prices.set("BNBUSDT", minute, units(minuteOpenTicks(bnb, minute / 60_000), bnb.priceDecimals));
  }
  return buildLedger(account.trades.map((r) => fillFromTrade(r, account.market)), {
    income: account.incomeRows().map((r) => ({ market: account.market, ...r })),
    prices,
  });
}

/**
 * Every FUNDING_FEE record is attached exactly once (its parts summing to it) or listed as
 * unattached, and Σ position funding + unattached = Σ income funding, per asset.
 */
function assertFundingAccounted(account: GeneratedAccount): void {
  const { positions, fundingShares, unattachedFunding } = ledgerOf(account);
  const records = account.incomeRows().filter((r) => r.incomeType === "FUNDING_FEE");
  const parts = Map.groupBy(fundingShares, (s) => s.record.tranId);
  const unattached = new Set(unattachedFunding.map((r) => r.tranId));
  for (const r of records) {
    const mine = parts.get(r.tranId) ?? [];
    assert.ok((mine.length > 0) !== unattached.has(r.tranId), `${r.tranId}: once, or unattached`);
    if (mine.length > 0) {
      const sum = mine.reduce((a, s) => a.plus(s.amount), Decimal.ZERO);
      assert.ok(sum.eq(Decimal.parse(r.income)), `${r.tranId}: parts sum to the record`);
    }
  }
  assert.equal(parts.size + unattached.size, records.length);
  const total = (amounts: [string, Decimal][]) => {
    const sums = new Map<string, string>();
    const exact = new Map<string, Decimal>();
    for (const [asset, d] of amounts) exact.set(asset, (exact.get(asset) ?? Decimal.ZERO).plus(d));
    for (const [asset, d] of exact) sums.set(asset, d.normalize().toString());
    return sums;
  };
  assert.deepEqual(
    total([
      ...positions.map((p) => [p.marginAsset, p.funding!] as [string, Decimal]),
      ...unattachedFunding.map((r) => [r.asset, Decimal.parse(r.income)] as [string, Decimal]),
    ]),
    total(records.map((r) => [r.asset, Decimal.parse(r.income)])),
  );
  if (account.options.hedge !== false) {
    assert.ok(fundingShares.length > records.length, "hedge records are split in two");
  }
}

function ledgerCsv(account: GeneratedAccount): string {
  return positionsCsv(ledgerOf(account).positions);
}

/** The first differing line of two CSV texts, to make a failure readable. */
function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const i = x.findIndex((line, k) => line !== y[k]);
  return i < 0 ? "(lengths differ)" : `line ${i + 1}\ntruth:  ${x[i]}\nledger: ${y[i]}`;
}

Deno.test("generateAccount", async (t) => {
  await t.step("the same seed and end time give the same history, byte for byte", () => {
    const options: AccountOptions = { seed: 11, symbols: 6, fills: 4_000, endTime: END };
    const a = generateAccount(options);
    const b = generateAccount(options);
    const json = (x: GeneratedAccount) => x.trades.map((r) => tradeJson(r, "usdm")).join("\n");
    assert.equal(json(a), json(b));
    assert.equal(a.truthCsv(), b.truthCsv());
    assert.deepEqual(a.incomeRows(), b.incomeRows());
    assert.notEqual(json(a), json(generateAccount({ ...options, seed: 12 })));
  });

  const cases: [string, AccountOptions][] = [
    ["one-way USD-M", { hedge: false }],
    ["hedge USD-M", { hedge: true }],
    ["mixed USD-M", { hedge: "mixed" }],
    ["one-way COIN-M", { market: "coinm", hedge: false }],
    ["mixed COIN-M", { market: "coinm", hedge: "mixed" }],
  ];
  for (const [name, extra] of cases) {
    await t.step(`the ground truth equals the ledger's positions: ${name}`, () => {
      const account = generateAccount({
        seed: 3,
        symbols: 12,
        fills: 20_000,
        endTime: END,
        ...extra,
      });
      const truth = account.truthCsv();
      const ledger = ledgerCsv(account);
      assert.ok(truth === ledger, firstDifference(truth, ledger));
      assert.ok(account.truth().some((p) => p.status === "OPEN"), "some positions stay open");
      assertFundingAccounted(account);
    });
  }

  await t.step("added trades keep the truth equal to the ledger", () => {
    const account = generateAccount({
      seed: 5,
      symbols: 8,
      fills: 6_000,
      endTime: END,
      hedge: "mixed",
    });
    const before = account.trades.length;
    const added = account.addTrades(500, END + 3_600_000);
    assert.equal(account.trades.length, before + added.length);
    assert.ok(added.length >= 500 && added.every((r) => r.time > END - 3_600_000));
    assert.equal(account.truthCsv(), ledgerCsv(account));
  });

  await t.step("the history looks like a real trader's", () => {
    const account = generateAccount({ seed: 7, symbols: 20, fills: 30_000, endTime: END });
    const rows = account.trades;
    const bySymbol = Map.groupBy(rows, (r) => r.symbol);
    assert.ok([...bySymbol.values()].some((g) => g.length > 5_000), "a symbol with > 5,000 fills");
    const oldest = monthsBefore(END, 3);
    assert.ok(rows.some((r) => r.time < oldest), "fills older than the 3-month retention");
    const delistedTraded = account.delisted.filter((s) => bySymbol.has(s.symbol));
    assert.ok(delistedTraded.length > 0, "some traded symbols were delisted since");
    assert.ok(rows.some((r) => r.commissionAsset === "BNB"), "some fees paid in BNB");
    const pepe = bySymbol.get("1000PEPEUSDT")!;
    assert.match(at(pepe, 0).price, /^0\.\d{7}$/);
    const sameMs = rows.filter((r, i) =>
      i > 0 && at(rows, i - 1).time === r.time && at(rows, i - 1).orderId === r.orderId
    );
    assert.ok(sameMs.length > 1_000, "orders filled in many pieces in one millisecond");
    const firstIds = [...bySymbol.values()].map((g) => at(g, 0).id);
    assert.ok(new Set(firstIds).size < firstIds.length, "two symbols share a trade id");
    for (const group of bySymbol.values()) {
      for (let i = 1; i < group.length; i++) {
        const [before, fill] = [at(group, i - 1), at(group, i)];
        assert.ok(BigInt(fill.id) > BigInt(before.id) && fill.time >= before.time);
      }
    }
    assert.match(rows.find((r) => r.realizedPnl !== "0")!.realizedPnl, /^-?\d+\.\d{8}$/);
    assert.match(at(rows, 0).commission, /^-?\d+\.\d{8}$/);
    const flips = account.truth().filter((p, _, all) =>
      p.closeTradeId !== "" &&
      all.some((q) => q.symbol === p.symbol && q.openTradeId === p.closeTradeId)
    );
    assert.ok(flips.length > 0, "one-way flips");
    assert.ok(account.openPositions().length > 0, "positions open at the end");
  });

  await t.step(
    "funding is charged every 8 hours on open positions, with tranIds above 2^53",
    () => {
      const account = generateAccount({ seed: 7, symbols: 5, fills: 3_000, endTime: END });
      const funding = account.incomeRows().filter((r) => r.incomeType === "FUNDING_FEE");
      assert.ok(funding.length > 100);
      assert.ok(funding.every((r) => r.time % (8 * 3_600_000) === 0 && r.tradeId === ""));
      assert.ok(funding.every((r) => BigInt(r.tranId) > 2n ** 53n));
      const commission = account.incomeRows().filter((r) => r.incomeType === "COMMISSION");
      assert.ok(commission.length > 0 && commission.every((r) => r.tradeId !== ""));
    },
  );
});
