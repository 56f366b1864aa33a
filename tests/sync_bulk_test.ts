/**
 * `sync --from` before the 3 months the API serves: the older history is requested through
 * Binance's bulk download (a request per kind and year), recorded in state.json as pending, and
 * merged by the next sync, after which the positions are the generator's whole truth. Nothing is
 * requested twice; `--wait` merges in one run; an expired link is asked for again.
 */
import assert from "node:assert/strict";
import {
  type FakeExchange,
  type FakeExchangeOptions,
  startFakeExchange,
} from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";
import { snapshot, syncWith, tempDir } from "./support/sync.ts";

const DAY = 86_400_000;

/** A positions file with every time cut to the second (the exports print seconds). */
function toSeconds(csv: string): string {
  return csv.replace(/(T\d\d:\d\d:\d\d)\.\d{3}Z/g, "$1.000Z");
}

/** The UTC day of `ms`. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface Download {
  kind: string;
  status: string;
  from_ms: number;
  to_ms: number;
  download_id?: string;
}

async function downloadsOf(dir: string): Promise<Download[]> {
  const state = JSON.parse(await Deno.readTextFile(`${dir}/state.json`));
  return state.markets.usdm.downloads ?? [];
}

/** A fake exchange whose clock the test moves on with `later` (3 symbols, 14 months of fills). */
async function movingExchange(
  seed: number,
  options: Partial<FakeExchangeOptions> = {},
): Promise<FakeExchange & { later(ms: number): void }> {
  let shift = 0;
  const exchange = await startFakeExchange({
    seed,
    symbols: 3,
    fills: 2000,
    months: 14,
    weightLimit: 1_000_000,
    clock: () => Date.now() + shift,
    ...options,
  });
  return Object.assign(exchange, { later: (ms: number) => void (shift += ms) });
}

Deno.test("sync --from a year and more back: pending, then merged into the whole truth", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 61,
    symbols: 4,
    fills: 4000,
    months: 15,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 2,
  });
  const account = exchange.account;
  const from = day(account.startTime);
  await using dir = await tempDir();
  const asyn = () => exchange.log.filter((e) => /\/asyn$/.test(e.endpoint)).length;

  await t.step("the first sync requests the downloads and records them as pending", async () => {
    const result = await syncWith(exchange, dir.path, "--from", from);
    assert.equal(result.code, 0, result.stderr);
    const downloads = await downloadsOf(dir.path);
    const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
    const firstApiFill = Date.parse(at(at(fills.split("\n"), 1).split(","), 0));
    // 15 months back to where the API's rows begin: a little over 365 days, so two per kind.
    for (const kind of ["trade", "income"]) {
      const mine = downloads.filter((d) => d.kind === kind);
      assert.deepEqual(mine.map((d) => d.status), ["pending", "pending"]);
      const [first, second] = mine;
      assert.ok(first !== undefined && second !== undefined);
      assert.equal(first.from_ms, Date.parse(`${from}T00:00:00Z`));
      assert.equal(second.from_ms, first.to_ms + 1, "contiguous");
      for (const d of mine) assert.ok(d.to_ms - d.from_ms <= 365 * DAY);
      assert.ok(second.to_ms < firstApiFill, "up to where the API's rows begin");
      assert.ok(second.to_ms > firstApiFill - 2 * DAY, "not short of it");
    }
    assert.equal(asyn(), 4, "one request per kind and 365 days");
    assert.match(
      result.stdout,
      /bulk download of the trade history from .*: requested; Binance takes about 2 s/,
    );
    assert.match(
      await Deno.readTextFile(`${dir.path}/futures_positions.csv`),
      /^PARTIAL,/m,
      "the API's 3 months alone leave books PARTIAL",
    );
  });

  await t.step("the next sync merges them: the positions are the whole truth", async () => {
    await new Promise((r) => setTimeout(r, 2_100));
    const result = await syncWith(exchange, dir.path);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /trade history .*: merged, [\d,]+ fills added/);
    const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
    assert.doesNotMatch(positions, /^PARTIAL,/m);
    assert.equal(toSeconds(positions), toSeconds(account.truthCsv()));
    const downloads = await downloadsOf(dir.path);
    assert.ok(downloads.every((d) => d.status === "merged"));
    assert.deepEqual([...Deno.readDirSync(`${dir.path}/futures_downloads`)], [], "zips removed");
  });

  await t.step("nothing is requested again for a range already downloaded", async () => {
    const before = asyn();
    const files = await snapshot(dir.path);
    const result = await syncWith(exchange, dir.path, "--from", from);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(asyn(), before);
    assert.equal((await snapshot(dir.path))["futures_fills.csv"], files["futures_fills.csv"]);
  });
});

