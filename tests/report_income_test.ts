/**
 * The report counts the income `export` counts: funding, fees and rebates, rewards, per kind and
 * asset, in a net for the period equal to the export's totals; what the export leaves out with a
 * warning shows as "not counted", never dropped. Hand-worked, through the real command line.
 */
import assert from "node:assert/strict";
import { INCOME_TYPES } from "../src/archive/income_types.ts";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";

/**
 * Round trips (times: id seconds after 2025-01-01T00:00:00Z), all BTCUSDT, USDT-margined:
 * - t1–t2: long 1 @100 → 110, realized +10, commissions 0.1 + 0.1 USDT;
 * - t3–t4: long 1 @100 → 95, realized −5, commissions 0.0005 BNB + 0.05 USDT;
 * - t90001–t90002 (2025-01-02): long 1 @100 → 120, realized +20, commission 0.1: after the period.
 */
const FILLS = [
  f(1, "BUY", "1", "100", { commission: "0.1" }),
  f(2, "SELL", "1", "110", { commission: "0.1", realizedPnl: "10" }),
  f(3, "BUY", "1", "100", { commission: "0.0005", commissionAsset: "BNB" }),
  f(4, "SELL", "1", "95", { commission: "0.05", realizedPnl: "-5" }),
  f(90001, "BUY", "1", "100"),
  f(90002, "SELL", "1", "120", { commission: "0.1", realizedPnl: "20" }),
];

/**
 * The income of the period 2025-01-01 (UTC), and around it:
 * - FUNDING_FEE −0.3 and +0.1 USDT (BTCUSDT): funding −0.2;
 * - COMMISSION_REBATE +0.04 USDT (account-wide): a rebate, counted;
 * - REFERRAL_KICKBACK +0.002 BNB (account-wide): a reward, counted;
 * - OPTIONS_PREMIUM_FEE −2 USDT: a type the export leaves out with a warning: not counted;
 * - WELCOME_BONUS −1 USDT: a reward taken back, left out with a warning: not counted;
 * - REALIZED_PNL +10 and COMMISSION −0.1 USDT: the round trip carries them, not counted again;
 * - TRANSFER +1000 USDT: money moved in, no gain;
 * - FUNDING_FEE −0.7 (2025-01-02) and API_REBATE +0.5 (2024-12-31): outside the period.
 */
const INCOME_CSV = `time,symbol,incomeType,income,asset,info,tranId,tradeId,market
2024-12-31T23:59:59.000Z,,API_REBATE,0.5,USDT,,1,,usdm
2025-01-01T00:00:02.000Z,BTCUSDT,REALIZED_PNL,10,USDT,,2,2,usdm
2025-01-01T00:00:02.000Z,BTCUSDT,COMMISSION,-0.1,USDT,,3,2,usdm
2025-01-01T08:00:00.000Z,BTCUSDT,FUNDING_FEE,-0.3,USDT,,4,,usdm
2025-01-01T09:00:00.000Z,,COMMISSION_REBATE,0.04,USDT,,5,,usdm
2025-01-01T10:00:00.000Z,,REFERRAL_KICKBACK,0.002,BNB,,6,,usdm
2025-01-01T11:00:00.000Z,,OPTIONS_PREMIUM_FEE,-2,USDT,,7,,usdm
2025-01-01T12:00:00.000Z,,WELCOME_BONUS,-1,USDT,,8,,usdm
2025-01-01T13:00:00.000Z,,TRANSFER,1000,USDT,,9,,usdm
2025-01-01T16:00:00.000Z,BTCUSDT,FUNDING_FEE,0.1,USDT,,10,,usdm
2025-01-02T08:00:00.000Z,BTCUSDT,FUNDING_FEE,-0.7,USDT,,11,,usdm
`;

const PERIOD = ["--from", "2025-01-01", "--to", "2025-01-01"];

