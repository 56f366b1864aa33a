/**
 * Reconciliation with Binance after each sync: positions against `positionRisk`, and the
 * ledger's totals against the income history's. The real CLI against the fake exchange, and
 * the comparison itself on a hand-made ledger.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { Decimal } from "../src/decimal.ts";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { summarize } from "../src/ledger/summary.ts";
import { advanceSums, SumsBuilder } from "../src/sync/income_sums.ts";
import { checkIncome, checkPositions } from "../src/sync/reconcile.ts";
import { positionCheckLines } from "../src/cli/reconcile_report.ts";
import { summaryTable } from "../src/cli/summary.ts";
import { PriceTable } from "../src/ledger/fee_prices.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { f } from "./support/fills.ts";
import { valueAt } from "./support/indexed.ts";
import { memoryClient, syncInProcess } from "./support/memory_exchange.ts";
import { syncWith, tempDir } from "./support/sync.ts";

/** Σ of a CSV column, per value of another. */
function sumBy(
  csv: string,
  column: string,
  by: string,
  where = (_: Record<string, string>) => true,
) {
  const sums = new Map<string, Decimal>();
  for (const row of parse(csv, { columns: true }) as Record<string, string>[]) {
    if (!where(row)) continue;
    const key = valueAt(row, by);
    sums.set(key, (sums.get(key) ?? Decimal.ZERO).plus(Decimal.parse(row[column] || "0")));
  }
  return new Map([...sums].map(([k, v]) => [k, v.normalize().toString()]));
}

Deno.test("a complete account reconciles silently", async () => {
  // Two months of history, all within what Binance serves; hedge and one-way symbols, funding
  // and BNB fees.
  await using exchange = await startFakeExchange({
    seed: 23,
    symbols: 6,
    fills: 5000,
    months: 2,
    hedge: "mixed",
  });
  await using dir = await tempDir();
  const { code, stdout, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Ledger against the income history/m);
  assert.match(stdout, /^USDT .* ok$/m);
  assert.doesNotMatch(stdout, /DIFFERS|differ from the ledger|PARTIAL|found no open position/);

  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  const income = await Deno.readTextFile(`${dir.path}/futures_income.csv`);
  const isFunding = (r: Record<string, string>) => r.incomeType === "FUNDING_FEE";
  assert.deepEqual(
    sumBy(positions, "funding", "margin_asset"),
    sumBy(income, "income", "asset", isFunding),
    "Σ position funding = Σ FUNDING_FEE income (nothing unattached)",
  );
  const conversions = parse(
    await Deno.readTextFile(`${dir.path}/futures_fee_conversions.csv`),
    { columns: true },
  ) as Record<string, string>[];
  assert.ok(conversions.length > 0 && conversions.every((c) => c.price !== ""), "BNB fees priced");
});

