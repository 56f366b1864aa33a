/**
 * The Binance client against a stub: what it sends, what it keeps, and what it never leaks.
 */
import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { BinanceApiError, type BinanceError, BinanceNetworkError } from "../src/binance/errors.ts";
import type { RetryEvent } from "../src/binance/retry.ts";
import type { RequestEvent } from "../src/binance/transport.ts";
import {
  API_KEY,
  client,
  dropper,
  error,
  fakeTime,
  json,
  MINUTE,
  SECRET,
  type Seen,
  signedCorrectly,
  stub,
  TRADES,
  TRADES_TEXT,
} from "./support/binance_stub.ts";
import { at } from "./support/indexed.ts";

Deno.test("Binance client: requests", async (t) => {
  await t.step(
    "signs with the key header, recvWindow, server time and signature last",
    async () => {
      const time = fakeTime();
      time.skew = 7_000; // this machine's clock is 7 s behind Binance's
      await using binance = stub(time, (s) => s.path === TRADES ? json(TRADES_TEXT) : undefined);
      const fills = await (await client(binance.baseUrl, time)).userTrades({
        symbol: "BTCUSDT",
        fromId: "9007199254740990",
      });
      assert.deepEqual(binance.paths(), ["/fapi/v1/time", TRADES]);
      const [request] = binance.calls(TRADES);
      assert.ok(request !== undefined, "the trades request");
      assert.equal(request.apiKey, API_KEY);
      assert.equal(request.params.get("fromId"), "9007199254740990");
      assert.equal(request.params.get("limit"), "1000");
      assert.equal(request.params.get("recvWindow"), "5000");
      assert.equal(request.params.get("timestamp"), String(time.server()));
      assert.ok(await signedCorrectly(request));
      assert.equal(fills[0]?.id, "9007199254740993");
      assert.equal(fills[0]?.orderId, "261942655610");
    },
  );

  await t.step("keeps income tranIds above 2^53 exact, as strings", async () => {
    const time = fakeTime();
    const text = '[{"symbol":"ETHUSDT","incomeType":"FUNDING_FEE","income":"0.00134317",' +
      '"asset":"USDT","time":1621584000000,"info":"FUNDING_FEE","tranId":4480321991774044580,' +
      '"tradeId":""}]';
    await using binance = stub(time, (s) => s.path === "/fapi/v1/income" ? json(text) : undefined);
    const rows = await (await client(binance.baseUrl, time)).income({ incomeType: "FUNDING_FEE" });
    assert.equal(rows[0]?.tranId, "4480321991774044580");
  });

  await t.step("signs every retry afresh: new timestamp, new signature", async () => {
    const time = fakeTime();
    await using binance = stub(time, (s, n) => {
      if (s.path === TRADES) return n === 1 ? json(error(-1001, "Internal error"), 503) : json([]);
    });
    await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" });
    const [first, second] = binance.calls(TRADES);
    assert.ok(first !== undefined && second !== undefined);
    assert.deepEqual(time.slept, [500]); // full jitter: 0.5 × 1000 ms
    assert.equal(
      Number(second.params.get("timestamp")) - Number(first.params.get("timestamp")),
      500,
    );
    assert.notEqual(first.params.get("signature"), second.params.get("signature"));
    assert.ok(await signedCorrectly(first) && await signedCorrectly(second));
  });

  await t.step("on -1021 resyncs the clock and sends again at once", async () => {
    const time = fakeTime();
    await using binance = stub(time, (s) => {
      if (s.path !== TRADES) return;
      const timestamp = Number(s.params.get("timestamp"));
      const server = time.server();
      const accepted = timestamp < server + 1000 && server - timestamp <= 5000; // Binance's rule
      return accepted ? json([]) : json(error(-1021, "Timestamp outside of the recvWindow."), 400);
    });
    const binanceClient = await client(binance.baseUrl, time);
    await binanceClient.userTrades({ symbol: "BTCUSDT" });
    time.skew = 20_000; // Binance's clock jumps 20 s ahead
    await binanceClient.userTrades({ symbol: "BTCUSDT" });
    assert.deepEqual(binance.paths(), ["/fapi/v1/time", TRADES, TRADES, "/fapi/v1/time", TRADES]);
    assert.deepEqual(time.slept, []);
  });

  await t.step(
    "a -1021 that survives the resync is retried with backoff, then stops with the clock's fix",
    async () => {
      const time = fakeTime();
      await using binance = stub(time, (s) => {
        if (s.path === TRADES) {
          return json(error(-1021, "Timestamp outside of the recvWindow."), 400);
        }
      });
      await assert.rejects(
        (await client(binance.baseUrl, time, { maxRetries: 2 })).userTrades({ symbol: "BTCUSDT" }),
        (e) => {
          assert.ok(e instanceof BinanceApiError && e.code === -1021);
          assert.match(e.message, /clock.*NTP.*gave up after 3 attempts/);
          return true;
        },
      );
      // Each of the 3 attempts: send, resync, send again.
      assert.equal(binance.calls(TRADES).length, 6);
      assert.equal(time.slept.length, 2);
    },
  );

  await t.step("retries 5xx and 429, waiting as long as Retry-After says", async () => {
    const time = fakeTime();
    await using binance = stub(time, (s, n) => {
      if (s.path !== TRADES) return;
      if (n === 1) return json(error(-1000, "An unknown error occured"), 500);
      if (n === 2) return json(error(-1003, "Too many requests"), 429, { "Retry-After": "3" });
      return json([]);
    });
    const retries: RetryEvent[] = [];
    const binanceClient = await client(binance.baseUrl, time, { onRetry: (r) => retries.push(r) });
    await binanceClient.userTrades({ symbol: "BTCUSDT" });
    assert.equal(binance.calls(TRADES).length, 3);
    assert.deepEqual(time.slept, [500, 3_000]);
    // Each retry is told before its backoff, for the progress line.
    assert.deepEqual(retries.map((r) => [r.path, r.attempt, r.attempts, r.delayMs]), [
      [TRADES, 2, 6, 500],
      [TRADES, 3, 6, 3_000],
    ]);
    assert.match(at(retries, 1).reason, /HTTP 429/);
  });

  await t.step("a 429 without Retry-After waits for the next minute's weight window", async () => {
    const time = fakeTime(); // 10 s into a minute (MINUTE + 10,000 ms)
    await using binance = stub(time, (s, n) => {
      if (s.path !== TRADES) return;
      return n === 1 ? json(error(-1003, "Too many requests"), 429) : json([]);
    });
    await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" });
    const [first, second] = binance.calls(TRADES);
    assert.ok(first !== undefined && second !== undefined);
    // The weight counts per minute of the server's clock: the retry is held until the next
    // minute starts, plus the 1 s margin: MINUTE + 61,000 ms, whatever the backoff before it.
    assert.equal(Number(second.params.get("timestamp")), MINUTE + 61_000);
    assert.equal(time.slept.reduce((a, b) => a + b, 0), 51_000);
  });

  await t.step("gives up after maxRetries + 1 attempts, and says so", async () => {
    const time = fakeTime();
    await using binance = stub(
      time,
      (s) => s.path === TRADES ? new Response("Bad Gateway", { status: 502 }) : undefined,
    );
    const binanceClient = await client(binance.baseUrl, time, { maxRetries: 2 });
    await assert.rejects(binanceClient.userTrades({ symbol: "BTCUSDT" }), (e) => {
      assert.ok(e instanceof BinanceApiError && e.status === 502 && e.retryable);
      assert.match(e.message, /HTTP 502: "Bad Gateway".*gave up after 3 attempts/);
      return true;
    });
    assert.deepEqual(time.slept, [500, 1_000]); // caps 1 s, 2 s; jitter 0.5
  });

  await t.step("retries a timeout", async () => {
    const time = fakeTime();
    await using binance = stub(time, async (s, n) => {
      if (s.path !== TRADES) return;
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 200));
      return json([]);
    });
    const events: RequestEvent[] = [];
    const binanceClient = await client(binance.baseUrl, time, {
      timeoutMs: 50,
      onRequest: (e) => events.push(e),
    });
    await binanceClient.userTrades({ symbol: "BTCUSDT" });
    assert.deepEqual(events.map((e) => [e.path, e.status]), [
      ["/fapi/v1/time", 200],
      [TRADES, undefined],
      [TRADES, 200],
    ]);
  });
});

