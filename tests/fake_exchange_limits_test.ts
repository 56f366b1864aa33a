/**
 * The fake exchange's request weights, rate limits and bans, injected faults, request log,
 * klines and command line.
 */

import assert from "node:assert/strict";
import { signedGet, startFakeExchange } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 1, 12, 0, 0);
const BASE = { seed: 13, symbols: 6, fills: 4_000, endTime: END, apiKey: "k", secret: "s" };

Deno.test("request weight", async (t) => {
  const cases: [string, string, string, number][] = [
    ["usdm", "/fapi/v1/time", "", 1],
    ["usdm", "/fapi/v1/exchangeInfo", "", 1],
    ["usdm", "/fapi/v1/klines", "symbol=BNBUSDT&interval=1m&limit=1000", 5],
    ["usdm", "/fapi/v1/klines", "symbol=BNBUSDT&interval=1m&limit=99", 1],
    ["usdm", "/fapi/v1/userTrades", "symbol=BTCUSDT", 5],
    ["usdm", "/fapi/v1/income", "", 30],
    ["usdm", "/fapi/v2/positionRisk", "", 5],
    ["usdm", "/fapi/v3/positionRisk", "", 5],
    ["usdm", "/fapi/v2/account", "", 5],
    ["usdm", "/fapi/v3/account", "", 5],
    ["usdm", "/fapi/v1/positionSide/dual", "", 30],
    ["coinm", "/dapi/v1/userTrades", "symbol=BTCUSD_PERP", 20],
    ["coinm", "/dapi/v1/userTrades", "pair=BTCUSD", 40],
    ["coinm", "/dapi/v1/income", "", 20],
    ["coinm", "/dapi/v1/positionRisk", "", 1],
  ];
  for (const market of ["usdm", "coinm"] as const) {
    await using ex = await startFakeExchange({ ...BASE, market, clock: () => END + 1_000 });
    for (const [m, path, query, weight] of cases.filter(([m]) => m === market)) {
      await t.step(`${m} ${path}${query ? "?" + query : ""} weighs ${weight}`, async () => {
        const before = Number((await fetch(`${ex.url}/${m === "usdm" ? "fapi" : "dapi"}/v1/time`)
          .then(async (r) => (await r.body?.cancel(), r))).headers.get("x-mbx-used-weight-1m"));
        const signed = !path.endsWith("/time") && !path.endsWith("exchangeInfo") &&
          !path.endsWith("klines");
        const response = signed
          ? await signedGet(ex, path, query)
          : await fetch(`${ex.url}${path}?${query}`);
        assert.equal(response.status, 200, await response.clone().text());
        await response.body?.cancel();
        assert.equal(Number(response.headers.get("x-mbx-used-weight-1m")), before + weight);
      });
    }
  }
});

Deno.test("rate limits", async (t) => {
  let clock = END + 10_000; // 10 s into a minute
  await using ex = await startFakeExchange({ ...BASE, weightLimit: 10, clock: () => clock });
  const time = async () => {
    const r = await fetch(`${ex.url}/fapi/v1/time`);
    const body = await r.text();
    return {
      status: r.status,
      body,
      used: r.headers.get("x-mbx-used-weight-1m"),
      retry: r.headers.get("retry-after"),
    };
  };

  await t.step("over the limit: 429 with Retry-After until the next minute", async () => {
    for (let i = 1; i <= 10; i++) assert.equal((await time()).used, String(i));
    const r = await time();
    assert.equal(r.status, 429);
    assert.equal(JSON.parse(r.body).code, -1003);
    assert.equal(r.retry, "50");
  });

  await t.step("keeping on after a 429 gets 418, an IP ban with Retry-After", async () => {
    clock += 1_000;
    assert.equal((await time()).status, 429);
    const ban = await time();
    assert.equal(ban.status, 418);
    assert.equal(ban.retry, "120");
    clock += 60_000; // the next minute: still banned
    assert.equal((await time()).status, 418);
  });

  await t.step("the window is a fixed calendar minute: it resets at the minute", async () => {
    clock = END + 10 * 60_000 + 59_000; // ban over, at hh:mm:59
    for (let i = 0; i < 10; i++) assert.equal((await time()).status, 200);
    clock += 1_000; // hh:(mm+1):00
    const fresh = await time();
    assert.equal(fresh.status, 200);
    assert.equal(fresh.used, "1");
  });
});

