/**
 * Fees paid in BNB, end to end: the sync fetches each needed minute's BNBUSDT kline once, in
 * windows that keep the request weight low, keeps the prices in a cache file, records each
 * fill's conversion, and the offline `positions` command uses the cache only.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import type { KlinesQuery } from "../src/binance/queries.ts";
import type { Kline } from "../src/binance/rows.ts";
import { Decimal } from "../src/decimal.ts";
import type { Fill } from "../src/fill.ts";
import { runSync, SyncError } from "../src/sync.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { memoryExchange } from "./support/fills_exchange.ts";
import { at, valueAt } from "./support/indexed.ts";
import { accountOfFills, type MemoryAccount, memoryClient } from "./support/memory_exchange.ts";
import { syncWith, tempDir } from "./support/sync.ts";

type Row = Record<string, string>;

const rowsOf = async (path: string): Promise<Row[]> =>
  parse(await Deno.readTextFile(path), { columns: true }) as Row[];

Deno.test("BNB fees: priced once per minute, recorded per fill, converted offline", async (t) => {
  await using exchange = await startFakeExchange({ seed: 47, symbols: 4, fills: 3000, months: 2 });
  await using dir = await tempDir();
  const bnbFills = exchange.account.trades.filter((r) => r.commissionAsset === "BNB");
  const minutes = new Set(bnbFills.map((r) => Math.floor(r.time / 60_000) * 60_000));
  assert.ok(bnbFills.length > 100, "the account pays fees in BNB");
  const { code, stderr } = await syncWith(exchange, dir.path);
  assert.equal(code, 0, stderr);
  const synced = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);

  await t.step("each minute fetched once, in windows of at most 499 minutes", async () => {
    const klines = exchange.log.filter((e) => e.endpoint === "/fapi/v1/klines");
    assert.ok(klines.every((e) => e.params.interval === "1m" && e.params.symbol === "BNBUSDT"));
    assert.ok(klines.every((e) => Number(e.params.limit) <= 499 && e.weight <= 2));
    assert.ok(klines.length < minutes.size / 2, `${klines.length} requests`);
    const cache = await rowsOf(`${dir.path}/futures_fee_prices.csv`);
    assert.equal(cache.length, minutes.size);
    assert.ok(cache.every((r) => r.symbol === "BNBUSDT" && r.open !== ""));
  });

  await t.step("each BNB fee has its conversion recorded: the price and the amount", async () => {
    const conversions = await rowsOf(`${dir.path}/futures_fee_conversions.csv`);
    assert.equal(conversions.length, bnbFills.filter((r) => /[1-9]/.test(r.commission)).length);
    for (const c of conversions) {
      const [commission, price] = [valueAt(c, "commission"), valueAt(c, "price")];
      const product = Decimal.parse(commission).times(Decimal.parse(price)).normalize();
      assert.equal(c.commission_converted, product.toString());
      assert.equal(c.price_symbol, "BNBUSDT");
    }
  });

  await t.step("positions, offline, converts from the cache alone", async () => {
    const out = await runCli({ cwd: dir.path }, "positions", "--out", "again.csv");
    assert.equal(out.code, 0, out.stderr);
    assert.equal(await Deno.readTextFile(`${dir.path}/again.csv`), synced);
  });

  await t.step(
    "a minute without a price: net_pnl empty and a note, never a wrong sum",
    async () => {
      const path = `${dir.path}/futures_fee_prices.csv`;
      const [header, first, ...rest] = (await Deno.readTextFile(path)).trimEnd().split("\n");
      assert.ok(header !== undefined && first !== undefined, "a header and a price");
      await Deno.writeTextFile(
        path,
        // symbol,minute,open,crc32: the open emptied, and the check with it (a change on purpose).
        [header, first.replace(/^([^,]*,[^,]*),[^,]*,[^,]*$/, "$1,,"), ...rest].join("\n") + "\n",
      );
      const out = await runCli({ cwd: dir.path }, "positions", "--out", "gap.csv");
      assert.equal(out.code, 0, out.stderr);
      const unpriced = (await rowsOf(`${dir.path}/gap.csv`)).filter((p) => p.net_pnl === "");
      assert.equal(unpriced.length, 1);
      assert.equal(unpriced[0]?.commission_converted, "");
      const minute = Date.parse(at(first.split(","), 1));
      const inMinute =
        bnbFills.filter((r) => r.time - (r.time % 60_000) === minute && /[1-9]/.test(r.commission))
          .length; // one order's many fills
      assert.match(
        valueAt(at(unpriced, 0), "note"),
        new RegExp(`^no price in USDT for ${inMinute} BNB fees?: `),
      );
      // The next sync does not ask again for a minute Binance had no price for.
      const from = exchange.log.length;
      assert.equal((await syncWith(exchange, dir.path)).code, 0);
      assert.ok(!exchange.log.slice(from).some((e) => e.endpoint.endsWith("/klines")));
    },
  );
});

Deno.test("a price fetch that fails keeps what came before it, and the next one resumes", async () => {
  await using dir = await tempDir();
  // Fill 1 at 00:00:01 and fill 40,000 at 11:06:40: 666 minutes apart, so two windows.
  const bnb = { commission: "0.0001", commissionAsset: "BNB" };
  const fills = [f(1, "BUY", "1", "100", bnb), f(40_000, "SELL", "1", "100", bnb)];
  const now = Date.UTC(2025, 0, 2);
  const asked: KlinesQuery[] = [];
  const kline = (openTime: number): Kline => ({
    openTime,
    open: "600",
    high: "601",
    low: "599",
    close: "600.5",
    volume: "1",
    closeTime: openTime + 59_999,
  });
  const failing = memoryExchange(fills, now, (q) => {
    asked.push(q);
    return asked.length === 1
      ? Promise.resolve([kline(q.startTime!)])
      : Promise.reject(new Error("connection reset"));
  });
  const options = { dir: dir.path, market: "usdm" as const };
  await assert.rejects(runSync(options, failing), SyncError, "fee prices: connection reset");
  assert.equal((await rowsOf(`${dir.path}/futures_fee_prices.csv`)).length, 1, "kept");
  assert.deepEqual(asked.map((q) => q.limit), [1, 1]);
  const positions = await rowsOf(`${dir.path}/futures_positions.csv`);
  assert.equal(positions[0]?.commission_converted, "", "a fee without its price: no sum");

  const working = memoryExchange(fills, now, (q) => {
    asked.push(q);
    return Promise.resolve([kline(q.startTime!)]);
  });
  await runSync(options, working);
  assert.equal(asked.length, 3, "only the minute still missing is asked for");
  assert.equal((await rowsOf(`${dir.path}/futures_fee_prices.csv`)).length, 2);
  // 0.0001 BNB × 600, twice: the position is priced now.
  const priced = await rowsOf(`${dir.path}/futures_positions.csv`);
  assert.equal(priced[0]?.commission_converted, "0.12");
});

/** An account of `fills` whose BNBUSDT kline of `minute` opens at 600. */
function bnbPricedAt(minute: number, fills: Fill[]): MemoryAccount {
  return accountOfFills(fills, [], new Map([[`BNBUSDT|${minute}`, "600"]]));
}

