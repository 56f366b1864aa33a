/**
 * The Binance client against a stub: pacing by request weight, and each endpoint's path and weight.
 */
import assert from "node:assert/strict";
import { BOUNDARY_MARGIN_MS } from "../src/binance/governor.ts";
import type { RequestEvent } from "../src/binance/transport.ts";
import { client, fakeTime, json, MINUTE, stub, TRADES } from "./support/binance_stub.ts";

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
    assert.equal(symbols[0]?.status, "TRADING");
    assert.equal(symbols[0]?.contractSize, 100);
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
    assert.equal((await coinm.income({}))[0]?.tranId, "9689322392");
    assert.equal((await coinm.positionRisk())[0]?.positionAmt, "-3");
    assert.equal(await coinm.positionSideDual(), true);
    assert.equal(
      (await coinm.klines({ symbol: "BTCUSD_PERP", interval: "1m", limit: 1000 }))[0]?.close,
      "9642.0",
    );
    const usdm = await client(binance.baseUrl, time, { onRequest });
    assert.equal((await usdm.positionRisk())[0]?.symbol, "BTCUSDT");
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
