/**
 * The export of income records other than funding: hand-worked rows in each tool's format, the
 * types deliberately left out (positions carry them, or they are transfers), the warning for
 * any other record (type, count, sum per asset), through the real command line too, and every
 * type of Binance's list given a decision.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { INCOME_TYPES } from "../src/archive/income_types.ts";
import { Decimal } from "../src/decimal.ts";
import { exportEntries, leftOutIncome, totalsByAsset } from "../src/export/entries.ts";
import { EXPORT_FORMATS } from "../src/export/formats.ts";
import { incomeTreatment } from "../src/export/income_kinds.ts";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import type { Position } from "../src/position.ts";
import { writeIncomeFile } from "../src/storage/income_file.ts";
import { runCli } from "./support/cli.ts";
import { EXPORT_POSITIONS_CSV } from "./support/export_account.ts";
import { f } from "./support/fills.ts";

/** A USDⓈ-M record in USDT at `iso`, unless `more` says otherwise. */
function record(
  iso: string,
  incomeType: string,
  income: string,
  tranId: string,
  more: Partial<IncomeRecord> = {},
): IncomeRecord {
  const time = Date.parse(iso);
  return {
    market: "usdm",
    time,
    symbol: "BTCUSDT",
    incomeType,
    income,
    asset: "USDT",
    info: incomeType,
    tranId,
    tradeId: "",
    ...more,
  };
}

/** The data lines (no header) of each tool's file for `income` alone. */
function lines(income: readonly IncomeRecord[]): Record<string, string[]> {
  const entries = exportEntries([], income, {});
  return Object.fromEntries(
    EXPORT_FORMATS.map((f) => [f.name, f.csv(entries).trimEnd().split("\n").slice(1)]),
  );
}

Deno.test("export income: a liquidation clearance fee and a commission rebate, row by row", () => {
  // INSURANCE_CLEAR −1.25 USDT (BTCUSDT, 2025-03-01 00:00:00, tranId 501): 1.25 USDT out, a fee.
  // COMMISSION_REBATE +0.3 USDT (ETHUSDT, 2025-03-01 01:00:00, tranId 502): 0.3 USDT in, a rebate.
  // Total USDT −1.25 + 0.3 = −0.95.
  const income = [
    record("2025-03-01T00:00:00.000Z", "INSURANCE_CLEAR", "-1.25", "501"),
    record("2025-03-01T01:00:00.000Z", "COMMISSION_REBATE", "0.30", "502", { symbol: "ETHUSDT" }),
  ];
  assert.deepEqual(lines(income), {
    koinly: [
      "2025-03-01 00:00 UTC,1.25,USDT,,,,,,,margin fee," +
      '"BTCUSDT liquidation clearance fee (usdm, income INSURANCE_CLEAR tranId 501)",' +
      "fl-usdm-insurance-clear-501",
      "2025-03-01 01:00 UTC,,,0.3,USDT,,,,,fee refund," +
      '"ETHUSDT commission rebate (usdm, income COMMISSION_REBATE tranId 502)",' +
      "fl-usdm-commission-rebate-502",
    ],
    cointracking: [
      "Other Fee,,,1.25,USDT,,,Binance Futures,BTCUSDT," +
      '"BTCUSDT liquidation clearance fee (usdm, income INSURANCE_CLEAR tranId 501)",' +
      "2025-03-01 00:00:00,fl-usdm-insurance-clear-501,,,",
      "Other Income,0.3,USDT,,,,,Binance Futures,ETHUSDT," +
      '"ETHUSDT commission rebate (usdm, income COMMISSION_REBATE tranId 502)",' +
      "2025-03-01 01:00:00,fl-usdm-commission-rebate-502,,,",
    ],
    cointracker: [
      "03/01/2025 00:00:00,,,1.25,USDT,,,margin fee",
      "03/01/2025 01:00:00,0.3,USDT,,,,,margin rebate",
    ],
  });
  const totals = totalsByAsset(exportEntries([], income, {}));
  assert.deepEqual([...totals].map(([a, t]) => `${a} ${t}`), ["USDT -0.95"]);
});

