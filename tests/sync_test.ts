/**
 * The sync end to end: the real CLI against the fake exchange. A whole account, new trades, and
 * nothing new; one-way, hedge and mixed accounts.
 */
import assert from "node:assert/strict";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { expectedFillsCsv, snapshot, syncWith, tempDir } from "./support/sync.ts";

for (const hedge of [false, true, "mixed"] as const) {
  Deno.test(`sync (${hedge === false ? "one-way" : hedge === true ? "hedge" : "mixed"} account)`, async (t) => {
    // Two months of history: all of it within the three months Binance serves.
    await using exchange = await startFakeExchange({
      seed: 21,
      symbols: 6,
      fills: 6000,
      months: 2,
      hedge,
    });
    await using dir = await tempDir();
    const account = exchange.account;

    await t.step(
      "the first sync fetches every fill and rebuilds the generator's positions",
      async () => {
        const { code, stdout, stderr } = await syncWith(exchange, dir.path);
        assert.equal(code, 0, stderr);
        const files = await snapshot(dir.path);
        assert.equal(files["futures_fills.csv"], expectedFillsCsv(account));
        assert.equal(files["futures_positions.csv"], account.truthCsv());
        assert.match(stdout, new RegExp(`^${account.trades.length} new fills`, "m"));
      },
    );

    await t.step(
      "an incremental sync fetches exactly the new fills, and only their symbols",
      async () => {
        const added = account.addTrades(300, Date.now() - 1);
        const symbols = new Set(added.map((r) => r.symbol));
        const from = exchange.log.length;
        const { code, stdout, stderr } = await syncWith(exchange, dir.path);
        assert.equal(code, 0, stderr);
        const files = await snapshot(dir.path);
        assert.equal(files["futures_fills.csv"], expectedFillsCsv(account));
        assert.equal(files["futures_positions.csv"], account.truthCsv());
        assert.match(stdout, new RegExp(`^${added.length} new fills`, "m"));
        const queried = exchange.log.slice(from).filter((e) => e.endpoint.endsWith("/userTrades"));
        assert.deepEqual(new Set(queried.map((e) => e.params.symbol)), symbols);
        assert.ok(
          queried.every((e) => e.params.fromId !== undefined),
          "incremental pages by fromId",
        );
      },
    );

    await t.step("a no-op sync changes no byte and costs at most 4 requests", async () => {
      const before = await snapshot(dir.path);
      const from = exchange.log.length;
      const { code, stdout, stderr } = await syncWith(exchange, dir.path);
      assert.equal(code, 0, stderr);
      assert.deepEqual(await snapshot(dir.path), before);
      assert.match(stdout, /^0 new fills, 0 new income records/m);
      const requests = exchange.log.slice(from);
      assert.ok(requests.length <= 4, requests.map((e) => e.endpoint).join(", "));
    });
  });
}
