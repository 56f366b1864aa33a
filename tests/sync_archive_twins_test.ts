/**
 * End to end, the real CLI against the fake exchange: history imported from Binance's exports,
 * then synced again over the same months, holds each fill and income record once (a review's
 * repros; before the fix the first doubled fills and income while the sync's own check against
 * the income history said "ok", as both were doubled alike).
 */

import assert from "node:assert/strict";
import { GeneratedAccount } from "./fake_exchange/account.ts";
import { exportZip } from "./fake_exchange/export_archive.ts";
import { incomeTable, tradeTable } from "./fake_exchange/export_formats.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { syncWith, tempDir } from "./support/sync.ts";

const DAY = 86_400_000;

/** Each key (column `a`, column `b`) that the CSV file holds more than once. */
async function repeatedKeys(path: string, a: number, b: number): Promise<string[]> {
  const rows = (await Deno.readTextFile(path)).trimEnd().split("\n").slice(1);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const cells = row.split(",");
    const key = `${cells[a]}|${cells[b]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
}

/** The tables as Binance's export zips `t.zip` and `i.zip` in `dir` (USD-M, UTC, made now). */
async function writeExports(
  dir: string,
  trades: Parameters<typeof exportZip>[0],
  income: Parameters<typeof exportZip>[0],
): Promise<void> {
  const spec = {
    market: "usdm",
    file: "csv",
    madeAt: Date.now(),
    offsetMinutes: 0,
    partRows: 100_000,
  } as const;
  await Deno.writeFile(`${dir}/t.zip`, await exportZip(trades, { ...spec, kind: "trade" }));
  await Deno.writeFile(`${dir}/i.zip`, await exportZip(income, { ...spec, kind: "income" }));
}

/** Rows of a CSV file. */
async function rowCount(path: string): Promise<number> {
  return (await Deno.readTextFile(path)).trimEnd().split("\n").length - 1;
}

Deno.test("exports without ids imported, then sync --from's bulk download of the same months", async () => {
  await using exchange = await startFakeExchange({
    seed: 62,
    symbols: 3,
    fills: 800,
    months: 8,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 0,
  });
  const account = exchange.account;
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  // The website's older layouts, without Trade ID or Transaction ID, for the months before the
  // API's 3.
  const now = Date.now();
  const before = now - 100 * DAY;
  const trades = tradeTable(
    account.trades.filter((t) => t.time < before),
    "trade-date-utc-fee-coin",
    "usdm",
    0,
  );
  const income = incomeTable(
    account.incomeRows().filter((r) => r.time < before),
    "income-uid-time",
    0,
  );
  await writeExports(dir.path, trades, income);
  for (const file of ["t.zip", "i.zip"]) {
    const run = await runCli({ cwd: dir.path }, "import", file);
    assert.equal(run.code, 0, run.stderr);
  }
  // The bulk download (with ids) covers the months imported.
  const from = new Date(account.startTime - DAY).toISOString().slice(0, 10);
  const sync = await syncWith(exchange, dir.path, "--from", from, "--wait", "1");
  assert.equal(sync.code, 0, sync.stderr);
  assert.equal(await rowCount(`${dir.path}/futures_fills.csv`), account.trades.length);
  assert.equal(await rowCount(`${dir.path}/futures_income.csv`), account.incomeRows().length);
});

Deno.test("an export with ids imported, then sync --full: each fill once, rows between or not", async () => {
  const now = Date.now();
  const account = new GeneratedAccount({
    seed: 7,
    symbols: 3,
    fills: 300,
    months: 4,
    endTime: now - 10 * DAY,
  });
  // Fills of two symbols in one second, at .100 and .700: the export prints both at the second,
  // so the API's time of one falls after the export's row of the other.
  const second = Math.floor((now - 5 * DAY) / 1000) * 1000;
  account.addTrades(3, second + 100, 0);
  account.addTrades(3, second + 700, 0);
  await using exchange = await startFakeExchange({ account, weightLimit: 1_000_000 });
  await using dir = await tempDir();
  const trades = tradeTable(account.trades, "trade-uid-time", "usdm", 0);
  const income = incomeTable(account.incomeRows(), "income-time", 0);
  await writeExports(dir.path, trades, income);
  const imported = await runCli(
    { cwd: dir.path },
    "import",
    "t.zip",
    "i.zip",
    "--position-mode",
    "one-way",
  );
  assert.equal(imported.code, 0, imported.stderr);
  const sync = await syncWith(exchange, dir.path, "--full");
  assert.equal(sync.code, 0, sync.stderr);
  // symbol and trade id; market, type and transaction id.
  assert.deepEqual(await repeatedKeys(`${dir.path}/futures_fills.csv`, 1, 9), []);
  assert.deepEqual(await repeatedKeys(`${dir.path}/futures_income.csv`, 2, 6), []);
  assert.equal(await rowCount(`${dir.path}/futures_fills.csv`), account.trades.length);
  assert.doesNotMatch(sync.stdout, /DIFFERS/);
});
