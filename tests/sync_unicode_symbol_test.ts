/**
 * Symbols outside ASCII, end to end. Binance listed `币安人生USDT` on USD-M futures in October 2025
 * (nautechsystems/nautilus_trader#3103 shows its futures fills breaking a tool that assumed ASCII;
 * sammchardy/python-binance#1618: the signature covers the symbol percent-encoded, as sent).
 * A trader who traded it must get its fills, positions, report and export like any other's.
 */
import assert from "node:assert/strict";
import { CACHE_FILE, readCacheFile } from "../src/storage/cache_file.ts";
import { sumsFromFiles } from "../src/sync/income_sums.ts";
import { INCOME_SETTLE_MS } from "../src/sync/local.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { exchangeEnv, expectedFillsCsv, snapshot, syncWith, tempDir } from "./support/sync.ts";

const SYMBOL = "币安人生USDT";

Deno.test("a symbol outside ASCII is synced, rebuilt, reported and exported", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 23,
    symbols: 4,
    fills: 2000,
    months: 2,
    unicodeSymbol: true,
  });
  await using dir = await tempDir();
  const account = exchange.account;
  assert.ok(account.trades.some((r) => r.symbol === SYMBOL), "the account trades it");

  await t.step("the first sync and a later one fetch its fills, signed as sent", async () => {
    const first = await syncWith(exchange, dir.path);
    assert.equal(first.code, 0, first.stderr);
    account.addTrades(200, Date.now() - 1);
    const second = await syncWith(exchange, dir.path);
    assert.equal(second.code, 0, second.stderr);
    const files = await snapshot(dir.path);
    assert.equal(files["futures_fills.csv"], expectedFillsCsv(account));
    assert.equal(files["futures_positions.csv"], account.truthCsv());
    assert.match(files["futures_positions.csv"], new RegExp(`^CLOSED,${SYMBOL},`, "m"));
    const asked = exchange.log.filter((e) => e.endpoint.endsWith("/userTrades"));
    assert.ok(asked.some((e) => e.params.symbol === SYMBOL), "its trades were asked for");
  });

  await t.step("--symbols takes it, in any case", async () => {
    const { code, stderr } = await syncWith(exchange, dir.path, "--symbols", "币安人生usdt");
    assert.equal(code, 0, stderr);
  });

  await t.step("positions rebuilds the same file from the fills", async () => {
    const { code, stdout } = await runCli({ cwd: dir.path }, "positions", "--out", "p.csv");
    assert.equal(code, 0, stdout);
    assert.equal(
      await Deno.readTextFile(`${dir.path}/p.csv`),
      await Deno.readTextFile(`${dir.path}/futures_positions.csv`),
    );
  });

  await t.step("the report and a tax export name it", async () => {
    const env = exchangeEnv(exchange);
    const report = await runCli({ cwd: dir.path, env }, "report", "--out", "r.html");
    assert.equal(report.code, 0, report.stderr);
    assert.ok((await Deno.readTextFile(`${dir.path}/r.html`)).includes(SYMBOL));
    const exported = await runCli({ cwd: dir.path, env }, "export", "koinly", "--out", "k.csv");
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok((await Deno.readTextFile(`${dir.path}/k.csv`)).includes(SYMBOL));
  });
});

Deno.test("the income check's sums go on with its fills, as summed from the files", async () => {
  // A sync counts the rows after the last one's cutoff (its time less the 10 minutes income
  // takes to settle) from the files' tails, read the quick way where it can: rows of this symbol
  // it cannot, and must count all the same.
  const endTime = Date.now() - 2 * INCOME_SETTLE_MS;
  await using exchange = await startFakeExchange({
    seed: 29,
    symbols: 3,
    fills: 600,
    months: 1,
    endTime,
    unicodeSymbol: true,
  });
  await using dir = await tempDir();
  const first = await syncWith(exchange, dir.path);
  assert.equal(first.code, 0, first.stderr);
  // After the first sync's cutoff, before the next one's.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const added = exchange.account.addTrades(100, Date.now() - INCOME_SETTLE_MS - 500, 500);
  assert.ok(added.some((r) => r.symbol === SYMBOL), "some of them of this symbol");
  const second = await syncWith(exchange, dir.path);
  assert.equal(second.code, 0, second.stderr);
  const sums = (await readCacheFile(`${dir.path}/${CACHE_FILE}`))?.markets.usdm?.sums;
  assert.ok(sums, "the cache holds the sums");
  assert.ok(sums.cutoffMs > added.at(-1)!.time, "the new fills are in the sums' period");
  const fromFiles = await sumsFromFiles(
    `${dir.path}/futures_fills.csv`,
    `${dir.path}/futures_income.csv`,
    sums.cutoffMs,
  );
  assert.deepEqual(sums, fromFiles.get("usdm"));
});
