/**
 * The fake exchange's bulk history download: the endpoints' rules, weights, the monthly quota,
 * the delay, link expiry and the S3 side, and what the zips hold. The layouts are parsed back in
 * `archive_fake_test.ts`.
 */

import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { parseArgs } from "./fake_exchange/main.ts";
import {
  type FakeExchange,
  monthsBefore,
  quotaExhausted,
  signedGet,
  startFakeExchange,
} from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 10, 12, 0, 0);
const DAY = 86_400_000;
const BASE = {
  seed: 21,
  symbols: 5,
  fills: 3_000,
  months: 15,
  endTime: END,
  apiKey: "k",
  secret: "s",
  weightLimit: 1_000_000,
};

async function json(response: Response): Promise<Record<string, unknown>> {
  return JSON.parse(await response.text());
}

function range(from: number, to: number): string {
  return `startTime=${from}&endTime=${to}`;
}

async function downloadId(ex: FakeExchange, kind: string, from: number, to: number) {
  return await json(await signedGet(ex, `/fapi/v1/${kind}/asyn`, range(from, to)));
}

async function link(ex: FakeExchange, kind: string, id: unknown) {
  return await json(await signedGet(ex, `/fapi/v1/${kind}/asyn/id`, `downloadId=${id}`));
}

Deno.test("download endpoints: parameters and errors", async (t) => {
  await using ex = await startFakeExchange({ ...BASE, clock: () => END + 1_000 });
  const get = (path: string, query: string) => signedGet(ex, path, query);

  await t.step("startTime and endTime are mandatory (-1102) LONGs (-1100)", async () => {
    for (const path of ["/fapi/v1/trade/asyn", "/fapi/v1/income/asyn", "/dapi/v1/trade/asyn"]) {
      assert.equal((await json(await get(path, `endTime=${END}`))).code, -1102);
      assert.equal((await json(await get(path, `startTime=${END - DAY}`))).code, -1102);
      assert.equal((await json(await get(path, `startTime=1.5&endTime=${END}`))).code, -1100);
    }
  });

  await t.step("start after end is -1023; over 365 days -4165; 365 days is fine", async () => {
    const after = await get("/fapi/v1/trade/asyn", range(END, END - 1));
    assert.equal(after.status, 400);
    assert.equal((await json(after)).code, -1023);
    const long = await get("/fapi/v1/trade/asyn", range(END - 365 * DAY - 1, END));
    assert.deepEqual(await json(long), { code: -4165, msg: "Invalid time interval." });
    const year = await json(await get("/fapi/v1/trade/asyn", range(END - 365 * DAY, END)));
    assert.match(String(year.downloadId), /^\d{18}$/);
    assert.equal(year.avgCostTimestampOfLast30d, 0);
  });

  await t.step("an unknown downloadId, or one of the other kind, is -1130", async () => {
    assert.equal((await link(ex, "trade", "123")).code, -1130);
    const id = (await downloadId(ex, "income", END - DAY, END)).downloadId;
    assert.equal((await link(ex, "trade", id)).code, -1130);
    assert.equal((await link(ex, "income", id)).status, "completed");
    assert.equal((await json(await get("/fapi/v1/trade/asyn/id", ""))).code, -1102);
  });

  await t.step("they are SIGNED: no key is -2014", async () => {
    const r = await fetch(`${ex.url}/fapi/v1/trade/asyn?${range(END - DAY, END)}`);
    assert.equal(r.status, 401);
    assert.equal((await json(r)).code, -2014);
  });
});