Deno.test("report income: the period's totals are the export's, per asset", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "report-income-test-" });
  const cli = (...args: string[]) => runCli({ cwd: dir }, ...args);
  await Deno.writeTextFile(`${dir}/futures_positions.csv`, positionsCsv(aggregatePositions(FILLS)));
  await Deno.writeTextFile(`${dir}/futures_income.csv`, INCOME_CSV);
  try {
    await t.step("hand-worked: funding, a rebate, a reward, and two left out", async () => {
      const report = await cli("report", ...PERIOD, "--out", "period.html");
      assert.equal(report.code, 0, report.stderr);
      assert.match(
        report.stderr,
        /note: 2 income records in scope are not counted, as export leaves them out \(OPTIONS_PREMIUM_FEE, WELCOME_BONUS\)/,
      );
      const html = await Deno.readTextFile(`${dir}/period.html`);
      // Beside funding, per kind and asset (commissions paid: USDT 0.1 + 0.1 + 0.05, BNB 0.0005).
      assert.deepEqual(headOf(html, "fees"), [
        "Asset",
        "Commissions paid",
        "Funding",
        "Fees and rebates",
        "Rewards",
      ]);
      assert.deepEqual(exactRowsOf(html, "fees"), [
        ["BNB", "0.0005", "0", "0", "0.002"],
        ["USDT", "0.25", "-0.2", "0.04", "0"],
      ]);
      // USDT: realized 10 − 5 = 5; commissions −0.25; funding −0.2 + rebate 0.04 = −0.16;
      //       net 5 − 0.25 − 0.16 = 4.59.
      // BNB:  commission −0.0005; reward +0.002; net 0.0015.
      assert.deepEqual(exactRowsOf(html, "period-net"), [
        ["BNB", "0", "-0.0005", "0.002", "0.0015"],
        ["USDT", "5", "-0.25", "-0.16", "4.59"],
      ]);
      assert.deepEqual(rowsOf(html, "period-net")[1], ["USDT", "5.00", "-0.25", "-0.16", "4.59"]);
      // Not counted, with count and sums: never silently dropped.
      assert.match(html, /<h3>Not counted \(2 income records\)<\/h3>/);
      assert.deepEqual(rowsOf(html, "not-counted"), [
        ["OPTIONS_PREMIUM_FEE", "1", "-2.00 USDT", "a type the export does not map"],
        [
          "WELCOME_BONUS",
          "1",
          "-1.00 USDT",
          "paid out of the account: no tool labels a reward taken back",
        ],
      ]);

      // The export of the same period: the same totals, and a warning for each left-out type.
      const exported = await cli("export", "koinly", ...PERIOD, "--out", "koinly.csv");
      assert.equal(exported.code, 0, exported.stderr);
      assert.deepEqual(exportTotals(exported.stdout), [["BNB", "0.0015"], ["USDT", "4.59"]]);
      assert.deepEqual(
        exportTotals(exported.stdout),
        exactRowsOf(html, "period-net").map((row) => [row[0], row[4]]),
      );
      assert.deepEqual(
        [...exported.stderr.matchAll(/warning: 1 (\w+) income record/g)].map(([, type]) => type),
        rowsOf(html, "not-counted").map(([type]) => type),
      );
    });

    await t.step(
      "--symbols: account-wide records are out of scope, as funding of others is",
      async () => {
        const { code, stderr } = await cli(
          "report",
          ...PERIOD,
          "--symbols",
          "BTCUSDT",
          "--out",
          "btc.html",
        );
        assert.equal(code, 0, stderr);
        const html = await Deno.readTextFile(`${dir}/btc.html`);
        // USDT: 5 − 0.25 − 0.2 = 4.55; BNB: −0.0005. No rebate, reward or left-out record.
        assert.deepEqual(headOf(html, "fees"), ["Asset", "Commissions paid", "Funding"]);
        assert.deepEqual(exactRowsOf(html, "period-net"), [
          ["BNB", "0", "-0.0005", "0", "-0.0005"],
          ["USDT", "5", "-0.25", "-0.2", "4.55"],
        ]);
        assert.doesNotMatch(html, /data-table="not-counted"/);
      },
    );

    await t.step(
      "every income type Binance lists: the report counts what export counts",
      async () => {
        // One record of +1 and one of −1 of each type, in USDT, on 2025-01-01: whatever the rule
        // for a type (counted, carried by the positions, a transfer, left out), the report's net
        // and not-counted types are the export's totals and warnings.
        const types = [...INCOME_TYPES].sort();
        const rows = types.flatMap((type, i) => [
          `2025-01-01T20:00:00.000Z,BTCUSDT,${type},1,USDT,,${2 * i + 100},,usdm`,
          `2025-01-01T21:00:00.000Z,,${type},-1.5,USDT,,${2 * i + 101},,usdm`,
        ]);
        await Deno.writeTextFile(`${dir}/all.csv`, `${INCOME_CSV}${rows.join("\n")}\n`);
        const report = await cli("report", ...PERIOD, "--income", "all.csv", "--out", "all.html");
        assert.equal(report.code, 0, report.stderr);
        const html = await Deno.readTextFile(`${dir}/all.html`);
        const exported = await cli(
          "export",
          "koinly",
          ...PERIOD,
          "--income",
          "all.csv",
          "--out",
          "all.csv.koinly",
        );
        assert.equal(exported.code, 0, exported.stderr);
        assert.deepEqual(
          exactRowsOf(html, "period-net").map((row) => [row[0], row[4]]),
          exportTotals(exported.stdout),
        );
        assert.deepEqual(
          [...exported.stderr.matchAll(/warning: \d+ (\w+) income record/g)].map(([, t]) => t),
          rowsOf(html, "not-counted").map(([type]) => type),
        );
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** `[asset, total]` of the lines `export` prints (`  USDT: 4.59 (realized P&L 5, …)`). */
function exportTotals(stdout: string): string[][] {
  return [...stdout.matchAll(/^ {2}(\w+): (\S+) \(/gm)].map((m) => [at(m, 1), at(m, 2)]);
}

/** A table's column headings. */
function headOf(html: string, id: string): string[] {
  const head = new RegExp(`data-table="${id}"><thead><tr>(.*?)</tr>`).exec(html);
  assert.ok(head, `table ${id}`);
  return [...at(head, 1).matchAll(/<th>(.*?)<\/th>/g)].map((th) => text(at(th, 1)));
}

/** A table's body rows as HTML cells. */
function cellsOf(html: string, id: string): string[][] {
  const table = new RegExp(`data-table="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html);
  assert.ok(table, `table ${id}`);
  return [...at(table, 1).matchAll(/<tr>(.*?)<\/tr>/g)].map((tr) =>
    [...at(tr, 1).matchAll(/<td>(.*?)<\/td>/g)].map((td) => at(td, 1))
  );
}

/** A table's body rows as shown (rounded for reading). */
function rowsOf(html: string, id: string): string[][] {
  return cellsOf(html, id).map((row) => row.map(text));
}

/** A table's body rows with each amount's exact value (`data-exact`), other cells as text. */
function exactRowsOf(html: string, id: string): string[][] {
  return cellsOf(html, id).map((row) =>
    row.map((cell) => /data-exact="([^"]*)"/.exec(cell)?.[1] ?? text(cell))
  );
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, "").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}
