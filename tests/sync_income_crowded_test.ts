/**
 * A millisecond that holds more than a page (1000) of income records: every record Binance can
 * list is fetched, and what it cannot list is reported, never lost silently.
 */
import assert from "node:assert/strict";
import type { IncomeQuery } from "../src/binance/queries.ts";
import type { IncomeRow } from "../src/binance/rows.ts";
import { fetchIncome, type IncomeSource } from "../src/sync/fetch_income.ts";

const T = Date.UTC(2026, 10, 2, 9, 30, 0, 123);

/** `count` records of `type` for `symbol` at `time`, tranIds from `from` on. */
function records(type: string, symbol: string, count: number, from: number, time = T) {
  return Array.from({ length: count }, (_, i): IncomeRow => ({
    symbol,
    incomeType: type,
    income: "-0.01",
    asset: "USDT",
    info: "",
    time,
    tranId: `${from + i}`,
    tradeId: "",
  }));
}

/**
 * Binance's income history over `history`: the filters, inclusive times, at most `limit` rows,
 * oldest first, and within a millisecond by tranId (so the records with the highest tranIds are
 * the ones past a full page). Refuses a type it does not list (`accepted`), as Binance does.
 */
function source(history: readonly IncomeRow[], accepted: readonly string[] = DOCUMENTED) {
  const asked: IncomeQuery[] = [];
  const served: IncomeSource = {
    income(q: IncomeQuery) {
      asked.push(q);
      if (q.incomeType !== undefined && !accepted.includes(q.incomeType)) {
        return Promise.reject(new Error(`incomeType ${q.incomeType} refused`));
      }
      const rows = history
        .filter((r) =>
          (q.startTime === undefined || r.time >= q.startTime) &&
          (q.endTime === undefined || r.time <= q.endTime) &&
          (q.incomeType === undefined || r.incomeType === q.incomeType) &&
          (q.symbol === undefined || r.symbol === q.symbol)
        )
        .sort((a, b) => a.time - b.time || Number(a.tranId) - Number(b.tranId));
      return Promise.resolve(rows.slice(0, q.limit ?? 100));
    },
  };
  return { served, asked };
}

/** Binance's documented income types, the only ones it takes as a filter. */
const DOCUMENTED = [
  "TRANSFER",
  "WELCOME_BONUS",
  "REALIZED_PNL",
  "FUNDING_FEE",
  "COMMISSION",
  "INSURANCE_CLEAR",
  "REFERRAL_KICKBACK",
  "COMMISSION_REBATE",
  "API_REBATE",
  "CONTEST_REWARD",
  "CROSS_COLLATERAL_TRANSFER",
  "OPTIONS_PREMIUM_FEE",
  "OPTIONS_SETTLE_PROFIT",
  "INTERNAL_TRANSFER",
  "AUTO_EXCHANGE",
  "DELIVERED_SETTELMENT",
  "COIN_SWAP_DEPOSIT",
  "COIN_SWAP_WITHDRAW",
  "POSITION_LIMIT_INCREASE_FEE",
  "STRATEGY_UMFUTURES_TRANSFER",
  "FEE_RETURN",
  "BFUSD_REWARD",
];
const key = (r: IncomeRow) => `${r.incomeType}|${r.tranId}`;
const usdm = (from: number, to: number, known: string[] = []) =>
  ({ market: "usdm", from, to, known }) as const;

Deno.test("a symbol whose records all lie past the first 1000 of a millisecond", async (t) => {
  // 700 BTCUSDT and 600 ETHUSDT commissions, then 5 of SOLUSDT, all at T: the COMMISSION page
  // holds 700 BTC and 300 ETH, and no SOL. A funding record a minute later ends the window.
  const history = [
    ...records("COMMISSION", "BTCUSDT", 700, 1),
    ...records("COMMISSION", "ETHUSDT", 600, 701),
    ...records("COMMISSION", "SOLUSDT", 5, 1301),
    ...records("FUNDING_FEE", "BTCUSDT", 1, 9000, T + 60_000),
  ];
  await t.step("a symbol the account trades is asked for: all 1306 records, no gap", async () => {
    const { served } = source(history);
    const got = await fetchIncome(served, usdm(T - 1000, T + 120_000, ["SOLUSDT", "XRPUSDT"]));
    assert.deepEqual(got.gaps, []);
    assert.deepEqual(got.rows.map(key).sort(), history.map(key).sort());
    assert.equal(got.rows.filter((r) => r.symbol === "SOLUSDT").length, 5);
  });
  await t.step(
    "one it never traded cannot be found, and is left (the module says so)",
    async () => {
      const { served } = source(history);
      const got = await fetchIncome(served, usdm(T - 1000, T + 120_000));
      assert.equal(got.rows.length, 1301);
    },
  );
});

Deno.test("records without a symbol past a full page are reported", async () => {
  // 1200 transfers at T, none with a symbol: Binance lists the first 1000 only.
  const history = records("TRANSFER", "", 1200, 1);
  const { served } = source(history);
  const got = await fetchIncome(served, usdm(T - 1000, T + 1000, ["BTCUSDT"]));
  assert.equal(got.rows.length, 1000);
  assert.deepEqual(got.gaps, [
    `1000 or more TRANSFER records at ${new Date(T).toISOString()}, some without a symbol`,
  ]);
});

Deno.test("a type Binance does not document, in a crowded millisecond, is reported", async () => {
  // 1100 commissions and 3 records of a new type at T; the first page (by tranId) shows the new
  // type, which Binance would refuse as a filter: reported, and the commissions all fetched.
  const history = [
    ...records("NEW_KIND", "BTCUSDT", 3, 1),
    ...records("COMMISSION", "BTCUSDT", 900, 4),
    ...records("COMMISSION", "ETHUSDT", 200, 904),
  ];
  const { served, asked } = source(history);
  const got = await fetchIncome(served, usdm(T - 1000, T + 1000));
  assert.equal(got.rows.length, 1103);
  assert.deepEqual(got.gaps, [
    `NEW_KIND records at ${new Date(T).toISOString()}, a type Binance does not document`,
  ]);
  assert.ok(asked.every((q) => q.incomeType !== "NEW_KIND"));
});

Deno.test("COIN-M: a crowded millisecond is split by COIN-M's income types only", async () => {
  // One big order: 1200 commissions of BTCUSD_PERP at T. COIN-M lists 7 types and refuses the
  // others (-1130): asking for REFERRAL_KICKBACK there would fail the sync every time.
  const coinm = [
    "TRANSFER",
    "WELCOME_BONUS",
    "FUNDING_FEE",
    "REALIZED_PNL",
    "COMMISSION",
    "INSURANCE_CLEAR",
    "DELIVERED_SETTELMENT",
  ];
  const history = records("COMMISSION", "BTCUSD_PERP", 1200, 1);
  const { served, asked } = source(history, coinm);
  const got = await fetchIncome(served, {
    market: "coinm",
    from: T - 1000,
    to: T + 1000,
    known: [],
  });
  assert.deepEqual(got.gaps, [
    `more than 1000 COMMISSION records of BTCUSD_PERP at ${new Date(T).toISOString()}`,
  ]);
  assert.equal(got.rows.length, 1000);
  assert.ok(asked.every((q) => q.incomeType === undefined || coinm.includes(q.incomeType)));
});