Deno.test("export income: each type that becomes a row, and its label in each tool", () => {
  // [type, amount, Koinly label, CoinTracking type, CoinTracker tag]; all at 2025-03-02 00:00.
  const cases: [string, string, string, string, string][] = [
    [
      "DELIVERED_SETTELMENT",
      "12.5",
      "realized gain",
      "Derivatives / Futures Profit",
      "margin gain",
    ],
    ["DELIVERED_SETTELMENT", "-2.4", "realized gain", "Derivatives / Futures Loss", "margin loss"],
    ["INSURANCE_CLEAR", "0.7", "fee refund", "Other Income", "margin rebate"],
    ["POSITION_LIMIT_INCREASE_FEE", "-0.5", "margin fee", "Other Fee", "margin fee"],
    ["API_REBATE", "0.02", "fee refund", "Other Income", "margin rebate"],
    ["FEE_RETURN", "0.04", "fee refund", "Other Income", "margin rebate"],
    ["COMMISSION_REBATE", "-0.01", "margin fee", "Other Fee", "margin fee"],
    ["REFERRAL_KICKBACK", "0.15", "reward", "Reward / Bonus", ""],
    ["WELCOME_BONUS", "5", "reward", "Reward / Bonus", ""],
    ["CONTEST_REWARD", "20", "reward", "Reward / Bonus", ""],
    ["BFUSD_REWARD", "0.0123", "reward", "Reward / Bonus", ""],
  ];
  for (const [type, amount, koinly, cointracking, cointracker] of cases) {
    const what = `${type} ${amount}`;
    const got = lines([record("2025-03-02T00:00:00.000Z", type, amount, "77")]);
    const id = `fl-usdm-${type.toLowerCase().replaceAll("_", "-")}-77`;
    const plain = amount.replace(/^-/, "");
    const out = amount.startsWith("-");
    const [k] = got.koinly ?? [];
    assert.ok(
      k?.endsWith(`,${koinly},"BTCUSDT ${describe(type)} (usdm, income ${type} tranId 77)",${id}`),
      what,
    );
    assert.ok(k?.includes(out ? `UTC,${plain},USDT,,,` : `UTC,,,${plain},USDT,`), what);
    assert.ok(got.cointracking?.[0]?.startsWith(`${cointracking},`), what);
    assert.ok(got.cointracking?.[0]?.includes(`,${id},`), what);
    const tracker = out ? `,,,${plain},USDT,,,${cointracker}` : `,${plain},USDT,,,,,${cointracker}`;
    assert.deepEqual(got.cointracker, [`03/02/2025 00:00:00${tracker}`], what);
  }
});

/** The words a row's description gives a type (as `income_kinds.ts` says them). */
function describe(type: string): string {
  return ({
    DELIVERED_SETTELMENT: "delivery settlement at expiry",
    INSURANCE_CLEAR: "liquidation clearance fee",
    POSITION_LIMIT_INCREASE_FEE: "position limit increase fee",
    API_REBATE: "API rebate",
    FEE_RETURN: "fee return",
    COMMISSION_REBATE: "commission rebate",
    REFERRAL_KICKBACK: "referral kickback",
    WELCOME_BONUS: "welcome bonus",
    CONTEST_REWARD: "contest reward",
    BFUSD_REWARD: "BFUSD reward",
  } as Record<string, string>)[type] ?? type;
}

Deno.test("export income: an account-wide bonus names the account, and CoinTracker asks for its category", () => {
  const income = [record("2025-03-03T00:00:00.000Z", "WELCOME_BONUS", "5", "9", { symbol: "" })];
  const entries = exportEntries([], income, {});
  assert.equal(
    entries[0]?.description,
    "account welcome bonus (usdm, income WELCOME_BONUS tranId 9)",
  );
  const tracker = EXPORT_FORMATS.find((f) => f.name === "cointracker");
  assert.match(
    tracker?.note?.(entries) ?? "",
    /^1 reward row has no tag .* set its category to Other Income/,
  );
  for (const f of EXPORT_FORMATS.filter((f) => f.name !== "cointracker")) {
    assert.equal(f.note?.(entries), undefined, f.name);
  }
});

Deno.test("export income: positions' money and transfers give no row and no warning", () => {
  const income = [
    record("2025-03-04T00:00:00.000Z", "REALIZED_PNL", "3", "1", { tradeId: "5" }),
    record("2025-03-04T00:00:00.000Z", "COMMISSION", "-0.1", "2", { tradeId: "5" }),
    ...[
      "TRANSFER",
      "INTERNAL_TRANSFER",
      "CROSS_COLLATERAL_TRANSFER",
      "STRATEGY_UMFUTURES_TRANSFER",
      "COIN_SWAP_DEPOSIT",
      "COIN_SWAP_WITHDRAW",
      "AUTO_EXCHANGE",
    ].map((type, i) =>
      record("2025-03-04T00:00:00.000Z", type, i % 2 ? "-100" : "100", `${i + 10}`)
    ),
  ];
  assert.deepEqual(exportEntries([], income, {}), []);
  assert.deepEqual(leftOutIncome(income, {}), []);
});

