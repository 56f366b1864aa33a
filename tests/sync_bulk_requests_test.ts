/**
 * A download-id request spends monthly quota, so one whose outcome is unknown is never sent
 * again by itself: a lost answer, and a request a killed run left (`requesting` in state.json),
 * are reported, nothing is recorded as pending, and only a later `sync --from` asks again. Nor
 * is a download whose link this program may not fetch, even once the link has expired. And a
 * `--wait` that ends before Binance is done leaves the downloads pending, as a problem.
 */
import assert from "node:assert/strict";
import { DownloadOutcomeUnknownError } from "../src/binance/bulk_download.ts";
import { BinanceClient } from "../src/binance/client.ts";
import { hmacSigner } from "../src/binance/sign.ts";
import { runSync, type SyncClient, type SyncEvent } from "../src/sync.ts";
import { DownloadBook } from "../src/sync/download_book.ts";
import { isProblem } from "../src/sync/download_notes.ts";
import { requestWanted } from "../src/sync/download_requests.ts";
import { type FakeExchange, startFakeExchange } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const DAY = 86_400_000;

/**
 * A client of `exchange`: with `loseTrades`, its trade-history download id answers are lost
 * after being counted; with `linkHost`, its download links point at that host.
 */
async function clientOf(
  exchange: FakeExchange,
  loseTrades: boolean,
  linkHost?: string,
): Promise<SyncClient> {
  const client = new BinanceClient({
    market: "usdm",
    apiKey: exchange.apiKey,
    signer: await hmacSigner(exchange.secret),
    baseUrl: exchange.url,
  });
  return {
    serverTime: () => client.serverTime(),
    exchangeInfo: () => client.exchangeInfo(),
    positionRisk: () => client.positionRisk(),
    positionSideDual: () => client.positionSideDual(),
    userTrades: (q) => client.userTrades(q),
    income: (q) => client.income(q),
    klines: (q) => client.klines(q),
    async downloadLink(kind, id) {
      const link = await client.downloadLink(kind, id);
      if (link.status !== "completed" || linkHost === undefined) return link;
      return { ...link, url: link.url.replace(/^http:\/\/[^/]+/, `https://${linkHost}`) };
    },
    fetchDownload: (url, onProgress) => client.fetchDownload(url, onProgress),
    async requestDownload(kind, start, end) {
      const ticket = await client.requestDownload(kind, start, end);
      if (kind === "trade" && loseTrades) {
        throw new DownloadOutcomeUnknownError("/fapi/v1/trade/asyn", "connection reset");
      }
      return ticket;
    },
  };
}

interface Download {
  kind: string;
  status: string;
}

async function downloadsOf(dir: string): Promise<Download[]> {
  const state = JSON.parse(await Deno.readTextFile(`${dir}/state.json`));
  return state.markets.usdm.downloads ?? [];
}

function tradeRequests(exchange: FakeExchange): number {
  return exchange.log.filter((e) => e.endpoint === "/fapi/v1/trade/asyn").length;
}

Deno.test("a lost answer: reported, nothing pending, asked again only by sync --from", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 71,
    symbols: 2,
    fills: 600,
    months: 14,
    weightLimit: 1_000_000,
  });
  await using dir = await tempDir();
  const from = Math.floor(exchange.account.startTime / DAY) * DAY;
  const options = { dir: dir.path, market: "usdm" as const, from };

  await t.step("the lost request is a problem of this run; the other kind is pending", async () => {
    const result = await runSync(options, await clientOf(exchange, true));
    const lost = result.downloads.filter((n) => n.kind === "lost");
    assert.equal(lost.length, 1);
    assert.ok(isProblem(at(lost, 0)));
    assert.match(
      String((lost[0] as { message?: string }).message),
      /may have counted this request/,
    );
    assert.deepEqual((await downloadsOf(dir.path)).map((d) => [d.kind, d.status]), [
      ["income", "pending"],
    ]);
    assert.equal(tradeRequests(exchange), 1);
  });

  await t.step("a sync without --from does not ask again; it merges the pending one", async () => {
    const events: SyncEvent[] = [];
    const client = await clientOf(exchange, false);
    await runSync({ dir: dir.path, market: "usdm" }, client, (e) => events.push(e));
    assert.equal(tradeRequests(exchange), 1);
    const bulk = [...new Set(events.filter((e) => e.kind.startsWith("bulk-")).map((e) => e.kind))];
    assert.deepEqual(bulk, ["bulk-ready", "bulk-downloading"]);
  });

  await t.step("sync --from asks again, once", async () => {
    const events: SyncEvent[] = [];
    const result = await runSync(options, await clientOf(exchange, false), (e) => events.push(e));
    assert.equal(tradeRequests(exchange), 2);
    // Said once, as requested now: not also as "Binance is preparing it".
    assert.deepEqual(result.downloads.map((n) => n.kind), ["requested"]);
    assert.deepEqual(events.filter((e) => e.kind.startsWith("bulk-")).map((e) => e.kind), [
      "bulk-requested",
    ]);
    assert.deepEqual((await downloadsOf(dir.path)).map((d) => [d.kind, d.status]), [
      ["income", "merged"],
      ["trade", "pending"],
    ]);
  });
});