Deno.test("an account older than Binance's 3 months is flagged, with what helps", async () => {
  // Twelve months of trading; Binance serves the last 3: some positions began before that.
  await using exchange = await startFakeExchange({ seed: 29, symbols: 6, fills: 8000, months: 12 });
  await using dir = await tempDir();
  const { code, stdout, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /positions? began before the first fill in the file \(status PARTIAL/);
  assert.match(stdout, /"sync --from DATE".* requests the older history through Binance's bulk/);
  assert.match(stdout, /Trade History > Export/);
});

Deno.test("checkPositions: each book whose quantity differs, with what to do", () => {
  // The ledger holds BTCUSDT long 1; Binance long 1.5, and short 2 ETHUSDT the ledger lacks.
  const ledger = buildLedger([f(1, "BUY", "1", "100")]);
  const summaries = summarize(ledger.positions, []);
  const check = checkPositions(
    summaries,
    new Map([["BTCUSDT|BOTH", "1.5"], ["ETHUSDT|BOTH", "-2"]]),
  );
  assert.deepEqual(check.mismatches, [
    { symbol: "BTCUSDT", positionSide: "BOTH", exchange: "1.5", ledger: "1" },
    { symbol: "ETHUSDT", positionSide: "BOTH", exchange: "-2", ledger: "0" },
  ]);
  const lines = positionCheckLines(check);
  assert.equal(lines[1], "  BTCUSDT BOTH: Binance 1.5, ledger 1");
  assert.match(lines.at(-1)!, /^What to do: run "sync --full" once/);
  assert.deepEqual(
    positionCheckLines(checkPositions(summaries, new Map([["BTCUSDT|BOTH", "1"]]))),
    [],
  );
});

Deno.test("checkIncome: fills, funding and income totals side by side, per asset", () => {
  // Fills: realized 10 USDT, fees 0.04 USDT and 0.0001 BNB. Income: the same, but the BNB fee
  // record is missing (a fill the income history has and the fills file lacks would show alike).
  const record = (incomeType: string, income: string, asset: string, second: number) =>
    ({
      market: "usdm",
      time: Date.UTC(2025, 0, 1) + second * 1000,
      symbol: "BTCUSDT",
      incomeType,
      income,
      asset,
      info: "",
      tranId: String(second),
      tradeId: "",
    }) satisfies IncomeRecord;
  const fills = [
    f(1, "BUY", "1", "100", { commission: "0.0001", commissionAsset: "BNB" }),
    f(3, "SELL", "1", "110", { commission: "0.04", realizedPnl: "10" }),
  ];
  const income = [
    record("COMMISSION", "-0.04", "USDT", 3),
    record("REALIZED_PNL", "10", "USDT", 3),
    record("FUNDING_FEE", "-0.5", "USDT", 2),
    record("TRANSFER", "5", "BNB", 0),
  ];
  const ledger = buildLedger(fills, { income });
  const sums = new SumsBuilder(Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2));
  for (const fill of fills) sums.fill(fill);
  for (const r of income) sums.income(r, true);
  const check = checkIncome(sums.build(), summarize(ledger.positions, ledger.unattachedFunding));
  const text = check.assets.map((a) =>
    [
      a.asset,
      a.fillsPnl,
      a.incomePnl,
      a.fillsCommission,
      a.incomeCommission,
      a.ledgerFunding,
      a.incomeFunding,
      a.agrees,
    ]
      .join(" ")
  );
  assert.deepEqual(text, [
    "BNB 0 0 0.0001 0 0 0 false",
    "USDT 10 10 0.04 0.04 -0.5 -0.5 true",
  ]);
});

Deno.test("the income check ends 10 minutes before the sync", async (t) => {
  // Binance books a fill's COMMISSION record a moment after the fill: at the sync, the fee of a
  // fill 10 s old may not be in the income history yet. The check compares only up to 10 minutes
  // before the sync, so that fill is not a difference.
  await t.step("a fee not booked yet is not a difference", async () => {
    const old = f(1, "BUY", "1", "100", { commission: "0.1" });
    const recent = f(2, "SELL", "1", "100", { commission: "0.2", time: old.time + 3_600_000 });
    const now = recent.time + 10_000;
    const booked = (fill: typeof old, time: number): IncomeRecord => ({
      market: "usdm",
      time,
      symbol: "BTCUSDT",
      incomeType: "COMMISSION",
      income: `-${fill.commission}`,
      asset: "USDT",
      info: "",
      tranId: fill.id,
      tradeId: fill.id,
    });
    // The recent fill's record is booked 20 s after it: the exchange does not show it yet.
    const income = [booked(old, old.time), booked(recent, recent.time + 20_000)];
    const account = { fills: [old, recent], income, priors: new Map(), prices: new Map() };
    await using dir = await tempDir();
    const result = await syncInProcess(dir.path, "usdm", memoryClient(account, "usdm", now));
    const check = result.incomeCheck!;
    assert.equal(check.to, now - 10 * 60_000);
    assert.deepEqual(
      check.assets.map((a) => [a.asset, `${a.fillsCommission}`, `${a.incomeCommission}`, a.agrees]),
      [["USDT", "0.1", "0.1", true]],
    );
  });

  await t.step("moving the sums on counts a row at the old cutoff once", () => {
    // Sums up to C hold a fill at C (fee 0.1). Moving on to C + 60 s: the files' tail holds
    // that fill again and one at C + 1 ms (fee 0.2), and this sync added a fill at C that came
    // late (fee 0.4): 0.1 + 0.2 + 0.4 = 0.7, the fill at C counted once.
    const c = Date.UTC(2025, 0, 1, 12);
    const counted = f(1, "BUY", "1", "100", { commission: "0.1", time: c });
    const after = f(2, "BUY", "1", "100", { commission: "0.2", time: c + 1 });
    const late = f(3, "BUY", "1", "100", { commission: "0.4", time: c });
    const old = new SumsBuilder(c - 3_600_000, c);
    old.fill(counted);
    const moved = advanceSums(
      old.build(),
      c + 60_000,
      { fills: [counted, after, late], income: [] },
      { fills: [late], income: [] },
    );
    assert.equal(moved.cutoffMs, c + 60_000);
    assert.equal(moved.assets.USDT?.fillsCommission, "0.7");
  });
});

Deno.test("the summary table adds converted fees and funding, and says ? when one is unknown", () => {
  // BTCUSDT: P&L 10, fees 0.04 USDT and 0.0001 BNB at 600 = 0.06, funding −0.5:
  // commission 0.1, net 10 − 0.1 − 0.5 = 9.4. ETHUSDT: a BNB fee without a price.
  const prices = new PriceTable();
  prices.set("BNBUSDT", Date.UTC(2025, 0, 1), Decimal.parse("600"));
  const bnb = { commission: "0.0001", commissionAsset: "BNB" };
  const record = (incomeType: string, income: string, second: number): IncomeRecord => ({
    market: "usdm",
    time: Date.UTC(2025, 0, 1) + second * 1000,
    symbol: "BTCUSDT",
    incomeType,
    income,
    asset: "USDT",
    info: "",
    tranId: String(second),
    tradeId: "",
  });
  const ledger = buildLedger([
    f(1, "BUY", "1", "100", bnb),
    f(3, "SELL", "1", "110", { commission: "0.04", realizedPnl: "10" }),
    f(100, "BUY", "1", "100", { ...bnb, symbol: "ETHUSDT" }), // 00:01:40: no price that minute
  ], { income: [record("TRANSFER", "100", 0), record("FUNDING_FEE", "-0.5", 2)], prices });
  const summaries = summarize(ledger.positions, ledger.unattachedFunding);
  const table = summaryTable(summaries, new Map([["BTCUSDT", 2], ["ETHUSDT", 1]]))
    .split("\n").map((line) => line.split(/ {2,}/));
  assert.deepEqual(table.slice(1, 4), [
    ["BTCUSDT", "2", "-", "10 USDT", "0.1 USDT", "-0.5 USDT", "9.4 USDT"],
    ["ETHUSDT", "1", "LONG 1", "0 USDT", "?", "0 USDT", "?"],
    ["all USDT symbols", "3", "10 USDT", "?", "-0.5 USDT", "?"],
  ]);
});

Deno.test("the summary table says how many symbols its totals count without a row", () => {
  // BTCUSDT closed (+10) with no new fill: no row, but in the total; ETHUSDT new and open.
  const ledger = buildLedger([
    f(1, "BUY", "1", "100"),
    f(3, "SELL", "1", "110", { realizedPnl: "10" }),
    f(100, "BUY", "1", "100", { symbol: "ETHUSDT" }),
  ]);
  const summaries = summarize(ledger.positions, ledger.unattachedFunding);
  const text = summaryTable(summaries, new Map([["ETHUSDT", 1]]));
  const rows = text.split("\n").map((line) => line.split(/ {2,}/));
  assert.deepEqual(rows.slice(1, 3).map((row) => row.slice(0, 4)), [
    ["ETHUSDT", "1", "LONG 1", "0 USDT"],
    ["all USDT symbols", "1", "10 USDT", "0 USDT"],
  ]);
  assert.match(text, /the totals count 1 more symbol, without new fills or an open position/);
});