Deno.test("export income: what is left out, by type, with its count and sums per asset", () => {
  // OPTIONS_PREMIUM_FEE −2 USDT; STRATEGY_BONUS (a type Binance might add) 1.5 + 0.25 = 1.75 USDT
  // and 0.001 BTC (COIN-M); WELCOME_BONUS −5 (a bonus taken back). Out of the period: −9 USDT of
  // STRATEGY_BONUS on 2025-04-01, and zero amounts move nothing: neither is counted.
  const income = [
    record("2025-03-05T00:00:00.000Z", "OPTIONS_PREMIUM_FEE", "-2", "1", {
      symbol: "BTC-250307-90000-C",
    }),
    record("2025-03-05T00:00:00.000Z", "STRATEGY_BONUS", "1.5", "2", { symbol: "" }),
    record("2025-03-06T00:00:00.000Z", "STRATEGY_BONUS", "0.25", "3", { symbol: "" }),
    record("2025-03-06T00:00:00.000Z", "STRATEGY_BONUS", "0.001", "4", {
      market: "coinm",
      asset: "BTC",
      symbol: "",
    }),
    record("2025-03-07T00:00:00.000Z", "STRATEGY_BONUS", "0", "5", { symbol: "" }),
    record("2025-03-07T00:00:00.000Z", "WELCOME_BONUS", "5", "6", { symbol: "" }),
    record("2025-03-08T00:00:00.000Z", "WELCOME_BONUS", "-5", "7", { symbol: "" }),
    record("2025-04-01T00:00:00.000Z", "STRATEGY_BONUS", "-9", "8", { symbol: "" }),
  ];
  const march = { from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 3, 1) };
  const left = leftOutIncome(income, march).map((l) => ({
    type: l.incomeType,
    count: l.count,
    sums: Object.fromEntries([...l.sums].map(([a, s]) => [a, s.toString()])),
  }));
  assert.deepEqual(left, [
    { type: "OPTIONS_PREMIUM_FEE", count: 1, sums: { USDT: "-2" } },
    { type: "STRATEGY_BONUS", count: 3, sums: { BTC: "0.001", USDT: "1.75" } },
    { type: "WELCOME_BONUS", count: 1, sums: { USDT: "-5" } },
  ]);
  // The bonus paid in is a row; nothing left out is.
  const entries = exportEntries([], income, march);
  assert.deepEqual(entries.map((e) => e.id), ["fl-usdm-welcome-bonus-6"]);
});

Deno.test("export income: every type of Binance's list has a decision", () => {
  // Each type becomes a row, or is deliberately not one; only the options types are left out.
  const undecided = [...INCOME_TYPES].filter((type) =>
    "leftOut" in incomeTreatment(type, Decimal.parse("1"))
  );
  assert.deepEqual(undecided.sort(), ["OPTIONS_PREMIUM_FEE", "OPTIONS_SETTLE_PROFIT"]);
});