Deno.test("a request a killed run left is reported, not sent again in that run", async () => {
  await using exchange = await startFakeExchange({
    seed: 72,
    symbols: 2,
    fills: 600,
    months: 14,
    weightLimit: 1_000_000,
  });
  await using dir = await tempDir();
  const from = Math.floor(exchange.account.startTime / DAY) * DAY;
  const marker = {
    kind: "trade",
    from_ms: from,
    to_ms: exchange.now(),
    status: "requesting",
    requested_ms: exchange.now() - 60_000,
  };
  await Deno.writeTextFile(
    `${dir.path}/state.json`,
    JSON.stringify({
      version: 1,
      markets: { usdm: { symbols: {}, income_time_ms: null, downloads: [marker] } },
    }),
  );
  const client = await clientOf(exchange, false);
  const result = await runSync({ dir: dir.path, market: "usdm", from }, client);
  const lost = result.downloads.filter((n) => n.kind === "lost");
  assert.equal(lost.length, 1);
  assert.ok(!isProblem(at(lost, 0)), "the run that was killed failed already");
  assert.equal(tradeRequests(exchange), 0, "its range is not asked for again in this run");
  assert.deepEqual((await downloadsOf(dir.path)).map((d) => [d.kind, d.status]), [
    ["income", "pending"],
  ]);

  await runSync({ dir: dir.path, market: "usdm", from }, client);
  assert.equal(tradeRequests(exchange), 1, "a later sync --from asks");
});

Deno.test("--wait that ends before Binance is done: still pending, a problem of the run", async () => {
  await using exchange = await startFakeExchange({
    seed: 74,
    symbols: 2,
    fills: 600,
    months: 14,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 600,
  });
  await using dir = await tempDir();
  const from = Math.floor(exchange.account.startTime / DAY) * DAY;
  const client = await clientOf(exchange, false);
  const result = await runSync({ dir: dir.path, market: "usdm", from, waitMs: 2_500 }, client);
  const over = result.downloads.filter((n) => n.kind === "wait-over");
  assert.equal(over.length, 2);
  assert.ok(over.every(isProblem));
  // Said once, as a wait that ran out: not also as "Binance is preparing it".
  assert.deepEqual(result.downloads.filter((n) => n.kind === "pending"), []);
  const polls = exchange.log.filter((e) => /\/asyn\/id$/.test(e.endpoint)).length;
  assert.equal(polls, 4, "each polled twice: after 2 s, and when the limit passed");
  assert.deepEqual((await downloadsOf(dir.path)).map((d) => d.status), ["pending", "pending"]);
});

// Under `deno test -A` the test may reach that host, and the check it makes is not the one here.
const mayReachElsewhere =
  Deno.permissions.querySync({ name: "net", host: "elsewhere.s3.amazonaws.com" }).state ===
    "granted";

Deno.test({
  name: "a link to a host this program may not reach: pending, never asked for again",
  ignore: mayReachElsewhere,
}, async () => {
  let shift = 0;
  await using exchange = await startFakeExchange({
    seed: 75,
    symbols: 2,
    fills: 600,
    months: 14,
    weightLimit: 1_000_000,
    clock: () => Date.now() + shift,
    downloadLinkExpirySeconds: 3_600,
  });
  await using dir = await tempDir();
  const from = Math.floor(exchange.account.startTime / DAY) * DAY;
  // The tests may reach 127.0.0.1 only, as the binary may reach Binance's hosts only.
  const client = await clientOf(exchange, false, "elsewhere.s3.amazonaws.com");
  await runSync({ dir: dir.path, market: "usdm", from }, client);
  const asked = () => exchange.log.filter((e) => /\/asyn$/.test(e.endpoint)).length;
  assert.equal(asked(), 2);
  for (const hours of [0, 2]) { // before the link expires, and after
    shift += hours * 3_600_000;
    const result = await runSync({ dir: dir.path, market: "usdm" }, client);
    const errors = result.downloads.filter((n) => n.kind === "error");
    assert.equal(errors.length, 2);
    assert.match(
      (errors[0] as { message: string }).message,
      /points at elsewhere\.s3\.amazonaws\.com, which this program may not connect to/,
    );
    assert.deepEqual((await downloadsOf(dir.path)).map((d) => d.status), ["pending", "pending"]);
    assert.equal(asked(), 2, "no quota spent on a link that cannot be fetched");
  }
});

Deno.test("COIN-M: at most 2 download requests a minute (its weight would not space them)", async () => {
  await using dir = await tempDir();
  const wanted = [0, 1, 2, 3].map((i) => ({
    kind: i % 2 === 0 ? "trade" as const : "income" as const,
    from_ms: i * DAY,
    to_ms: i * DAY + DAY - 1,
    status: "wanted" as const,
  }));
  const saved = {
    version: 1 as const,
    markets: { coinm: { symbols: {}, income_time_ms: null, downloads: wanted } },
  };
  const local = {
    dir: dir.path,
    saved,
    cache: undefined,
    ends: saved,
    marks: saved.markets.coinm,
    known: new Set<string>(),
    walk: new Map(),
    open: new Map(),
    scan: undefined,
  };
  const book = new DownloadBook(local, "coinm");
  let id = 0;
  const source = {
    requestDownload: () =>
      Promise.resolve({ downloadId: String(++id), averagePreparationMs: 1000 }),
    downloadLink: () => Promise.reject(new Error("not used")),
    fetchDownload: () => Promise.reject(new Error("not used")),
  };
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  await requestWanted(source, book, Date.now(), () => {}, [], sleep);
  assert.equal(id, 4);
  assert.equal(sleeps.length, 2, "before the third and the fourth");
  assert.ok(sleeps.every((ms) => ms > 55_000 && ms <= 60_000), String(sleeps));
  assert.ok(book.records.every((r) => r.status === "pending"));
});
