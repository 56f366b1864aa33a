/**
 * The Binance client against a stub: errors that retrying cannot fix stop at once and say what
 * to fix.
 */
import assert from "node:assert/strict";
import { BinanceClient } from "../src/binance/client.ts";
import { BinanceApiError, BinanceBanError, BinanceConfigError } from "../src/binance/errors.ts";
import { client, error, fakeTime, json, MINUTE, stub, TRADES } from "./support/binance_stub.ts";

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

  await t.step(
    "a ban's end is on Binance's clock: a local clock ahead does not end it early",
    async () => {
      // The local clock runs 60 s ahead of Binance's; banned until 30 s from Binance's now. Read
      // on the local clock the ban would be over already, and a request would lengthen it.
      const time = fakeTime();
      time.skew = -60_000;
      await using binance = stub(time, (s) => {
        if (s.path === TRADES) {
          return json(
            error(-1003, `Way too many requests; IP banned until ${time.server() + 30_000}.`),
            418,
          );
        }
      });
      const binanceClient = await client(binance.baseUrl, time);
      await assert.rejects(binanceClient.userTrades({ symbol: "BTCUSDT" }), BinanceBanError);
      await assert.rejects(binanceClient.userTrades({ symbol: "BTCUSDT" }), BinanceBanError);
      assert.equal(binance.calls(TRADES).length, 1, "refused here, not sent");
    },
  );

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
      assert.equal(binance.calls("/fapi/v1/exchangeInfo")[0]?.apiKey, null);
      assert.throws(
        () => new BinanceClient({ market: "usdm", baseUrl: "ftp://example.com" }),
        RangeError,
      );
    },
  );
});
