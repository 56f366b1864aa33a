import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { BinanceClient, type BinanceClientOptions } from "../src/binance/client.ts";
import {
  BinanceApiError,
  BinanceBanError,
  BinanceConfigError,
  type BinanceError,
  BinanceNetworkError,
} from "../src/binance/errors.ts";
import { BOUNDARY_MARGIN_MS } from "../src/binance/governor.ts";
import { hmacSigner } from "../src/binance/sign.ts";
import type { RequestEvent } from "../src/binance/transport.ts";

const API_KEY = "test-api-key-7f3a9c";
const SECRET = "test-secret-key-c0ffee";
const MINUTE = 1_700_000_040_000; // the start of a minute, epoch ms

/** One request as the stub saw it. */
interface Seen {
  readonly path: string;
  readonly params: URLSearchParams;
  readonly search: string;
  readonly apiKey: string | null;
}

/** Local time that moves only when the client sleeps; the stub's server clock is `t + skew`. */
function fakeTime(start = MINUTE + 10_000) {
  const time = {
    t: start,
    skew: 0,
    slept: [] as number[],
    server: () => time.t + time.skew,
    sleep: (ms: number) => {
      time.slept.push(ms);
      time.t += ms;
      return Promise.resolve();
    },
  };
  return time;
}
type Time = ReturnType<typeof fakeTime>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * A Binance stub on 127.0.0.1: `handle` answers what it wants; `/time` otherwise answers the
 * server clock, and anything else a 500.
 */