/** A USD-M sync at `now` whose price fetch fails: it leaves the fees it needed prices for. */
async function syncPricesFailing(dir: string, account: MemoryAccount, now: number): Promise<void> {
  const failing = memoryClient(account, "usdm", now);
  failing.klines = () => Promise.reject(new TypeError("connection reset"));
  await assert.rejects(runSync({ dir, market: "usdm" }, failing), SyncError);
}

Deno.test("fees left to price by one market stay so when the other market is first synced", async () => {
  // A USD-M sync whose price fetch fails leaves BTCUSDT's BNB fee to price; the first COIN-M
  // sync rebuilds every market (it has no books yet): USD-M's fee must still be priced by the
  // next USD-M sync, as a full rebuild prices it from the minute's kline.
  await using dir = await tempDir();
  const T0 = Date.UTC(2026, 2, 2, 7);
  const minute = T0 + 30 * 60_000;
  const bnb = { commission: "0.001", commissionAsset: "BNB" };
  const fills = [
    f(1, "BUY", "1", "100", { time: T0 }),
    f(2, "SELL", "1", "101", { time: minute + 10_000, realizedPnl: "1", ...bnb }),
    f(3, "BUY", "1", "0.5", {
      time: T0,
      market: "coinm",
      symbol: "ADAUSD_PERP",
      pair: "ADAUSD",
      marginAsset: "ADA",
      commissionAsset: "ADA",
    }),
  ];
  const account = bnbPricedAt(minute, fills);
  await syncPricesFailing(dir.path, account, minute + 20_000);
  await runSync(
    { dir: dir.path, market: "coinm" },
    memoryClient(account, "coinm", minute + 30_000),
  );
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", minute + 120_000));
  const full = await runCli({ cwd: dir.path }, "positions", "--out", "full.csv");
  assert.equal(full.code, 0, full.stderr);
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(positions, await Deno.readTextFile(`${dir.path}/full.csv`));
  const [btc] = (parse(positions, { columns: true }) as Row[]).filter((r) =>
    r.symbol === "BTCUSDT"
  );
  assert.equal(btc?.commission_converted, "0.6", "0.001 BNB at 600 USDT");
});