Deno.test("download endpoints: weights", async (t) => {
  const cases: [string, string, number, number | undefined][] = [
    ["usdm", "/fapi/v1/trade/asyn", 1000, undefined],
    ["usdm", "/fapi/v1/income/asyn", 1000, undefined],
    ["usdm", "/fapi/v1/trade/asyn", 5, 5],
    ["coinm", "/dapi/v1/trade/asyn", 5, undefined],
    ["coinm", "/dapi/v1/income/asyn", 5, undefined],
  ];
  for (const [market, path, weight, option] of cases) {
    await t.step(`${path} weighs ${weight}${option ? " (option)" : ""}`, async () => {
      await using ex = await startFakeExchange({
        ...BASE,
        market: market as "usdm" | "coinm",
        clock: () => END + 1_000,
        downloadIdWeight: option,
      });
      const r = await signedGet(ex, path, range(END - DAY, END));
      const id = (await json(r)).downloadId;
      assert.equal(Number(r.headers.get("x-mbx-used-weight-1m")), weight);
      const l = await signedGet(ex, `${path}/id`, `downloadId=${id}`);
      await l.body?.cancel();
      assert.equal(
        Number(l.headers.get("x-mbx-used-weight-1m")),
        weight + (market === "usdm" ? 10 : 5),
      );
    });
  }

  await t.step("two USD-M download ids and a third in one minute pass 2400: 429", async () => {
    await using ex = await startFakeExchange({ ...BASE, weightLimit: 2400, clock: () => END });
    assert.ok((await downloadId(ex, "trade", END - DAY, END)).downloadId);
    assert.ok((await downloadId(ex, "income", END - DAY, END)).downloadId);
    const third = await signedGet(ex, "/fapi/v1/trade/asyn", range(END - 2 * DAY, END));
    assert.equal(third.status, 429);
    await third.body?.cancel();
    assert.equal(ex.downloads.remaining("usdm", "trade"), 4, "a refused request spends nothing");
  });
});

Deno.test("download quota: 5 a month per kind, shared with the website", async (t) => {
  let clock = Date.UTC(2026, 5, 30, 10);
  await using ex = await startFakeExchange({ ...BASE, endTime: clock - 1, clock: () => clock });
  const from = clock - 30 * DAY;

  await t.step("the website's export spends the same quota", async () => {
    ex.downloads.websiteExport("usdm", "trade");
    assert.equal(ex.downloads.remaining("usdm", "trade"), 4);
    for (let i = 0; i < 4; i++) assert.ok((await downloadId(ex, "trade", from, clock)).downloadId);
    assert.equal(ex.downloads.remaining("usdm", "trade"), 0);
  });

  await t.step("the sixth is refused with the modelled error, spending nothing", async () => {
    const refused = await signedGet(ex, "/fapi/v1/trade/asyn", range(from, clock));
    assert.equal(refused.status, 400);
    assert.equal(await refused.text(), quotaExhausted("trade", 5).body());
    assert.throws(() => ex.downloads.websiteExport("usdm", "trade"), /per month/);
  });

  await t.step("income has its own quota, and COIN-M its own", async () => {
    assert.ok((await downloadId(ex, "income", from, clock)).downloadId);
    assert.equal(ex.downloads.remaining("usdm", "income"), 4);
    assert.equal(ex.downloads.remaining("coinm", "trade"), 5);
  });

  await t.step("a new calendar month (UTC) starts afresh", async () => {
    clock = Date.UTC(2026, 6, 1, 0, 0, 1);
    assert.equal(ex.downloads.remaining("usdm", "trade"), 5);
    assert.ok((await downloadId(ex, "trade", from, clock)).downloadId);
  });
});

