/**
 * COIN-M end to end: perpetuals and a delivered quarterly sync and match the generator's ground
 * truth (contracts, harmonic VWAPs, P&L, fees and funding in the coin); USD-M and COIN-M share
 * one directory without mixing; and walking a pair instead of its symbols where that is cheaper.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import type { UserTradesQuery } from "../src/binance/queries.ts";
import type { Fill } from "../src/fill.ts";
import { comparePositions } from "../src/position.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { CACHE_FILE, type IncomeSums, readCacheFile } from "../src/storage/cache_file.ts";
import { fetchPlan } from "../src/sync/fetch_plan.ts";
import { sumsFromFiles } from "../src/sync/income_sums.ts";
import { INCOME_SETTLE_MS } from "../src/sync/local.ts";
import { generateAccount, type GeneratedAccount, startFakeExchange } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";
import { timeText } from "./support/positions_text.ts";
import { f } from "./support/fills.ts";
import { expectedFillsCsv, syncWith, tempDir } from "./support/sync.ts";

Deno.test("COIN-M: perpetuals and a delivered quarterly match the ground truth", async () => {
  await using exchange = await startFakeExchange({
    seed: 31,
    symbols: 5,
    fills: 3000,
    months: 2,
    market: "coinm",
    hedge: "mixed",
  });
  await using dir = await tempDir();
  const account = exchange.account;
  const traded = account.traded.map((s) => s.symbol);
  assert.ok(traded.includes("BTCUSD_PERP") && traded.includes("ETHUSD_PERP"));
  const quarterly = account.traded.find((s) => s.contractType === "CURRENT_QUARTER")!;
  assert.match(quarterly.symbol, /^BTCUSD_\d{6}$/, "a BTCUSD quarterly, delivered mid-history");

  const { code, stdout, stderr } = await syncWith(exchange, dir.path, "--market", "coinm");
  assert.equal(code, 0, stderr);
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(positions, account.truthCsv());
  assert.equal(
    await Deno.readTextFile(`${dir.path}/futures_fills.csv`),
    expectedFillsCsv(account),
  );
  assert.ok(positions.includes(`,${quarterly.symbol},`), "the quarterly's round trips are there");
  assert.match(stdout, /^BTC .* ok$/m, "coin P&L, fees and funding agree with the income history");
});

Deno.test("COIN-M: a quarterly held into its delivery is closed by its settlement", async () => {
  // An account whose trader holds one book of the BTCUSD quarterly into its delivery (08:00 UTC
  // of its date, mid-history): the fake books a DELIVERED_SETTELMENT record then, positionRisk no
  // longer lists the contract, and the truth closes the position at the delivery with that P&L
  // and no exit price. The history ends now (Binance serves 3 months of income), so the first
  // of a few seeds that holds it is taken.
  const settled = (a: GeneratedAccount) =>
    a.incomeRows().filter((r) => r.incomeType === "DELIVERED_SETTELMENT");
  const account = [33, 35, 36, 41, 43].map((seed) =>
    generateAccount({
      seed,
      symbols: 5,
      fills: 3000,
      months: 2,
      market: "coinm",
      hedge: "mixed",
      holdIntoDelivery: true,
    })
  ).find((a) => settled(a).length === 1);
  assert.ok(account !== undefined, "a seed holds one book into the delivery");
  await using exchange = await startFakeExchange({ account });
  await using dir = await tempDir();
  const quarterly = account.traded.find((s) => s.contractType === "CURRENT_QUARTER");
  const settlement = at(settled(account), 0);
  assert.equal(settlement.symbol, quarterly?.symbol);
  assert.equal(settlement.time, quarterly?.delistTime);
  assert.ok(!account.openPositions().some((p) => p.spec === quarterly), "no longer listed");

  const { code, stdout, stderr } = await syncWith(exchange, dir.path, "--market", "coinm");
  assert.equal(code, 0, stderr);
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(positions, account.truthCsv());
  assert.ok(
    positions.includes(
      `closed by delivery settlement at ${timeText(settlement.time)} ` +
        `(DELIVERED_SETTELMENT tranId ${settlement.tranId})`,
    ),
    "the delivered position is closed by its settlement",
  );
  assert.match(stdout, /^BTC .* ok$/m, "coin P&L, fees and funding agree with the income history");
});

Deno.test("USD-M and COIN-M in one directory: one file each, positions never mixed", async () => {
  const usdm = generateAccount({ seed: 37, symbols: 4, fills: 2000, months: 2 });
  const coinm = generateAccount({ seed: 38, symbols: 4, fills: 2000, months: 2, market: "coinm" });
  await using exchange = await startFakeExchange({ account: usdm, otherAccount: coinm });
  await using dir = await tempDir();
  for (const args of [[], ["--market", "coinm"]]) {
    const { code, stderr } = await syncWith(exchange, dir.path, ...args);
    assert.equal(code, 0, stderr);
  }
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  const both = [...usdm.truth(), ...coinm.truth()].sort(comparePositions);
  assert.equal(positions, positionsCsv(both), "each market's positions are its own truth");
  const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
  const rows = parse(fills, { columns: true }) as Record<string, string>[];
  assert.deepEqual(new Set(rows.map((r) => r.market)), new Set(["usdm", "coinm"]));
  const income = await Deno.readTextFile(`${dir.path}/futures_income.csv`);
  const records = parse(income, { columns: true }) as Record<string, string>[];
  assert.deepEqual(new Set(records.map((r) => r.market)), new Set(["usdm", "coinm"]));
});

Deno.test("USD-M and COIN-M in one directory: each market's income check sums its own rows", async () => {
  // A sync moves its market's sums on with the rows after its last cutoff (its time less the 10
  // minutes income takes to settle), read from the files' tails: the other market's rows there,
  // written by a sync of that market since, are not its own.
  const endTime = Date.now() - 2 * INCOME_SETTLE_MS;
  const usdm = generateAccount({ seed: 41, symbols: 3, fills: 600, months: 1, endTime });
  const coinm = generateAccount({
    seed: 42,
    symbols: 3,
    fills: 600,
    months: 1,
    endTime,
    market: "coinm",
  });
  await using exchange = await startFakeExchange({ account: usdm, otherAccount: coinm });
  await using dir = await tempDir();
  const sync = async (...args: string[]) => {
    const { code, stderr } = await syncWith(exchange, dir.path, ...args);
    assert.equal(code, 0, stderr);
  };
  await sync();
  await sync("--market", "coinm");
  // COIN-M fills after the USD-M sync's cutoff, before the next one's.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const added = coinm.addTrades(100, Date.now() - INCOME_SETTLE_MS - 500, 500);
  await sync("--market", "coinm");
  await sync();
  const cache = await readCacheFile(`${dir.path}/${CACHE_FILE}`);
  const fromFiles = (cutoffMs: number) =>
    sumsFromFiles(`${dir.path}/futures_fills.csv`, `${dir.path}/futures_income.csv`, cutoffMs);
  const coinmSums = cache?.markets.coinm?.sums;
  assert.ok(coinmSums && coinmSums.cutoffMs > added.at(-1)!.time, "the new fills are counted");
  for (const market of ["usdm", "coinm"] as const) {
    const sums: IncomeSums | null | undefined = cache?.markets[market]?.sums;
    assert.ok(sums, `the cache holds ${market}'s sums`);
    const summed = await fromFiles(sums.cutoffMs);
    assert.deepEqual(sums, summed.get(market), market);
  }
});

Deno.test("fetchPlan walks a COIN-M pair when three of its symbols need a walk", async (t) => {
  const plan = ["BTCUSD_PERP", "BTCUSD_250328", "BTCUSD_250627"].map((symbol) => ({
    symbol,
    reason: "new COMMISSION income",
    firstEvidence: Date.UTC(2025, 0, 10),
  }));
  const scope = {
    market: "coinm" as const,
    from: undefined,
    watermarks: {},
    horizon: Date.UTC(2025, 0, 1),
    now: Date.UTC(2025, 0, 20),
  };

  await t.step("by pair: every 7-day window from the earliest start, once for all", async () => {
    const queries: UserTradesQuery[] = [];
    const fill = f(1, "BUY", "1", "50000", { market: "coinm", symbol: "BTCUSD_250328" });
    const source = {
      userTrades: (q: UserTradesQuery): Promise<Fill[]> => {
        queries.push(q);
        return Promise.resolve(queries.length === 1 ? [fill] : []);
      },
    };
    const { fills, failure } = await fetchPlan(source, plan, scope);
    assert.equal(failure, undefined);
    assert.deepEqual(fills, [fill]);
    // From 9 January (a day before the evidence) to 20 January: two windows.
    assert.deepEqual(queries.map((q) => [q.pair, q.symbol]), [
      ["BTCUSD", undefined],
      ["BTCUSD", undefined],
    ]);
  });

  await t.step(
    "a symbol of the pair with a last trade id goes on from it, not by the walk",
    async () => {
      // BTCUSD_250101 is in the files up to trade 10; its trades 11 (15 days ago, before the walk's
      // start) and 12 are new. It sorts before the walked symbols: the pair's walk must not stand
      // in for its own query.
      const now = Date.UTC(2025, 0, 20);
      const day = 86_400_000;
      const trade = (id: number, symbol: string, time: number) =>
        f(id, "BUY", "1", "50000", { market: "coinm", symbol, time, marginAsset: "BTC" });
      const all = [
        trade(11, "BTCUSD_250101", now - 15 * day),
        trade(12, "BTCUSD_250101", now - day),
        trade(1, "BTCUSD_PERP", now - day),
      ];
      const source = {
        userTrades: (q: UserTradesQuery): Promise<Fill[]> =>
          Promise.resolve(
            all.filter((x) =>
              (q.symbol === undefined
                ? x.symbol.startsWith(`${q.pair}_`)
                : x.symbol === q.symbol) &&
              (q.fromId !== undefined
                ? BigInt(x.id) >= BigInt(q.fromId)
                : x.time >= q.startTime! && x.time <= q.endTime!)
            ),
          ),
      };
      const { fills, failure } = await fetchPlan(source, [
        { symbol: "BTCUSD_250101", reason: "new COMMISSION income", firstEvidence: undefined },
        ...plan.map((p) => ({ ...p, firstEvidence: now - 2 * day })),
      ], {
        ...scope,
        now,
        watermarks: { BTCUSD_250101: { last_trade_id: "10", last_trade_time_ms: now - 40 * day } },
      });
      assert.equal(failure, undefined);
      const ids = fills.filter((x) => x.symbol === "BTCUSD_250101").map((x) => x.id);
      assert.ok(ids.includes("11") && ids.includes("12"), `fetched ${ids}`);
    },
  );

  await t.step("a window with a full page cannot be paged by pair: symbol by symbol", async () => {
    const queries: UserTradesQuery[] = [];
    const full = Array.from({ length: 1000 }, (_, i) => f(i + 1, "BUY", "1", "1"));
    const source = {
      userTrades: (q: UserTradesQuery): Promise<Fill[]> => {
        queries.push(q);
        return Promise.resolve(q.pair !== undefined ? full : []);
      },
    };
    await fetchPlan(source, plan, scope);
    assert.equal(queries[0]?.pair, "BTCUSD");
    assert.deepEqual(
      new Set(queries.slice(1).map((q) => q.symbol)),
      new Set(plan.map((p) => p.symbol)),
    );
  });
});