Deno.test("faults", async (t) => {
  await using ex = await startFakeExchange({ ...BASE, slowMs: 2_000 });
  const url = `${ex.url}/fapi/v1/time`;

  await t.step("5xx: 503 with Binance's internal-error body", async () => {
    ex.failNext("5xx");
    const r = await fetch(url);
    assert.equal(r.status, 503);
    assert.equal((await r.json()).code, -1001);
  });

  await t.step("429 storm: the next requests get 429 with Retry-After", async () => {
    ex.failNext("429", 3);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(url);
      await r.body?.cancel();
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "1");
    }
    assert.equal((await fetch(url).then(async (r) => (await r.body?.cancel(), r))).status, 200);
  });

  await t.step("a reset connection and truncated JSON", async () => {
    ex.failNext("reset");
    await assert.rejects(fetch(url).then((r) => r.text()));
    ex.failNext("truncated");
    const text = await (await fetch(url)).text();
    assert.throws(() => JSON.parse(text), SyntaxError);
  });

  await t.step("a slow answer outlasts the client's timeout", async () => {
    ex.failNext("slow");
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(100) }));
  });

  await t.step("clock skew: -1021 until the client syncs with /time", async () => {
    ex.setClockSkew(-30_000);
    const stale = await signedGet({ ...ex, now: () => Date.now() }, "/fapi/v1/positionSide/dual");
    assert.equal((await stale.json()).code, -1021);
    const serverTime = (await (await fetch(url)).json()).serverTime;
    assert.ok(Math.abs(serverTime - (Date.now() - 30_000)) < 2_000);
    const synced = await signedGet(ex, "/fapi/v1/positionSide/dual");
    assert.deepEqual(await synced.json(), { dualSidePosition: false });
    ex.setClockSkew(0);
  });

  await t.step("the log records endpoint, params without signature, weight and status", () => {
    const last = ex.log.at(-1)!;
    assert.equal(last.endpoint, "/fapi/v1/positionSide/dual");
    assert.deepEqual(Object.keys(last.params), ["timestamp"]);
    assert.equal(last.weight, 30);
    assert.equal(last.status, 200);
    const totals = ex.totals();
    assert.equal(totals.requests, ex.log.length);
    assert.equal(totals.weight, ex.log.reduce((sum, e) => sum + e.weight, 0));
    assert.equal(totals.byStatus[429], 3);
  });
});

Deno.test("BNB fees convert at the BNBUSDT 1m kline close of their minute", async () => {
  await using ex = await startFakeExchange({ ...BASE, symbols: 10, fills: 20_000 });
  const fill = ex.account.trades.find((r) => r.commissionAsset === "BNB" && !r.maker)!;
  const minute = Math.floor(fill.time / 60_000) * 60_000;
  const query = `symbol=BNBUSDT&interval=1m&startTime=${minute}&limit=1`;
  const [kline] = await (await fetch(`${ex.url}/fapi/v1/klines?${query}`)).json();
  assert.equal(kline[0], minute);
  const usdt = Number(fill.quoteQty) * 0.0005 * 0.9; // taker fee, 10% BNB discount
  assert.ok(Math.abs(usdt / Number(kline[4]) - Number(fill.commission)) < 1e-8);
});

Deno.test("the command line prints URL, key and secret first, and writes the truth", async () => {
  const truth = await Deno.makeTempFile({ suffix: ".csv" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-write",
      "--allow-read",
      new URL("./fake_exchange/main.ts", import.meta.url).pathname,
      "--seed",
      "3",
      "--symbols",
      "3",
      "--fills",
      "500",
      "--api-key",
      "K",
      "--secret",
      "S",
      "--truth",
      truth,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await reader.read()).value ?? "";
  const [url, key, secret] = at(out.split("\n"), 0).split(" ");
  assert.ok(url !== undefined, "the server's URL");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual([key, secret], ["K", "S"]);
  const time = await (await fetch(`${url}/fapi/v1/time`)).json();
  assert.ok(time.serverTime > 0);
  assert.match(await Deno.readTextFile(truth), /^status,symbol,direction/);
  child.kill("SIGTERM");
  await reader.cancel();
  assert.equal((await child.status).success, true);
  await Deno.remove(truth);
});