Deno.test("download links: delay, expiry and the S3 side", async (t) => {
  let clock = END + 1_000;
  await using ex = await startFakeExchange({
    ...BASE,
    clock: () => clock,
    downloadDelaySeconds: 120,
    downloadLinkExpirySeconds: 3_600,
  });
  const asked = await downloadId(ex, "trade", END - 30 * DAY, END);
  const id = asked.downloadId;

  await t.step("the id answer says the delay; the link is processing until it passes", async () => {
    assert.equal(asked.avgCostTimestampOfLast30d, 120_000);
    assert.deepEqual(await link(ex, "trade", id), {
      downloadId: id,
      status: "processing",
      url: "",
      s3Link: null,
      notified: false,
      expirationTimestamp: -1,
      isExpired: null,
    });
    clock += 119_999;
    assert.equal((await link(ex, "trade", id)).status, "processing");
  });

  let url = "";
  await t.step("then completed, with a signed link to this server and its expiry", async () => {
    clock += 1;
    const answer = await link(ex, "trade", id);
    assert.equal(answer.status, "completed");
    assert.equal(answer.expirationTimestamp, END + 1_000 + 120_000 + 3_600_000);
    assert.equal(answer.isExpired, null);
    url = String(answer.url);
    assert.ok(url.startsWith(`${ex.url}/s3/bin-prod-user-rebate-bucket/data-download-task/`));
    assert.match(url, /usdt_margined_futures\/\d{8}\/\d+\.zip\?.*X-Amz-Signature=[0-9a-f]{64}/);
  });

  await t.step("the zip is served without an API key and costs no weight", async () => {
    const before = ex.totals().weight;
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/zip");
    const names = Object.keys(unzipSync(new Uint8Array(await r.arrayBuffer())));
    assert.equal(names.length, 1);
    assert.match(at(names, 0), /^Binance-Futures-Trade-History-\d{12}\(UTC\+0\)-part1-of1\.csv$/);
    assert.equal(ex.totals().weight, before);
  });

  await t.step("an altered link is refused as S3 refuses it", async () => {
    const r = await fetch(url.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=999999"));
    assert.equal(r.status, 403);
    assert.match(await r.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  await t.step("after expiry: 403 AccessDenied, Request has expired; isExpired true", async () => {
    clock += 3_600_000 + 1;
    const r = await fetch(url);
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("content-type"), "application/xml");
    const body = await r.text();
    assert.match(body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    assert.match(body, /<X-Amz-Expires>3600<\/X-Amz-Expires>/);
    assert.equal((await link(ex, "trade", id)).isExpired, true);
  });
});

Deno.test("downloads hold the whole requested range, older than the API serves", async (t) => {
  const clock = END + 1_000;
  await using ex = await startFakeExchange({ ...BASE, clock: () => clock, exportPartRows: 200 });
  const from = monthsBefore(END, 13);
  const to = monthsBefore(END, 4) - 1;
  const expected = ex.account.trades.filter((r) => r.time >= from && r.time <= to);

  await t.step("userTrades serves nothing older than 3 months", async () => {
    const old = expected.find((r) => r.symbol === "BTCUSDT")!;
    const q = `symbol=BTCUSDT&startTime=${old.time}&endTime=${old.time + DAY}`;
    assert.deepEqual(await json(await signedGet(ex, "/fapi/v1/userTrades", q)), []);
  });

  await t.step("the zip has every fill of the range, in parts of at most 200 rows", async () => {
    assert.ok(expected.length > 400);
    const id = (await downloadId(ex, "trade", from, to)).downloadId;
    const zip = await (await fetch(String((await link(ex, "trade", id)).url))).arrayBuffer();
    const files = unzipSync(new Uint8Array(zip));
    const names = Object.keys(files);
    const parts = Math.ceil(expected.length / 200);
    assert.equal(names.length, parts);
    assert.ok(names.every((n, i) => n.endsWith(`-part${i + 1}-of${parts}.csv`)));
    const ids = Object.values(files).flatMap((bytes) =>
      new TextDecoder().decode(bytes).trim().split("\n").slice(1).map((l) => l.split(",")[11])
    );
    assert.deepEqual(ids.sort(), expected.map((r) => r.id).sort());
  });

  await t.step("an empty range gives the header and 'No data matches the criteria.'", async () => {
    const id = (await downloadId(ex, "income", END + 10, END + 20)).downloadId;
    const zip = await (await fetch(String((await link(ex, "income", id)).url))).arrayBuffer();
    const [text] = Object.values(unzipSync(new Uint8Array(zip))).map((b) =>
      new TextDecoder().decode(b)
    );
    assert.equal(
      text,
      "Time,Type,Amount,Asset,Symbol,Transaction ID\nNo data matches the criteria.\n",
    );
  });
});

Deno.test("fake-exchange command line: download options", () => {
  const o = parseArgs([
    "--download-delay",
    "30",
    "--export-format",
    "trade-date-utc,income-uid-time,xlsx",
    "--months",
    "15",
    "--retention",
    "3",
  ]);
  assert.equal(o.get("download-delay"), "30");
  assert.equal(o.get("export-format"), "trade-date-utc,income-uid-time,xlsx");
  assert.throws(() => parseArgs(["--export-format", "trade-nope"]), /unknown export format/);
  assert.throws(() => parseArgs(["--download-delay", "soon"]), /not a number/);
});
