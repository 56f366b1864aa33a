/**
 * What a sync tells a user while it runs, without a terminal (cron): a few plain log lines —
 * each phase's start, and a wait for Binance's rate limit when it happens — through the real CLI
 * against the fake exchange.
 */
import assert from "node:assert/strict";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { syncWith, tempDir } from "./support/sync.ts";

Deno.test("sync under cron: phase starts and the rate-limit wait, in a few log lines", async () => {
  // A weight limit of 40 leaves a budget of 32 a minute: exchangeInfo (1), time (1) and one page
  // of income (30) spend it, so the next request waits for the next minute. The exchange's clock
  // starts 8 s before a minute ends, so that wait is about 9 s (8 s and the 1 s margin), and the
  // rest of this small sync fits in the next minute.
  let skew: number | undefined;
  const clock = () => {
    const now = Date.now();
    skew ??= 60_000 - (now % 60_000) - 8_000;
    return now + skew;
  };
  await using exchange = await startFakeExchange({
    seed: 17,
    symbols: 1,
    fills: 50,
    months: 1,
    weightLimit: 40,
    clock,
  });
  await using dir = await tempDir();
  const { code, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);

  const lines = stderr.split("\n").filter((line) => line !== "");
  const wait = lines.find((line) => /waiting \d+ s for Binance's rate limit/.test(line));
  assert.ok(wait, stderr);
  assert.match(
    wait,
    /\[INF\] futures-ledger\.sync: waiting \d+ s for Binance's rate limit \(32 of 32 weight used this minute\)$/,
  );
  assert.ok(Number(/waiting (\d+) s/.exec(wait)![1]) >= 5, wait);
  for (
    const start of [
      /income history: reading \S+ \S+ to /,
      /fills: 1 symbol to query/,
      /fee prices: /,
    ]
  ) {
    assert.ok(lines.some((line) => start.test(line)), `${start} in\n${stderr}`);
  }
  assert.ok(!stderr.includes("\r"), "no live line without a terminal");
  assert.ok(lines.length <= 8, `a few lines, not one per page:\n${stderr}`);
  assert.equal(
    exchange.totals().byStatus[429],
    undefined,
    "the wait kept the sync under the limit",
  );
});