Deno.test("fees left to price are priced by the run after a killed one", async () => {
  // A sync killed after writing the fills and income files leaves the cache untrusted: the run
  // after it finds the fees still to price in the files (their minutes are not in the price
  // cache), and ends where an uninterrupted run ends.
  await using a = await tempDir();
  await using b = await tempDir();
  const T0 = Date.UTC(2026, 2, 2, 7);
  const minute = T0 + 30 * 60_000;
  const fills = [
    f(1, "BUY", "1", "100", { time: T0, commission: "0.01" }),
    f(2, "SELL", "1", "101", {
      time: minute + 10_000,
      realizedPnl: "1",
      commission: "0.001",
      commissionAsset: "BNB",
    }),
    f(3, "BUY", "1", "10", { symbol: "ETHUSDT", time: T0 + 7_200_000, commission: "0.01" }),
  ];
  const account = bnbPricedAt(minute, fills);
  await syncPricesFailing(a.path, account, minute + 20_000);
  for (const entry of Deno.readDirSync(a.path)) {
    Deno.copyFileSync(`${a.path}/${entry.name}`, `${b.path}/${entry.name}`);
  }
  const later = T0 + 3 * 3_600_000;
  await runSync({ dir: a.path, market: "usdm" }, memoryClient(account, "usdm", later));
  // b: the same run killed once the data files were written, then run again.
  for (const name of ["futures_fills.csv", "futures_income.csv"]) {
    Deno.copyFileSync(`${a.path}/${name}`, `${b.path}/${name}`);
  }
  await runSync({ dir: b.path, market: "usdm" }, memoryClient(account, "usdm", later + 1000));
  for (const name of ["futures_fee_prices.csv", "futures_positions.csv"]) {
    assert.equal(
      await Deno.readTextFile(`${b.path}/${name}`),
      await Deno.readTextFile(`${a.path}/${name}`),
      name,
    );
  }
  const [btc] = (await rowsOf(`${b.path}/futures_positions.csv`)).filter((r) =>
    r.symbol === "BTCUSDT"
  );
  assert.equal(btc?.commission_converted, "0.6");
});

Deno.test("fees left to price stay so across an import", async () => {
  // The price fetch fails; an import of an unrelated older export runs; the next sync prices
  // BTCUSDT's BNB fee: 0.0001 BNB at 600 USDT = 0.06.
  await using dir = await tempDir();
  const T0 = Date.UTC(2026, 2, 2, 7);
  const minute = T0 + 5 * 60_000;
  const fills = [
    f(1, "BUY", "1", "100", { time: minute, commission: "0.0001", commissionAsset: "BNB" }),
  ];
  const account = bnbPricedAt(minute, fills);
  await syncPricesFailing(dir.path, account, T0 + 3_600_000);
  const header =
    "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
  await Deno.writeTextFile(
    `${dir.path}/old(UTC+0).csv`,
    [
      header,
      "2026-01-10 09:00:00,ETHUSDT,BUY,3000,1,3000,1.2,USDT,0,USDT",
      "2026-01-10 10:00:00,ETHUSDT,SELL,3100,1,3100,1.24,USDT,100,USDT",
      "",
    ].join("\n"),
  );
  const imported = await runCli(
    { cwd: dir.path },
    "import",
    "old(UTC+0).csv",
    "--position-mode",
    "one-way",
  );
  assert.equal(imported.code, 0, imported.stderr);
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 + 7_200_000));
  const [btc] = (await rowsOf(`${dir.path}/futures_positions.csv`)).filter((r) =>
    r.symbol === "BTCUSDT"
  );
  assert.equal(btc?.commission_converted, "0.06");
});