Deno.test("sync --from --wait: requested, polled and merged in one run", async () => {
  await using exchange = await startFakeExchange({
    seed: 62,
    symbols: 3,
    fills: 2000,
    months: 14,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 3,
  });
  await using dir = await tempDir();
  const result = await syncWith(
    exchange,
    dir.path,
    "--from",
    day(exchange.account.startTime),
    "--wait",
    "2",
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /trade history .*: merged, [\d,]+ fills added/);
  assert.match(result.stdout, /transaction history .*: merged, [\d,]+ income records added/);
  const links = exchange.log.filter((e) => /\/asyn\/id$/.test(e.endpoint));
  assert.ok(links.length >= 4, "polled while Binance prepared them");
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(toSeconds(positions), toSeconds(exchange.account.truthCsv()));
  assert.ok((await downloadsOf(dir.path)).every((d) => d.status === "merged"));
});

Deno.test("an expired link is asked for again, and then merged", async () => {
  await using exchange = await movingExchange(63, {
    downloadDelaySeconds: 60,
    downloadLinkExpirySeconds: 3_600,
  });
  await using dir = await tempDir();
  const from = day(exchange.account.startTime);
  assert.equal((await syncWith(exchange, dir.path, "--from", from)).code, 0);
  const first = await downloadsOf(dir.path);
  assert.deepEqual(first.map((d) => d.status), ["pending", "pending"]);

  exchange.later(2 * 3_600_000); // ready after a minute, expired an hour later
  const expired = await syncWith(exchange, dir.path);
  assert.equal(expired.code, 0, expired.stderr);
  assert.match(expired.stdout, /its link expired before it was fetched; a new one is asked for/);
  assert.match(expired.stdout, /requested; Binance takes about 60 s on average/);
  const again = await downloadsOf(dir.path);
  assert.deepEqual(again.map((d) => d.status), ["pending", "pending"]);
  assert.notDeepEqual(again.map((d) => d.download_id), first.map((d) => d.download_id));
  assert.deepEqual(again.map((d) => [d.from_ms, d.to_ms]), first.map((d) => [d.from_ms, d.to_ms]));

  exchange.later(61_000);
  const merged = await syncWith(exchange, dir.path);
  assert.equal(merged.code, 0, merged.stderr);
  assert.ok((await downloadsOf(dir.path)).every((d) => d.status === "merged"));
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.doesNotMatch(positions, /^PARTIAL,/m);
});

Deno.test("the month's quota spent: a clear message, exit 1, nothing lost, asked again next month", async () => {
  await using exchange = await movingExchange(64);
  for (let i = 0; i < 5; i++) exchange.downloads.websiteExport("usdm", "trade");
  await using dir = await tempDir();
  const from = day(exchange.account.startTime);
  const refused = await syncWith(exchange, dir.path, "--from", from);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /refused the bulk download of the trade history .*: this month's download quota .* is spent\. It resets on \d{4}-\d\d-01 00:00 UTC/,
  );
  assert.doesNotMatch(refused.stderr, /futures-ledger: .*transaction history/, "its own quota");
  // Nothing lost: the API's 3 months are in the files, and the ranges are recorded.
  const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
  assert.ok(fills.split("\n").length > 100);
  const downloads = await downloadsOf(dir.path);
  assert.deepEqual(downloads.map((d) => [d.kind, d.status]), [["trade", "wanted"], [
    "income",
    "pending",
  ]]);

  const asked = () => exchange.log.filter((e) => e.endpoint === "/fapi/v1/trade/asyn").length;
  const before = asked();
  const sameMonth = await syncWith(exchange, dir.path);
  assert.equal(sameMonth.code, 0, sameMonth.stderr);
  assert.match(sameMonth.stdout, /waits for the download quota to reset on/);
  assert.equal(asked(), before, "not asked again in the same month");

  const now = new Date(exchange.now());
  exchange.later(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 1) - now.getTime());
  const nextMonth = await syncWith(exchange, dir.path);
  assert.equal(nextMonth.code, 0, nextMonth.stderr);
  assert.equal(asked(), before + 1);
  assert.ok((await downloadsOf(dir.path)).every((d) => d.status !== "wanted"));
});

