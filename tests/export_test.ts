/**
 * The `export` command: each tool's header byte for byte, a golden file per tool from a
 * hand-worked account (`tests/support/export_account.ts`), per-asset sums equal to the ledger's
 * on generated accounts, and transaction ids that do not depend on the period or file order.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { Decimal } from "../src/decimal.ts";
import { exportEntries } from "../src/export/entries.ts";
import { EXPORT_FORMATS } from "../src/export/formats.ts";
import type { IncomeRecord } from "../src/income.ts";
import { type Period, periodOfDays } from "../src/period.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { type PositionRecord, readPositionsFile } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/account.ts";
import { runCli } from "./support/cli.ts";
import { EXPORT_INCOME_CSV, EXPORT_POSITIONS_CSV } from "./support/export_account.ts";
import { valueAt } from "./support/indexed.ts";

const HEADERS: Record<string, string> = {
  koinly: "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount," +
    "Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash",
  cointracking: "Type,Buy Amount,Buy Currency,Sell Amount,Sell Currency,Fee,Fee Currency," +
    "Exchange,Trade-Group,Comment,Date,Tx-ID,Buy Value in Account Currency," +
    "Sell Value in Account Currency,Liquidity pool",
  cointracker: "Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency," +
    "Fee Amount,Fee Currency,Tag",
};

/** Where each tool puts the amount in, the amount out, their assets and the row's id. */
const COLUMNS: Record<string, { in: [string, string]; out: [string, string]; id?: string }> = {
  koinly: {
    in: ["Received Amount", "Received Currency"],
    out: ["Sent Amount", "Sent Currency"],
    id: "TxHash",
  },
  cointracking: {
    in: ["Buy Amount", "Buy Currency"],
    out: ["Sell Amount", "Sell Currency"],
    id: "Tx-ID",
  },
  cointracker: {
    in: ["Received Quantity", "Received Currency"],
    out: ["Sent Quantity", "Sent Currency"],
  },
};

const PLAIN = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;

const cli = (cwd: string, ...args: string[]) => runCli({ cwd }, ...args);