Deno.test("Binance client: no secret in any error or log record", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["futures-ledger"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    const time = fakeTime();
    const errors: BinanceError[] = [];
    const signatures: string[] = [];
    const scenarios: ((s: Seen) => Response)[] = [
      () => json([]),
      () => json(error(-2015, "Invalid API-key, IP, or permissions for action."), 401),
      () => json(error(-1022, "Signature for this request is not valid."), 400),
      () => json(error(-1003, "Way too many requests; IP banned until 1700000999999."), 418),
      // A proxy's error page that echoes the request: its signed query and the key header.
      (s) =>
        new Response(
          `<html>Request blocked: GET ${s.path}?${s.search} (X-MBX-APIKEY ${s.apiKey})</html>`,
          { status: 403, headers: { "content-type": "text/html" } },
        ),
    ];
    for (const scenario of scenarios) {
      await using binance = stub(time, (s) => {
        if (s.path !== TRADES) return;
        signatures.push(s.params.get("signature")!);
        return scenario(s);
      });
      await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" })
        .catch((e) => errors.push(e));
    }
    {
      await using binance = dropper(time);
      const dropped = await client(binance.baseUrl, time, { maxRetries: 1 });
      await dropped.userTrades({ symbol: "BTCUSDT" }).catch((e) => errors.push(e));
    }
    assert.equal(errors.length, 5);
    assert.ok(errors[4] instanceof BinanceNetworkError);
    assert.match(errors[4].message, /GET \/fapi\/v1\/userTrades: network error: .*gave up after 2/);
    // The echoed page is kept to explain the refusal, with the key and the signature cut out.
    const echoed = at(errors.splice(3, 1).map((e) => `${e.message} ${e.stack}`), 0);
    assert.match(echoed, /signature=<redacted> \(X-MBX-APIKEY <api-key>\)/);
    for (const secret of [API_KEY, SECRET, ...signatures]) {
      assert.ok(!echoed.includes(secret), `${secret} leaked in: ${echoed}`);
    }
    const texts = [
      ...errors.map((e) => `${e.message} ${e.stack}`),
      ...records.map((r) => JSON.stringify([r.message, r.properties])),
    ];
    assert.ok(records.some((r) => r.level === "debug" && r.properties.path === TRADES));
    for (const text of texts) {
      for (const secret of [API_KEY, SECRET, ...signatures, "signature=", "timestamp="]) {
        assert.ok(!text.includes(secret), `${secret} leaked in: ${text}`);
      }
    }
  } finally {
    await reset();
  }
});
