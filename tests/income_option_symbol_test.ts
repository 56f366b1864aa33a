/**
 * Income records that name an option (`BTC-250110-100000-C`): Binance lists OPTIONS_PREMIUM_FEE
 * and OPTIONS_SETTLE_PROFIT among a futures account's income types without saying which symbol
 * they carry. A record naming an option was refused by the income file's symbol rule, so a sync
 * that fetched one stopped before writing, at every run from then on, and an import of a
 * transaction history holding one failed.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import type { IncomeRecord } from "../src/income.ts";
import { runSync } from "../src/sync.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

const T0 = Date.UTC(2026, 10, 2, 7);
const HOUR = 3_600_000;

const premium: IncomeRecord = {
  market: "usdm",
  time: T0 + HOUR / 2,
  symbol: "BTC-261127-100000-C",
  incomeType: "OPTIONS_PREMIUM_FEE",
  income: "-12.5",
  asset: "USDT",
  info: "",
  tranId: "880001",
  tradeId: "",
};

/** The income file's rows, as a CSV reader sees them. */
async function incomeRows(dir: string): Promise<Record<string, string>[]> {
  return parse(await Deno.readTextFile(`${dir}/futures_income.csv`), { columns: true });
}

Deno.test("a sync stores an income record that names an option, and goes on syncing", async () => {
  await using dir = await tempDir();
  const fills = [
    f(1, "BUY", "1", "100", { time: T0, commission: "0.01" }),
    f(2, "SELL", "1", "101", { time: T0 + HOUR, realizedPnl: "1", commission: "0.01" }),
  ];
  const account = accountOfFills(fills, [premium]);
  const client = memoryClient(account, "usdm", T0 + 2 * HOUR);
  await runSync({ dir: dir.path, market: "usdm" }, client);
  // Binance refuses to list an option's trades among a futures account's (-1121).
  assert.deepEqual(client.queried, ["BTCUSDT"]);
  const stored = (await incomeRows(dir.path)).filter((r) => r.incomeType === premium.incomeType);
  assert.deepEqual(stored.map((r) => [r.symbol, r.income]), [["BTC-261127-100000-C", "-12.5"]]);

  // The next run reads the file back (it stopped at that line before).
  const later = accountOfFills(
    [...fills, f(3, "BUY", "1", "102", { time: T0 + 3 * HOUR, commission: "0.01" })],
    [premium],
  );
  const next = await runSync(
    { dir: dir.path, market: "usdm" },
    memoryClient(later, "usdm", T0 + 4 * HOUR),
  );
  assert.equal(next.added.get("BTCUSDT"), 1);
  const positions = await runCli({ cwd: dir.path }, "positions", "--out", "p.csv");
  assert.equal(positions.code, 0, positions.stderr);
  // The export leaves the premium out, and says so (the positions are not options).
  const exported = await runCli({ cwd: dir.path }, "export", "koinly", "--out", "k.csv");
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stderr + exported.stdout, /OPTIONS_PREMIUM_FEE/);
});

Deno.test("an import of a transaction history with an option's record keeps it", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/t(UTC+0).csv`,
    [
      "Time,Type,Amount,Asset,Symbol,Transaction ID",
      "2026-11-02 08:00:00,FUNDING_FEE,-0.1,USDT,BTCUSDT,501",
      "2026-11-02 09:00:00,OPTIONS_SETTLE_PROFIT,3.2,USDT,XRP-261127-3.2-P,502",
      "",
    ].join("\n"),
  );
  const imported = await runCli({ cwd: dir.path }, "import", "t(UTC+0).csv");
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual((await incomeRows(dir.path)).map((r) => [r.incomeType, r.symbol, r.market]), [
    ["FUNDING_FEE", "BTCUSDT", "usdm"],
    ["OPTIONS_SETTLE_PROFIT", "XRP-261127-3.2-P", "usdm"],
  ]);
});