Deno.test("a zip the download host fails to serve is said, kept pending, and merged next time", async () => {
  await using exchange = await movingExchange(64, { downloadDelaySeconds: 60 });
  await using dir = await tempDir();
  assert.equal(
    (await syncWith(exchange, dir.path, "--from", day(exchange.account.startTime))).code,
    0,
  );
  const first = await downloadsOf(dir.path);
  assert.deepEqual(first.map((d) => d.status), ["pending", "pending"]);

  exchange.later(61_000); // both ready; the download host fails the first two fetches
  exchange.downloads.failFetches(2);
  const failed = await syncWith(exchange, dir.path);
  assert.equal(failed.code, 1, failed.stderr);
  for (const history of ["trade history", "transaction history"]) {
    assert.match(
      failed.stderr,
      new RegExp(
        `bulk download of the ${history} .*: HTTP 503 SlowDown .*; the next sync tries again`,
      ),
    );
  }
  assert.doesNotMatch(failed.stdout, /Binance is preparing it/, "it was ready: the fetch failed");
  assert.deepEqual(await downloadsOf(dir.path), first, "still pending, as they were");

  const merged = await syncWith(exchange, dir.path);
  assert.equal(merged.code, 0, merged.stderr);
  assert.ok((await downloadsOf(dir.path)).every((d) => d.status === "merged"));
  const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
  assert.equal(toSeconds(positions), toSeconds(exchange.account.truthCsv()));
});

Deno.test("a download holding a row the files could not read back is left out, not the sync", async () => {
  await using exchange = await movingExchange(65, { downloadDelaySeconds: 60 });
  // A fill only the download holds (older than the API's 3 months), priced 0: nothing Binance
  // documents, but nothing stops a download from holding it. (The fake's rows are plain objects.)
  const old = exchange.account.trades.find((t) => t.time < exchange.account.startTime + 30 * DAY);
  assert.ok(old !== undefined);
  (old as { price: string }).price = "0";
  await using dir = await tempDir();
  assert.equal(
    (await syncWith(exchange, dir.path, "--from", day(exchange.account.startTime))).code,
    0,
  );

  exchange.later(61_000);
  const first = await syncWith(exchange, dir.path);
  assert.equal(first.code, 1, first.stderr);
  assert.match(
    first.stderr,
    new RegExp(
      `bulk download of the trade history .*: downloaded but not merged: its fill usdm ` +
        `${old.symbol} #${old.id} of .* cannot be kept: field "price": not valid: "0"`,
    ),
  );
  assert.match(first.stdout, /transaction history .*: merged, [\d,]+ income records added/);
  assert.deepEqual((await downloadsOf(dir.path)).map((d) => d.status), ["failed", "merged"]);
  const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
  assert.doesNotMatch(fills, new RegExp(`,${old.id},`), "the download's rows are not written");

  // The next syncs are not stopped by it: they remind of the zip kept for import.
  const next = await syncWith(exchange, dir.path);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stdout, /trade history .*: still not merged: its fill usdm/);
});

Deno.test("the only download ready holds such a row: left out, nothing of it written", async () => {
  await using exchange = await movingExchange(66, { downloadDelaySeconds: 60 });
  const account = exchange.account;
  const trade = account.trades.find((t) => t.time < account.startTime + 30 * DAY);
  assert.ok(trade !== undefined);
  (trade as { price: string }).price = "0";
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path, "--from", day(account.startTime))).code, 0);
  const before = await snapshot(dir.path);

  exchange.later(61_000); // the trade history is ready and holds the row; the other fails to download
  exchange.downloads.failFetches(1, "income");
  const result = await syncWith(exchange, dir.path);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /trade history .*: downloaded but not merged: its fill .* "price"/);
  assert.match(result.stderr, /transaction history .*: HTTP 503 SlowDown/);
  assert.deepEqual((await downloadsOf(dir.path)).map((d) => d.status), ["failed", "pending"]);
  const after = await snapshot(dir.path);
  assert.equal(after["futures_fills.csv"], before["futures_fills.csv"]);
  assert.equal(after["futures_income.csv"], before["futures_income.csv"]);
});