Deno.test("export income: the command warns of what it leaves out, and its totals are the rows'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export-income-test-" });
  try {
    await Deno.writeTextFile(`${dir}/futures_positions.csv`, EXPORT_POSITIONS_CSV);
    // With the hand-worked positions (tests/support/export_account.ts: USDT realized −4.3,
    // commission −0.37; BNB −0.0002; BTC 0.00018182 − 0.00001) and no funding:
    //   INSURANCE_CLEAR −1.25 + COMMISSION_REBATE 0.3 = −0.95 other fees and rebates (USDT)
    //   USDT total −4.3 − 0.37 − 0.95 = −5.62; 13 position rows + 2 = 15 rows.
    // Left out: OPTIONS_PREMIUM_FEE −2 USDT; STRATEGY_BONUS 1.5 + 0.25 = 1.75 USDT. Not exported
    // and not warned of: TRANSFER 100, REALIZED_PNL −20.4.
    await writeIncomeFile(`${dir}/futures_income.csv`, [
      record("2025-01-02T00:00:00.000Z", "TRANSFER", "100", "9103", { symbol: "" }),
      record("2025-01-03T08:00:00.000Z", "INSURANCE_CLEAR", "-1.25", "9101"),
      record("2025-01-03T12:30:45.000Z", "REALIZED_PNL", "-20.4", "9107", { tradeId: "103" }),
      record("2025-01-04T00:00:00.000Z", "COMMISSION_REBATE", "0.3", "9102", { symbol: "ETHUSDT" }),
      record("2025-01-05T00:00:00.000Z", "OPTIONS_PREMIUM_FEE", "-2", "9104"),
      record("2025-01-05T00:00:00.000Z", "STRATEGY_BONUS", "1.5", "9105", { symbol: "" }),
      record("2025-01-06T00:00:00.000Z", "STRATEGY_BONUS", "0.25", "9106", { symbol: "" }),
    ]);
    const period = ["--from", "2025-01-01", "--to", "2025-01-06"];
    const { code, stdout, stderr } = await runCli({ cwd: dir }, "export", "koinly", ...period);
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /: 15 rows \(6 realized P&L, 7 commission, 0 funding, 2 other fee and rebate\) written/,
    );
    assert.match(
      stdout,
      / {2}USDT: -5\.62 \(realized -4\.3, commission -0\.37, funding 0, other fees and rebates -0\.95\)\n/,
    );
    const warnings = stderr.split("\n").filter((l) => l.startsWith("warning:"));
    assert.deepEqual(warnings, [
      "warning: 1 OPTIONS_PREMIUM_FEE income record is not in the file (a type the export does " +
      "not map): -2 USDT; add it by hand if taxable",
      "warning: 2 STRATEGY_BONUS income records are not in the file (a type the export does not " +
      "map): 1.75 USDT; add them by hand if taxable",
    ]);
    const written = await Deno.readTextFile(`${dir}/futures-ledger-koinly.csv`);
    assert.match(written, /,1\.25,USDT,.*,margin fee,.*,fl-usdm-insurance-clear-9101\n/);
    assert.match(written, /,,,0\.3,USDT,.*,fee refund,.*,fl-usdm-commission-rebate-9102\n/);
    assert.doesNotMatch(written, /TRANSFER|REALIZED_PNL|OPTIONS|STRATEGY/);
    // The printed total is what the file's USDT rows add up to (received − sent).
    const rows = parse(written, { columns: true }) as Record<string, string>[];
    const usdt = rows.reduce(
      (sum, r) =>
        r["Received Currency"] === "USDT"
          ? sum.plus(Decimal.parse(r["Received Amount"] ?? ""))
          : r["Sent Currency"] === "USDT"
          ? sum.minus(Decimal.parse(r["Sent Amount"] ?? ""))
          : sum,
      Decimal.ZERO,
    );
    assert.equal(usdt.normalize().toString(), "-5.62");
    // Nothing left out in a period without those records: no warning.
    const early = await runCli({ cwd: dir }, "export", "koinly", "--to", "2025-01-04");
    assert.equal(early.code, 0, early.stderr);
    assert.doesNotMatch(early.stderr, /warning/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export: a settlement that closed a position is counted once, in the position", () => {
  // ETHUSDT_250103: BUY 1 @3400 (fee 1.36), delivered 2025-01-03 08:00: DELIVERED_SETTELMENT −2.4
  // (tranId 1) closes it in the ledger. BNBUSDT_250103: +0.7 (tranId 2), no position in the data.
  // Rows: the position's realized −2.4 and commission −1.36 at the delivery, the unattached
  // settlement +0.7 as its own row. USDT total −2.4 − 1.36 + 0.7 = −3.06.
  const delivery = "2025-01-03T08:00:00.000Z";
  const eth = { symbol: "ETHUSDT_250103" };
  const income = [
    record("2025-01-01T00:00:00.000Z", "TRANSFER", "100", "3", { symbol: "" }),
    record(delivery, "DELIVERED_SETTELMENT", "-2.4", "1", eth),
    record(delivery, "DELIVERED_SETTELMENT", "0.7", "2", { symbol: "BNBUSDT_250103" }),
  ];
  const ledger = buildLedger([f(1, "BUY", "1", "3400", { ...eth, commission: "1.36" })], {
    income,
  });
  const rows = (positions: readonly Position[]) =>
    exportEntries(positions, income, {}).map((e) => [e.kind, `${e.amount}`, e.id]);
  const at = Date.parse(delivery);
  assert.deepEqual(rows(ledger.positions), [
    ["commission", "-1.36", `fl-usdm-ETHUSDT_250103-BOTH-delivery-${at}-fee-USDT`],
    ["realized", "-2.4", `fl-usdm-ETHUSDT_250103-BOTH-delivery-${at}-pnl`],
    ["settlement", "0.7", "fl-usdm-delivered-settelment-2"],
  ]);
  const totals = totalsByAsset(exportEntries(ledger.positions, income, {}));
  assert.equal(`${totals.get("USDT")}`, "-3.06");
  // A position a fill closed at that very time does not hold the record: the record is its row.
  const byFill = ledger.positions.map((p) => ({ ...p, closeTradeId: "7" }));
  assert.deepEqual(rows(byFill).map(([kind, amount]) => `${kind} ${amount}`), [
    "commission -1.36",
    "realized -2.4",
    "settlement -2.4",
    "settlement 0.7",
  ]);
});