Deno.test("export: golden file per tool from the hand-worked account", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "export-test-" });
  try {
    await Deno.writeTextFile(`${dir}/futures_positions.csv`, EXPORT_POSITIONS_CSV);
    await Deno.writeTextFile(`${dir}/futures_income.csv`, EXPORT_INCOME_CSV);
    for (const { name } of EXPORT_FORMATS) {
      await t.step(name, async () => {
        const { code, stdout, stderr } = await cli(
          dir,
          "export",
          name,
          "--from",
          "2025-01-01",
          "--to",
          "2025-01-06",
        );
        assert.equal(code, 0, stderr);
        const written = await Deno.readTextFile(`${dir}/futures-ledger-${name}.csv`);
        const golden = await Deno.readTextFile(
          new URL(`./golden/export_${name}.csv`, import.meta.url),
        );
        assert.equal(written, golden);
        assert.equal(written.slice(0, written.indexOf("\n")), HEADERS[name], "header");
        // The totals worked out by hand in tests/support/export_account.ts.
        assert.match(
          stdout,
          new RegExp(
            "2025-01-01 to 2025-01-06 \\(UTC\\): 21 rows \\(6 realized P&L, 7 commission, " +
              "4 funding, 1 settlement, 2 other fee and rebate, 1 reward\\)",
          ),
        );
        assert.match(
          stdout,
          new RegExp(
            " {2}USDT: -0\\.295 \\(realized -4\\.3, commission -0\\.37, funding -0\\.375, " +
              "settlement 0\\.7, other fees and rebates -0\\.95, rewards 5\\)",
          ),
        );
        assert.match(stdout, / {2}BNB: -0\.0002 /);
        assert.match(stdout, / {2}BTC: 0\.00017082 /);
        assert.deepEqual(sumsOf(name, written), {
          BNB: "-0.0002",
          BTC: "0.00017082",
          USDT: "-0.295",
        });
        assert.match(stderr, /1 PARTIAL position exported/);
        assert.match(stderr, /1 position open at the period's end is not exported/);
        assert.match(
          stderr,
          /warning: 1 STRATEGY_BONUS income record is not in the file .*: 1\.5 USDT; add it by hand/,
        );
        assert.equal(/1 reward row has no tag/.test(stderr), name === "cointracker", "tag note");
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export: per-asset sums equal the ledger's over any period (generated accounts)", async () => {
  const { positions, income } = await generatedLedger();
  const times = [...positions.flatMap((p) => p.closeTime ?? []), ...income.map((r) => r.time)];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const day = 86_400_000;
  const periods: Period[] = [
    {},
    periodOfDays(Date.UTC(2025, 0, 1), Date.UTC(2025, 11, 31)),
    periodOfDays(undefined, Date.UTC(2025, 5, 30)),
    periodOfDays(Date.UTC(2025, 6, 1), undefined),
  ];
  const checkPeriod = (period: Period) => {
    const expected = ledgerNet(positions, income, period);
    const entries = exportEntries(positions, income, period);
    for (const format of EXPORT_FORMATS) {
      const text = format.csv(entries);
      assert.deepEqual(
        sumsOf(format.name, text),
        expected,
        `${format.name} ${JSON.stringify(period)}`,
      );
    }
  };
  for (const period of periods) checkPeriod(period);
  assert.ok(Object.keys(ledgerNet(positions, income, {})).includes("BNB"), "BNB fees are in it");
  assert.ok(Object.keys(ledgerNet(positions, income, {})).includes("BTC"), "COIN-M is in it");
  const kinds = new Set(exportEntries(positions, income, {}).map((e) => e.kind));
  assert.deepEqual([...kinds].sort(), [
    "commission",
    "fee",
    "funding",
    "realized",
    "reward",
    "settlement",
  ], "other income is in it");
  fc.assert(
    fc.property(
      fc.integer({ min: Math.floor(first / day) - 1, max: Math.floor(last / day) + 1 }),
      fc.integer({ min: 0, max: 400 }),
      (start, length) => checkPeriod(periodOfDays(start * day, (start + length) * day)),
    ),
    { numRuns: 25 },
  );
});

Deno.test("export: ids are unique and the same whatever the period or file order", async () => {
  const { positions, income } = await generatedLedger();
  const firstHalf = periodOfDays(Date.UTC(2025, 0, 1), Date.UTC(2025, 6, 31));
  const secondHalf = periodOfDays(Date.UTC(2025, 5, 1), Date.UTC(2025, 11, 31));
  const overlap = periodOfDays(Date.UTC(2025, 5, 1), Date.UTC(2025, 6, 31));
  const shuffled = <T>(items: readonly T[]) =>
    items.map((item, i) => ({ item, key: (i * 7919) % 104729 })).sort((a, b) => a.key - b.key)
      .map((x) => x.item);
  for (const format of EXPORT_FORMATS.filter((f) => f.hasIds)) {
    const idColumn = valueAt(COLUMNS, format.name).id!;
    const rowsById = (period: Period, p = positions, r = income) =>
      new Map(
        rowsOf(format.csv(exportEntries(p, r, period))).map((row) => [valueAt(row, idColumn), row]),
      );
    const whole = rowsOf(format.csv(exportEntries(positions, income, {})));
    const ids = whole.map((row) => valueAt(row, idColumn));
    assert.equal(new Set(ids).size, ids.length, `${format.name}: every id once`);
    assert.ok(ids.every((id) => /^fl-(usdm|coinm)-[A-Za-z0-9_-]+$/.test(id)), format.name);
    const a = rowsById(firstHalf);
    const b = rowsById(secondHalf);
    const both = rowsById(overlap);
    assert.ok(both.size > 100, `${format.name}: the periods overlap (${both.size} rows)`);
    for (const [id, row] of both) {
      assert.deepEqual(a.get(id), row, `${format.name}: ${id} in the first export`);
      assert.deepEqual(b.get(id), row, `${format.name}: ${id} in the second export`);
    }
    const reordered = rowsById(overlap, shuffled(positions), shuffled(income));
    assert.deepEqual([...reordered], [...both], `${format.name}: file order changes nothing`);
  }
  // Without ids (CoinTracker), a re-export of the overlap gives the very same lines.
  const tracker = EXPORT_FORMATS.find((f) => !f.hasIds)!;
  const lines = (period: Period) =>
    new Set(tracker.csv(exportEntries(positions, income, period)).split("\n").slice(1));
  const [first, second] = [lines(firstHalf), lines(secondHalf)];
  for (const line of lines(overlap)) assert.ok(first.has(line) && second.has(line), line);
});

Deno.test("export: the command line", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "export-cli-test-" });
  try {
    await Deno.writeTextFile(`${dir}/futures_positions.csv`, EXPORT_POSITIONS_CSV);
    await t.step("--help names every option and label", async () => {
      const { code, stdout } = await cli(dir, "export", "--help");
      assert.equal(code, 0);
      for (
        const word of [
          "--from",
          "--to",
          "--positions",
          "--income",
          "--no-funding",
          "--out",
          "realized gain",
          "Derivatives / Futures Profit",
          "margin gain",
          "close time",
          "INSURANCE_CLEAR",
          "DELIVERED_SETTELMENT",
          "Reward / Bonus",
          "count it twice",
          "warning",
        ]
      ) {
        assert.ok(stdout.includes(word), word);
      }
    });
    await t.step("bad command lines: one line, exit 2, nothing written", async () => {
      for (
        const [args, message] of [
          [[], /which tool\?/],
          [["quickbooks"], /unknown tool "quickbooks"/],
          [["koinly", "--to", "cointracker"], /one tool at a time/],
          [["koinly", "--from", "2025-02-30"], /--from must be a date YYYY-MM-DD/],
          [["koinly", "--from", "2025-02-01", "--to", "2025-01-31"], /is before --from/],
          [["koinly", "--no-funding", "--income", "x.csv"], /exclude each other/],
          [["koinly", "--bogus"], /bogus/],
        ] as const
      ) {
        const { code, stderr } = await cli(dir, "export", ...args);
        assert.equal(code, 2, args.join(" "));
        assert.match(stderr, message);
        assert.equal(stderr.trim().split("\n").length, 1);
      }
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.deepEqual(names, ["futures_positions.csv"]);
    });
    await t.step("no income file: refused unless --no-funding", async () => {
      const missing = await cli(dir, "export", "koinly");
      assert.equal(missing.code, 2);
      assert.match(
        missing.stderr,
        /there is no futures_income\.csv in .*: the funding payments come from it/,
      );
      const given = await cli(dir, "export", "koinly", "--income", "nope.csv");
      assert.equal(given.code, 2);
      assert.match(given.stderr, /--income nope\.csv: no such file/);
      const none = await cli(dir, "export", "koinly", "--positions", "nope.csv", "--no-funding");
      assert.equal(none.code, 2);
      assert.match(none.stderr, /--positions nope\.csv: no such file/);
      const { code, stdout, stderr } = await cli(
        dir,
        "export",
        "--to",
        "cointracking",
        "--no-funding",
        "--to",
        "2025-01-06",
        "--out",
        "ct.csv",
      );
      assert.equal(code, 0, stderr);
      assert.match(
        stdout,
        /up to 2025-01-06 \(UTC\): 15 rows \(7 realized P&L, 8 commission, 0 funding\) written to ct\.csv/,
      );
      // XRPUSDT (closed 2024-12-31) counts now: USDT −4.3 + 1 realized, −0.37 − 0.01 fees. The
      // settlement the delivered ETHUSDT_250103 carries is in its rows, income file or not.
      assert.match(stdout, / {2}USDT: -3\.68 \(realized -3\.3, commission -0\.38, funding 0\)/);
      assert.match(stderr, /--no-funding: funding payments are not in the file/);
    });
    await t.step("cointracker: rows alike in every field are pointed out", async () => {
      // Two symbols charged the same funding at the same time: the same CoinTracker line twice.
      await Deno.writeTextFile(
        `${dir}/alike.csv`,
        EXPORT_INCOME_CSV.split("\n")[0] + "\n" +
          "2025-01-02T08:00:00.000Z,BTCUSDT,FUNDING_FEE,-0.5,USDT,,1,,usdm\n" +
          "2025-01-02T08:00:00.000Z,ETHUSDT,FUNDING_FEE,-0.5,USDT,,2,,usdm\n",
      );
      for (const [tool, warned] of [["cointracker", true], ["koinly", false]] as const) {
        const { code, stderr } = await cli(dir, "export", tool, "--income", "alike.csv");
        assert.equal(code, 0, stderr);
        assert.equal(/1 row is alike in every field to another/.test(stderr), warned, tool);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A USDⓈ-M account (one-way and hedge books, BNB fees) and a COIN-M one, read back from files,
 * with income of other types mixed in (see {@linkcode otherIncome}).
 */
async function generatedLedger(): Promise<{ positions: PositionRecord[]; income: IncomeRecord[] }> {
  const endTime = Date.UTC(2026, 1, 15);
  const usdm = generateAccount({
    seed: 11,
    symbols: 6,
    fills: 2500,
    months: 16,
    hedge: "mixed",
    endTime,
  });
  const coinm = generateAccount({
    seed: 12,
    symbols: 3,
    fills: 600,
    months: 16,
    market: "coinm",
    endTime,
  });
  const dir = await Deno.makeTempDir({ prefix: "export-ledger-" });
  try {
    const [header, ...rows] = usdm.truthCsv().trimEnd().split("\n");
    const coinmRows = coinm.truthCsv().trimEnd().split("\n").slice(1);
    await Deno.writeTextFile(`${dir}/p.csv`, [header, ...rows, ...coinmRows].join("\n") + "\n");
    const income: IncomeRecord[] = [
      ...usdm.incomeRows().map((r) => ({ market: usdm.market, ...r })),
      ...coinm.incomeRows().map((r) => ({ market: coinm.market, ...r })),
    ];
    await writeIncomeFile(`${dir}/i.csv`, [...income, ...otherIncome(income)]);
    return {
      positions: (await readPositionsFile(`${dir}/p.csv`)).positions,
      income: await readIncomeFile(`${dir}/i.csv`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Every 25th funding record again as another income type, in turn, at its time, symbol, amount
 * (either sign: a reward paid out too) and asset: fees, rebates, rewards, settlements, and types
 * the export leaves out (OPTIONS_PREMIUM_FEE, an unknown one).
 */
function otherIncome(income: readonly IncomeRecord[]): IncomeRecord[] {
  const types = [
    "INSURANCE_CLEAR",
    "COMMISSION_REBATE",
    "WELCOME_BONUS",
    "DELIVERED_SETTELMENT",
    "REFERRAL_KICKBACK",
    "POSITION_LIMIT_INCREASE_FEE",
    "OPTIONS_PREMIUM_FEE",
    "STRATEGY_BONUS",
    "BFUSD_REWARD",
  ];
  return income.filter((r) => r.incomeType === "FUNDING_FEE")
    .filter((_, i) => i % 25 === 0)
    .map((r, i) => ({
      ...r,
      incomeType: types[i % types.length] ?? "",
      tranId: `${7_000_000 + i}`,
    }));
}

/**
 * The ledger's net result per asset over `period`, computed here on its own: positions closed
 * in it (realized − commission in the margin asset, − each other fee in its asset), plus every
 * FUNDING_FEE record in it and every other income record that is taxable money and no
 * position's (rewards only when paid in).
 */
function ledgerNet(
  positions: readonly PositionRecord[],
  income: readonly IncomeRecord[],
  period: Period,
): Record<string, string> {
  const within = (ms: number) =>
    (period.from === undefined || ms >= period.from) && (period.to === undefined || ms < period.to);
  const net = new Map<string, Decimal>();
  const add = (asset: string, amount: Decimal) =>
    net.set(asset, (net.get(asset) ?? Decimal.ZERO).plus(amount));
  for (const p of positions) {
    if (p.closeTime === undefined || !within(p.closeTime)) continue;
    add(p.marginAsset, p.realizedPnl.minus(p.commission));
    for (const [asset, fee] of p.otherCommission) add(asset, fee.neg());
  }
  for (const r of income) {
    const amount = Decimal.parse(r.income);
    if (!within(r.time)) continue;
    if (OWN_TIME.has(r.incomeType) || (REWARDS.has(r.incomeType) && amount.sign() > 0)) {
      add(r.asset, amount);
    }
  }
  return Object.fromEntries(
    [...net].filter(([, v]) => !v.isZero()).sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([asset, v]) => [asset, v.normalize().toString()]),
  );
}

/** Income types counted at their own time, whatever their sign. */
const OWN_TIME = new Set([
  "FUNDING_FEE",
  "DELIVERED_SETTELMENT",
  "INSURANCE_CLEAR",
  "POSITION_LIMIT_INCREASE_FEE",
  "COMMISSION_REBATE",
  "API_REBATE",
  "FEE_RETURN",
]);

/** Income types counted at their own time when paid in. */
const REWARDS = new Set(["REFERRAL_KICKBACK", "WELCOME_BONUS", "CONTEST_REWARD", "BFUSD_REWARD"]);

/** A written file's rows by column name (read with csv-parse, not with the project's reader). */
function rowsOf(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

/** Per asset, what a tool would add up from the file: in minus out, exact. */
function sumsOf(name: string, text: string): Record<string, string> {
  const { in: [inAmount, inAsset], out: [outAmount, outAsset] } = valueAt(COLUMNS, name);
  const sums = new Map<string, Decimal>();
  for (const row of rowsOf(text)) {
    const incoming = row[inAmount] !== "";
    assert.ok(incoming !== (row[outAmount] !== ""), "exactly one of in and out");
    const amount = valueAt(row, incoming ? inAmount : outAmount);
    assert.match(amount, PLAIN, "a plain positive decimal, no exponent, no trailing zero");
    const asset = valueAt(row, incoming ? inAsset : outAsset);
    const signed = incoming ? Decimal.parse(amount) : Decimal.parse(amount).neg();
    sums.set(asset, (sums.get(asset) ?? Decimal.ZERO).plus(signed));
  }
  return Object.fromEntries(
    [...sums].filter(([, v]) => !v.isZero()).sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([asset, v]) => [asset, v.normalize().toString()]),
  );
}
