/**
 * The bulk download client against the fake exchange: a download id, its link, the zip read back;
 * ranges checked before sending; the quota error passed on and never retried; a lost answer
 * reported as possibly counted; an expired link recognised; the link never in a message.
 */

import assert from "node:assert/strict";
import { readArchive } from "../src/archive/mod.ts";
import { BulkDownload, DownloadOutcomeUnknownError } from "../src/binance/bulk_download.ts";
import { ArchiveLinkExpiredError, fetchArchive } from "../src/binance/download_archive.ts";
import { timeEndpoint } from "../src/binance/endpoints.ts";
import { BinanceApiError, BinanceConfigError } from "../src/binance/errors.ts";
import { hmacSigner } from "../src/binance/sign.ts";
import { Transport } from "../src/binance/transport.ts";
import { type FakeExchange, startFakeExchange } from "./fake_exchange/mod.ts";

const DAY = 86_400_000;

async function transport(ex: FakeExchange, maxRetries: number): Promise<Transport> {
  return new Transport({
    baseUrl: ex.url,
    apiKey: ex.apiKey,
    signer: await hmacSigner(ex.secret),
    timeoutMs: 10_000,
    maxRetries,
    recvWindow: 5_000,
    retryBaseDelayMs: 0,
    retryMaxDelayMs: 0,
    weightLimit: 1_000_000,
    weightBudgetRatio: undefined,
    timeEndpoint: timeEndpoint("usdm"),
    onRequest: undefined,
    onWait: undefined,
    onRetry: undefined,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
    random: () => 0,
  });
}

function asked(ex: FakeExchange, path: string): number {
  return ex.log.filter((e) => e.endpoint === path).length;
}

Deno.test("bulk download client", async (t) => {
  let shift = 0;
  const end = Date.now() - 60_000;
  await using ex = await startFakeExchange({
    seed: 5,
    symbols: 4,
    fills: 2_000,
    months: 15,
    endTime: end,
    clock: () => Date.now() + shift,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 60,
    downloadLinkExpirySeconds: 3_600,
  });
  const once = await transport(ex, 0);
  const bulk = new BulkDownload({
    market: "usdm",
    requester: await transport(ex, 3),
    requesterOnce: once,
  });
  const from = end - 365 * DAY;

  let url = "";
  await t.step("a download id, processing, then a link to a zip of the whole range", async () => {
    const ticket = await bulk.requestDownloadId("trade", from, end);
    assert.match(ticket.downloadId, /^\d+$/);
    assert.equal(ticket.averagePreparationMs, 60_000);
    assert.deepEqual(await bulk.link("trade", ticket.downloadId), { status: "processing" });
    shift += 61_000; // the transport re-syncs its clock on the -1021 this causes
    const link = await bulk.link("trade", ticket.downloadId);
    assert.equal(link.status, "completed");
    if (link.status !== "completed") return;
    assert.equal(link.expired, false);
    url = link.url;
    const contents = await readArchive("trades.zip", await fetchArchive(url));
    const expected = ex.account.trades.filter((r) => r.time >= from && r.time <= end);
    assert.equal(contents.trades.length, expected.length);
    assert.ok(expected.some((r) => r.time < end - 200 * DAY), "older than the API serves");
  });

  await t.step("a range over 365 days is refused before anything is sent", async () => {
    const before = ex.log.length;
    await assert.rejects(bulk.requestDownloadId("income", from - 1, end), RangeError);
    await assert.rejects(bulk.requestDownloadId("income", end, end - 1), RangeError);
    await assert.rejects(bulk.requestDownloadId("income", 1.5, end), RangeError);
    assert.equal(ex.log.length, before);
  });

  await t.step("a lost answer is reported as possibly counted, and not sent again", async () => {
    const left = ex.downloads.remaining("usdm", "income");
    await once.syncClock(); // so that the fault meets the download-id request itself
    ex.failNext("reset");
    await assert.rejects(bulk.requestDownloadId("income", from, end), DownloadOutcomeUnknownError);
    assert.equal(asked(ex, "/fapi/v1/income/asyn"), 1);
    assert.equal(ex.downloads.remaining("usdm", "income"), left - 1, "it was counted");
  });

  await t.step("a 408 with -1007 (execution status unknown): counted, said unknown", async () => {
    const left = ex.downloads.remaining("usdm", "income");
    await once.syncClock();
    ex.failNext("408");
    await assert.rejects(bulk.requestDownloadId("income", from, end), DownloadOutcomeUnknownError);
    assert.equal(asked(ex, "/fapi/v1/income/asyn"), 2, "sent once");
    assert.equal(ex.downloads.remaining("usdm", "income"), left - 1, "it was counted");
  });

  await t.step("the spent quota's error is passed on as it is, never retried", async () => {
    while (ex.downloads.remaining("usdm", "income") > 0) {
      ex.downloads.websiteExport("usdm", "income");
    }
    const before = asked(ex, "/fapi/v1/income/asyn");
    await assert.rejects(bulk.requestDownloadId("income", from, end), (e: unknown) => {
      assert.ok(e instanceof BinanceApiError);
      assert.deepEqual([e.status, e.code], [400, -1003]);
      assert.match(e.msg, /per month/);
      return true;
    });
    assert.equal(asked(ex, "/fapi/v1/income/asyn"), before + 1);
  });

  await t.step("an expired link is recognised, and the link is in no message", async () => {
    shift += 3_600_000;
    await assert.rejects(fetchArchive(url), (e: unknown) => {
      assert.ok(e instanceof ArchiveLinkExpiredError);
      assert.ok(!e.message.includes("X-Amz"));
      return true;
    });
    const altered = url.replace(/X-Amz-Signature=\w+/, "X-Amz-Signature=00");
    await assert.rejects(fetchArchive(altered), (e: unknown) => {
      assert.match(
        (e as Error).message,
        /^GET the download from 127\.0\.0\.1:\d+: HTTP 403 SignatureDoesNotMatch/,
      );
      assert.ok(!(e as Error).message.includes("X-Amz"));
      return true;
    });
  });
});

Deno.test("a link to a host this program may not reach is refused by name, before sending", async () => {
  // The tests run with --allow-net=127.0.0.1, as the binary runs with Binance's hosts only.
  let sent = 0;
  const fetchFn = (() => {
    sent++;
    return Promise.reject(new Error("sent"));
  }) as typeof fetch;
  const link =
    "https://other-bucket.s3.amazonaws.com/data-download-task/x/1.zip?X-Amz-Signature=ab";
  await assert.rejects(fetchArchive(link, { fetchFn }), (e: unknown) => {
    assert.ok(e instanceof BinanceConfigError);
    assert.match(
      e.message,
      /points at other-bucket\.s3\.amazonaws\.com, which this program may not connect to .*deno run/,
    );
    assert.ok(!e.message.includes("X-Amz"), "the link is a secret");
    return true;
  });
  assert.equal(sent, 0);
});