function stub(
  time: Time,
  handle: (seen: Seen, n: number) => Response | undefined | Promise<Response | undefined>,
) {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const one = {
      path: url.pathname,
      params: url.searchParams,
      search: url.search.slice(1),
      apiKey: request.headers.get("x-mbx-apikey"),
    };
    seen.push(one);
    const answer = await handle(one, seen.filter((s) => s.path === one.path).length);
    if (answer) return answer;
    return url.pathname.endsWith("/time") ? json({ serverTime: time.server() }) : json("?", 500);
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    seen,
    paths: () => seen.map((s) => s.path),
    calls: (path: string) => seen.filter((s) => s.path === path),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function client(
  baseUrl: string,
  time: Time,
  options: Partial<BinanceClientOptions> = {},
): Promise<BinanceClient> {
  return new BinanceClient({
    market: "usdm",
    apiKey: API_KEY,
    signer: await hmacSigner(SECRET),
    baseUrl,
    now: () => time.t,
    sleep: time.sleep,
    random: () => 0.5,
    ...options,
  });
}

/** Whether the request's signature is HMAC-SHA256 of the query string before it. */
async function signedCorrectly(seen: Seen): Promise<boolean> {
  const [payload, signature] = seen.search.split("&signature=");
  return signature === await (await hmacSigner(SECRET)).sign(payload);
}

const TRADE = {
  symbol: "BTCUSDT",
  id: 9007199254740993, // 2^53 + 1: JSON.parse would read 9007199254740992
  orderId: 261942655610,
  side: "SELL",
  price: "47263.40",
  qty: "0.010",
  realizedPnl: "27.38400000",
  marginAsset: "USDT",
  quoteQty: "472.63",
  commission: "0.18905360",
  commissionAsset: "USDT",
  time: 1707530039409,
  buyer: false,
  maker: false,
  positionSide: "LONG",
};
const TRADES_TEXT = JSON.stringify([TRADE]).replace("9007199254740992", "9007199254740993");
const TRADES = "/fapi/v1/userTrades";
const error = (code: number, msg: string) => ({ code, msg });

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
      assert.equal(request.apiKey, API_KEY);
      assert.equal(request.params.get("fromId"), "9007199254740990");
      assert.equal(request.params.get("limit"), "1000");
      assert.equal(request.params.get("recvWindow"), "5000");
      assert.equal(request.params.get("timestamp"), String(time.server()));
      assert.ok(await signedCorrectly(request));
      assert.equal(fills[0].id, "9007199254740993");
      assert.equal(fills[0].orderId, "261942655610");
    },
  );

  await t.step("keeps income tranIds above 2^53 exact, as strings", async () => {
    const time = fakeTime();
    const text = '[{"symbol":"ETHUSDT","incomeType":"FUNDING_FEE","income":"0.00134317",' +
      '"asset":"USDT","time":1621584000000,"info":"FUNDING_FEE","tranId":4480321991774044580,' +
      '"tradeId":""}]';
    await using binance = stub(time, (s) => s.path === "/fapi/v1/income" ? json(text) : undefined);
    const rows = await (await client(binance.baseUrl, time)).income({ incomeType: "FUNDING_FEE" });
    assert.equal(rows[0].tranId, "4480321991774044580");
  });

  await t.step("signs every retry afresh: new timestamp, new signature", async () => {
    const time = fakeTime();
    await using binance = stub(time, (s, n) => {
      if (s.path === TRADES) return n === 1 ? json(error(-1001, "Internal error"), 503) : json([]);
    });
    await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" });
    const [first, second] = binance.calls(TRADES);
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
    await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" });
    assert.equal(binance.calls(TRADES).length, 3);
    assert.deepEqual(time.slept, [500, 3_000]);
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

Deno.test("Binance client: errors retrying cannot fix", async (t) => {
  const forbidden = await Deno.permissions.query({ name: "net", host: "example.invalid" });
  await t.step({
    name: "a host the permissions forbid (the compiled binary's --allow-net) fails at once",
    ignore: forbidden.state === "granted",
    fn: async () => {
      const time = fakeTime();
      const started = Date.now();
      await assert.rejects(
        (await client("http://example.invalid", time)).serverTime(),
        (e) => {
          assert.ok(e instanceof BinanceConfigError, String(e));
          assert.match(
            e.message,
            /may not connect to example\.invalid.*only Binance's futures hosts/,
          );
          return true;
        },
      );
      assert.deepEqual(time.slept, []);
      assert.ok(Date.now() - started < 2000);
    },
  });
  if (forbidden.state === "granted") {
    console.log(
      "skipped the forbidden-host step: this run may connect anywhere (use deno task test)",
    );
  }
  await t.step("418: stops at once, reports the ban's end, sends nothing more", async () => {
    const time = fakeTime();
    await using binance = stub(time, (s) => {
      if (s.path === TRADES) {
        return json(error(-1003, "Way too many requests; IP banned until 1."), 418, {
          "Retry-After": "120",
        });
      }
    });
    const binanceClient = await client(binance.baseUrl, time);
    const banned = (e: unknown) => {
      assert.ok(e instanceof BinanceBanError && !e.retryable);
      assert.equal(e.until?.getTime(), MINUTE + 10_000 + 120_000);
      assert.match(e.message, /until 2023-11-14T22:16:/);
      return true;
    };
    await assert.rejects(binanceClient.userTrades({ symbol: "BTCUSDT" }), banned);
    await assert.rejects(binanceClient.exchangeInfo(), banned);
    assert.deepEqual(binance.paths(), ["/fapi/v1/time", TRADES]);
  });

  await t.step("418 without Retry-After: the end comes from Binance's message", async () => {
    const time = fakeTime();
    await using binance = stub(
      time,
      () =>
        json(
          error(-1003, "Way too many requests; IP banned until 1700000999999. Use websocket."),
          418,
        ),
    );
    await assert.rejects((await client(binance.baseUrl, time)).exchangeInfo(), (e) => {
      assert.ok(e instanceof BinanceBanError);
      assert.equal(e.until?.getTime(), 1700000999999);
      return true;
    });
  });

  const cases: [number, number, string, RegExp][] = [
    [
      401,
      -2015,
      "Invalid API-key, IP, or permissions for action.",
      /"Enable Futures".*IP whitelist/,
    ],
    [401, -2014, "API-key format invalid.", /BINANCE_API_KEY is malformed/],
    [400, -1022, "Signature for this request is not valid.", /BINANCE_SECRET_KEY.*belongs to/],
    [400, -1121, "Invalid symbol.", /symbol's spelling/],
    [400, -1102, "Mandatory parameter 'symbol' was not sent.", /a bug/],
    [400, -1130, "Data sent for parameter 'limit' is not valid.", /a bug/],
    [400, -4165, "Invalid time interval", /a bug/],
  ];
  for (const [status, code, msg, fix] of cases) {
    await t.step(`${code} is not retried and says what to fix`, async () => {
      const time = fakeTime();
      await using binance = stub(
        time,
        (s) => s.path === TRADES ? json(error(code, msg), status) : undefined,
      );
      await assert.rejects(
        (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" }),
        (e) => {
          assert.ok(e instanceof BinanceApiError);
          assert.deepEqual([e.status, e.code, e.msg, e.retryable], [status, code, msg, false]);
          assert.match(e.message, fix);
          return true;
        },
      );
      assert.equal(binance.calls(TRADES).length, 1);
      assert.deepEqual(time.slept, []);
    });
  }

  await t.step(
    "queries Binance would refuse, or answer with a silent [], are not sent",
    async () => {
      const time = fakeTime();
      await using binance = stub(time, () => json([]));
      const binanceClient = await client(binance.baseUrl, time);
      const day = 86_400_000;
      for (
        const query of [
          {},
          { symbol: "BTCUSDT", pair: "BTCUSD" },
          { symbol: "BTCUSDT", startTime: MINUTE },
          { symbol: "BTCUSDT", startTime: MINUTE, endTime: MINUTE + 7 * day + 1 },
          { symbol: "BTCUSDT", fromId: "12", startTime: MINUTE, endTime: MINUTE + day },
          { symbol: "BTCUSDT", fromId: "1e3" },
          { symbol: "BTCUSDT", limit: 1001 },
          { symbol: "BTCUSDT", startTime: MINUTE + 0.5, endTime: MINUTE + day },
        ]
      ) {
        await assert.rejects(binanceClient.userTrades(query), RangeError, JSON.stringify(query));
      }
      assert.deepEqual(binance.seen, []);
    },
  );
  await t.step(
    "without credentials, signed endpoints name what to set; public ones work",
    async () => {
      const time = fakeTime();
      await using binance = stub(time, () => json({ rateLimits: [], symbols: [] }));
      const anonymous = await client(binance.baseUrl, time, {
        apiKey: undefined,
        signer: undefined,
      });
      await assert.rejects(
        anonymous.income({}),
        (e) =>
          e instanceof BinanceConfigError &&
          /BINANCE_API_KEY and BINANCE_SECRET_KEY/.test(e.message),
      );
      assert.deepEqual(binance.seen, []);
      await anonymous.exchangeInfo();
      assert.equal(binance.calls("/fapi/v1/exchangeInfo")[0].apiKey, null);
      assert.throws(
        () => new BinanceClient({ market: "usdm", baseUrl: "ftp://example.com" }),
        RangeError,
      );
    },
  );
});

Deno.test("Binance client: pacing and endpoints", async (t) => {
  await t.step("waits for the next minute rather than pass 80 % of the weight limit", async () => {
    const time = fakeTime(MINUTE + 10_000);
    let minute = -1;
    let used = 0;
    await using binance = stub(time, (s) => {
      if (Math.floor(time.server() / 60_000) !== minute) {
        minute = Math.floor(time.server() / 60_000);
        used = minute === MINUTE / 60_000 ? 1_899 : 0; // other programs on this IP used 1899
      }
      used += s.path === TRADES ? 5 : 1;
      const headers = { "x-mbx-used-weight-1m": String(used) };
      return s.path === TRADES
        ? json([], 200, headers)
        : json({ serverTime: time.server() }, 200, headers);
    });
    const events: RequestEvent[] = [];
    const binanceClient = await client(binance.baseUrl, time, { onRequest: (e) => events.push(e) });
    for (let i = 0; i < 5; i++) await binanceClient.userTrades({ symbol: "BTCUSDT" });
    assert.deepEqual(events.map((e) => e.usedWeight), [1900, 1905, 1910, 1915, 1920, 5]);
    assert.deepEqual(time.slept, [50_000 + BOUNDARY_MARGIN_MS]); // 1920 + 5 > budget 1920
    assert.equal(binanceClient.usedWeight, 5);
    assert.equal(binanceClient.weightBudget, 1920);
  });

  await t.step("adopts exchangeInfo's REQUEST_WEIGHT limit unless one is configured", async () => {
    const time = fakeTime();
    const info = {
      rateLimits: [
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 1200 },
        { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
      ],
      symbols: [{
        symbol: "BTCUSD_PERP",
        pair: "BTCUSD",
        contractType: "PERPETUAL",
        contractStatus: "TRADING",
        baseAsset: "BTC",
        quoteAsset: "USD",
        marginAsset: "BTC",
        contractSize: 100,
      }],
    };
    await using binance = stub(time, () => json(info));
    const adopting = await client(binance.baseUrl, time, { market: "coinm" });
    const { symbols } = await adopting.exchangeInfo();
    assert.equal(symbols[0].status, "TRADING");
    assert.equal(symbols[0].contractSize, 100);
    assert.equal(adopting.weightBudget, 960);
    const configured = await client(binance.baseUrl, time, { weightLimit: 6000 });
    await configured.exchangeInfo();
    assert.equal(configured.weightBudget, 4800);
  });

  await t.step("uses each market's paths and weights", async () => {
    const time = fakeTime();
    const position = {
      symbol: "BTCUSD_PERP",
      positionSide: "BOTH",
      positionAmt: "-3",
      entryPrice: "60000.1",
      unRealizedProfit: "0.0001",
      updateTime: 1720736417660,
    };
    const answers: Record<string, unknown> = {
      "/dapi/v1/userTrades": [],
      "/dapi/v1/income": [{
        symbol: "",
        incomeType: "TRANSFER",
        income: "-0.375",
        asset: "BTC",
        info: "WITHDRAW",
        time: 1570608000000,
        tranId: "9689322392",
        tradeId: "",
      }],
      "/dapi/v1/positionRisk": [position],
      "/dapi/v1/positionSide/dual": { dualSidePosition: true },
      "/dapi/v1/klines": [[
        1591258320000,
        "9640.7",
        "9642.4",
        "9640.6",
        "9642.0",
        "206",
        1591258379999,
        "2.1",
        48,
        "119",
        "1.2",
        "0",
      ]],
      "/fapi/v3/positionRisk": [{ ...position, symbol: "BTCUSDT" }],
    };
    await using binance = stub(time, (s) => s.path in answers ? json(answers[s.path]) : undefined);
    const weights: [string, number][] = [];
    const onRequest = (e: RequestEvent) => weights.push([e.path, e.weight]);
    const coinm = await client(binance.baseUrl, time, { market: "coinm", onRequest });
    await coinm.userTrades({ pair: "BTCUSD", startTime: MINUTE, endTime: MINUTE + 1000 });
    await coinm.userTrades({ symbol: "BTCUSD_PERP" });
    assert.equal((await coinm.income({}))[0].tranId, "9689322392");
    assert.equal((await coinm.positionRisk())[0].positionAmt, "-3");
    assert.equal(await coinm.positionSideDual(), true);
    assert.equal(
      (await coinm.klines({ symbol: "BTCUSD_PERP", interval: "1m", limit: 1000 }))[0].close,
      "9642.0",
    );
    const usdm = await client(binance.baseUrl, time, { onRequest });
    assert.equal((await usdm.positionRisk())[0].symbol, "BTCUSDT");
    assert.deepEqual(weights.filter(([path]) => !path.endsWith("/time")), [
      ["/dapi/v1/userTrades", 40],
      ["/dapi/v1/userTrades", 20],
      ["/dapi/v1/income", 20],
      ["/dapi/v1/positionRisk", 1],
      ["/dapi/v1/positionSide/dual", 30],
      ["/dapi/v1/klines", 5],
      ["/fapi/v3/positionRisk", 5],
    ]);
  });
});

/** A TCP server that answers `/time` and drops every other connection without a reply. */
function dropper(time: Time) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const handlers: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      handlers.push((async () => {
        const buffer = new Uint8Array(8192);
        const n = await conn.read(buffer) ?? 0;
        if (new TextDecoder().decode(buffer.subarray(0, n)).startsWith("GET /fapi/v1/time")) {
          const body = JSON.stringify({ serverTime: time.server() });
          await conn.write(new TextEncoder().encode(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
          ));
        }
        conn.close();
      })());
    }
  })();
  return {
    baseUrl: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.all(handlers);
    },
  };
}

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
    const scenarios = [
      () => json([]),
      () => json(error(-2015, "Invalid API-key, IP, or permissions for action."), 401),
      () => json(error(-1022, "Signature for this request is not valid."), 400),
      () => json(error(-1003, "Way too many requests; IP banned until 1700000999999."), 418),
    ];
    for (const scenario of scenarios) {
      await using binance = stub(time, (s) => {
        if (s.path !== TRADES) return;
        signatures.push(s.params.get("signature")!);
        return scenario();
      });
      await (await client(binance.baseUrl, time)).userTrades({ symbol: "BTCUSDT" })
        .catch((e) => errors.push(e));
    }
    {
      await using binance = dropper(time);
      const dropped = await client(binance.baseUrl, time, { maxRetries: 1 });
      await dropped.userTrades({ symbol: "BTCUSDT" }).catch((e) => errors.push(e));
    }
    assert.equal(errors.length, 4);
    assert.ok(errors[3] instanceof BinanceNetworkError);
    assert.match(errors[3].message, /GET \/fapi\/v1\/userTrades: network error: .*gave up after 2/);
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
