/**
 * No fill is missed at a page or window edge, and history Binance no longer serves is reported,
 * never invented: the real CLI against the fake exchange.
 */
import assert from "node:assert/strict";
import { monthsBefore, startFakeExchange } from "./fake_exchange/mod.ts";
import { at, valueAt } from "./support/indexed.ts";
import { expectedFillsCsv, snapshot, syncWith, tempDir } from "./support/sync.ts";

const DAY = 86_400_000;
const WEEK = 7 * DAY;

Deno.test("sync pages through thousands of fills in one millisecond", async () => {
  await using exchange = await startFakeExchange({ seed: 5, symbols: 3, fills: 1500, months: 1 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  const added = exchange.account.addTrades(4000, Date.now() - 1, 0);
  const perMs = Map.groupBy(added, (r) => `${r.symbol} ${r.time}`);
  assert.ok([...perMs.values()].some((rows) => rows.length > 1000), "over a page in one ms");
  const { code, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);
  assert.equal((await snapshot(dir.path))["futures_fills.csv"], expectedFillsCsv(exchange.account));
  // The income history cannot page past 1000 records of one millisecond: said, not hidden.
  assert.match(stderr, /more than 1000 COMMISSION records of \w+ at .*may lack the rest/);
});

Deno.test("sync --from walks 7-day windows from the date, then pages by id", async () => {
  await using exchange = await startFakeExchange({ seed: 8, symbols: 5, fills: 4000, months: 2 });
  await using dir = await tempDir();
  const from = Date.UTC(
    new Date().getUTCFullYear(),
    new Date().getUTCMonth(),
    new Date().getUTCDate(),
  ) - 70 * DAY;
  const date = new Date(from).toISOString().slice(0, 10);
  const { code, stderr } = await syncWith(exchange, dir.path, "--from", date);
  assert.equal(code, 0, stderr);
  assert.equal(
    (await snapshot(dir.path))["futures_fills.csv"],
    expectedFillsCsv(exchange.account, from),
  );
  const requests = exchange.log.filter((e) => e.endpoint === "/fapi/v1/userTrades");
  for (const [symbol, rows] of Map.groupBy(requests, (e) => e.params.symbol)) {
    const windows = rows.filter((e) => e.params.startTime !== undefined)
      .map((e): [number, number] => [Number(e.params.startTime), Number(e.params.endTime)]);
    assert.equal(windows[0]?.[0], from, `${symbol} starts at --from`);
    for (const [i, [start, end]] of windows.entries()) {
      assert.ok(end - start <= WEEK, `${symbol}: a window of at most 7 days`);
      if (i > 0) assert.equal(start, at(windows, i - 1)[1] + 1, `${symbol}: windows leave no gap`);
    }
    const rest = rows.slice(windows.length);
    assert.ok(rest.every((e) => e.params.fromId !== undefined), `${symbol}: then fromId`);
  }
});

Deno.test("a first sync of a year-old account", async (t) => {
  await using exchange = await startFakeExchange({ seed: 3, symbols: 10, fills: 20_000 });
  await using dir = await tempDir();
  const account = exchange.account;
  const { code, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);
  const files = await snapshot(dir.path);
  const served = monthsBefore(exchange.now(), 3);

  await t.step("fetches every fill Binance still serves (the last 3 months)", () => {
    const synced = new Set(valueAt(files, "futures_fills.csv").split("\n").slice(1, -1));
    const expected = expectedFillsCsv(account, served + 60_000).split("\n").slice(1, -1);
    assert.ok(expected.length > 1000);
    const missing = expected.filter((line) => !synced.has(line));
    assert.deepEqual(missing, []);
    assert.ok(synced.size <= expected.length + 100, "nothing from before the served history");
  });

  await t.step("finds symbols that were delisted since", () => {
    const delisted = account.delisted.map((s) => s.symbol)
      .filter((s) => account.tradesOf(s).some((r) => r.time > served + DAY));
    assert.ok(delisted.length > 0, "the account traded a since-delisted symbol lately");
    for (const symbol of delisted) {
      assert.match(valueAt(files, "futures_fills.csv"), new RegExp(`,${symbol},`));
    }
  });

  await t.step(
    "marks positions that began before the served history PARTIAL, inventing none",
    () => {
      const truth = new Set(account.truthCsv().split("\n").slice(1, -1));
      const rows = valueAt(files, "futures_positions.csv").split("\n").slice(1, -1);
      const partial = rows.filter((r) => r.startsWith("PARTIAL,"));
      const books = new Set(
        rows.map((r) => r.split(",").slice(1, 2).concat(at(r.split(","), 14)).join()),
      );
      assert.ok(partial.length > 0 && partial.length <= books.size, "at most one per book");
      const invented = rows.filter((r) => !r.startsWith("PARTIAL,") && !truth.has(r));
      assert.deepEqual(invented, []);
    },
  );
});
