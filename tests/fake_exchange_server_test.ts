/**
 * The fake exchange's server enforces Binance's rules: signatures, timestamps, parameters,
 * retention, weights and bans. Each step is one rule.
 */

import assert from "node:assert/strict";
import { monthsBefore, signedGet, signQuery, startFakeExchange } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 1, 12, 0, 0);
const BASE = { seed: 13, symbols: 8, fills: 12_000, endTime: END, clock: () => END + 60_000 };

// Binance's documented HMAC example (BINANCE_API.md, "Signing").
const VECTOR_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const VECTOR_QUERY =
  "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
const VECTOR_SIGNATURE = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";
// RFC 8032 test 1 key; signature of VECTOR_QUERY from BINANCE_API.md.
const ED25519_PKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
const ED25519_SIGNATURE =
  "ATEuJPvzWUFs0d1x9FwudUJsSfMMWR+bkdrxtbOYgFkZj36Ol/vwKDGm9UWtKuq0mtnSTOQruQAwFvR128PaDg==";

async function json(response: Response): Promise<unknown> {
  return JSON.parse(await response.text());
}

async function ed25519PublicKey(): Promise<string> {
  const der = Uint8Array.from(atob(ED25519_PKCS8), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("pkcs8", der, "Ed25519", true, ["sign"]);
  return (await crypto.subtle.exportKey("jwk", key)).x!;
}

Deno.test("signed requests", async (t) => {
  const vectorClock = () => 1591702613943 + 500;
  await using ex = await startFakeExchange({
    ...BASE,
    apiKey: "vector-key",
    secret: VECTOR_SECRET,
    clock: vectorClock,
  });
  const get = (query: string, key: string | null = "vector-key") =>
    fetch(`${ex.url}/fapi/v1/userTrades?${query}`, {
      headers: key === null ? {} : { "X-MBX-APIKEY": key },
    });

  await t.step("Binance's HMAC test vector is accepted", async () => {
    assert.equal(
      await signQuery(VECTOR_SECRET, VECTOR_QUERY),
      `${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`,
    );
    const response = await get(`${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`);
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(await json(response)));
  });

  await t.step("a tampered query gets -1022", async () => {
    const tampered = VECTOR_QUERY.replace("quantity=1", "quantity=2");
    const response = await get(`${tampered}&signature=${VECTOR_SIGNATURE}`);
    assert.equal(response.status, 400);
    assert.deepEqual(await json(response), {
      code: -1022,
      msg: "Signature for this request is not valid.",
    });
  });

  await t.step("an unknown key gets -2015 with HTTP 401, a missing one -2014", async () => {
    const unknown = await get(`${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`, "other");
    assert.equal(unknown.status, 401);
    assert.equal(((await json(unknown)) as { code: number }).code, -2015);
    const missing = await get(`${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`, null);
    assert.equal(missing.status, 401);
    assert.equal(((await json(missing)) as { code: number }).code, -2014);
  });

  await t.step(
    "a timestamp outside recvWindow gets -1021; recvWindow above 60000 -1131",
    async () => {
      const at = async (timestamp: number, recvWindow = 5000) => {
        const q = `symbol=BTCUSDT&recvWindow=${recvWindow}&timestamp=${timestamp}`;
        return (await json(await get(await signQuery(VECTOR_SECRET, q)))) as { code?: number };
      };
      const now = vectorClock();
      assert.equal((await at(now - 5001)).code, -1021); // older than the window
      assert.equal((await at(now + 1000)).code, -1021); // 1 s ahead of the server
      assert.ok(Array.isArray(await at(now - 5000)));
      assert.ok(Array.isArray(await at(now + 999)));
      assert.ok(Array.isArray(await at(now - 59_000, 60_000)));
      assert.equal((await at(now, 60_001)).code, -1131);
    },
  );

  await t.step("with an Ed25519 key, its base64 signature (URL-encoded) is accepted", async () => {
    await using ed = await startFakeExchange({
      ...BASE,
      apiKey: "ed-key",
      ed25519PublicKey: await ed25519PublicKey(),
      clock: vectorClock,
    });
    const send = (signature: string) =>
      fetch(`${ed.url}/fapi/v1/userTrades?${VECTOR_QUERY}&signature=${signature}`, {
        headers: { "X-MBX-APIKEY": "ed-key" },
      });
    const ok = await send(encodeURIComponent(ED25519_SIGNATURE));
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const hmac = await send(VECTOR_SIGNATURE);
    assert.equal(((await json(hmac)) as { code: number }).code, -1022);
  });
});

Deno.test("userTrades", async (t) => {
  await using ex = await startFakeExchange({ ...BASE, apiKey: "k", secret: "s" });
  const account = ex.account;
  const btc = account.tradesOf("BTCUSDT");
  const trades = async (query: string) =>
    await json(await signedGet(ex, "/fapi/v1/userTrades", query));

  await t.step("symbol is mandatory (-1102); unknown symbols get -1121", async () => {
    assert.equal(((await trades("limit=5")) as { code: number }).code, -1102);
    assert.equal(((await trades("symbol=NOPEUSDT")) as { code: number }).code, -1121);
  });

  await t.step(
    "limit above 1000 gets -1130; fromId with startTime -1128; a float time -1100",
    async () => {
      assert.equal(((await trades("symbol=BTCUSDT&limit=1001")) as { code: number }).code, -1130);
      const q = `symbol=BTCUSDT&fromId=1&startTime=${END - 86_400_000}`;
      assert.equal(((await trades(q)) as { code: number }).code, -1128);
      assert.equal(
        ((await trades(`symbol=BTCUSDT&startTime=${END}.0`)) as { code: number }).code,
        -1100,
      );
    },
  );

  await t.step("a window over 7 days answers [] silently, as real servers do", async () => {
    const start = END - 8 * 86_400_000;
    assert.ok(btc.some((r) => r.time >= start && r.time <= END), "trades exist in the window");
    assert.deepEqual(await trades(`symbol=BTCUSDT&startTime=${start}&endTime=${END}`), []);
    const week = (await trades(
      `symbol=BTCUSDT&startTime=${start}&endTime=${start + 7 * 86_400_000}`,
    )) as unknown[];
    assert.ok(week.length > 0);
  });

  await t.step(
    "fromId pages ascend by id, serve exactly Binance's fields, and stop at 3 months",
    async () => {
      const oldest = monthsBefore(ex.now(), 3);
      assert.ok(at(btc, 0).time < oldest, "the account has older trades");
      const retained = btc.filter((r) => r.time >= oldest);
      const seen: string[] = [];
      let fromId = "0";
      for (;;) {
        const response = await signedGet(
          ex,
          "/fapi/v1/userTrades",
          `symbol=BTCUSDT&fromId=${fromId}&limit=1000`,
        );
        const text = await response.text();
        const page = JSON.parse(text) as Record<string, unknown>[];
        if (page.length === 0) break;
        assert.deepEqual(Object.keys(at(page, 0)), [
          "symbol",
          "id",
          "orderId",
          "side",
          "price",
          "qty",
          "realizedPnl",
          "marginAsset",
          "quoteQty",
          "commission",
          "commissionAsset",
          "time",
          "buyer",
          "maker",
          "positionSide",
        ]);
        assert.match(text, /^\[\{"symbol":"BTCUSDT","id":\d+,"orderId":\d+,/);
        seen.push(...page.map((r) => String(r.id)));
        fromId = String(BigInt(seen.at(-1)!) + 1n);
      }
      assert.deepEqual(seen, retained.map((r) => r.id));
    },
  );

  await t.step("a delisted symbol's trades are served, but exchangeInfo omits it", async () => {
    const delisted = account.delisted.find((s) => account.tradesOf(s.symbol).length > 0)!;
    const last = account.tradesOf(delisted.symbol).at(-1)!;
    const rows = (await trades(`symbol=${delisted.symbol}&endTime=${last.time}`)) as {
      id: number;
    }[];
    assert.ok(rows.length > 0);
    const info = (await json(await fetch(`${ex.url}/fapi/v1/exchangeInfo`))) as {
      symbols: { symbol: string }[];
    };
    assert.ok(!info.symbols.some((s) => s.symbol === delisted.symbol));
    assert.ok(info.symbols.some((s) => s.symbol === "BTCUSDT"));
  });
});

Deno.test("income", async (t) => {
  await using ex = await startFakeExchange({ ...BASE, apiKey: "k", secret: "s" });
  const income = (query: string) => signedGet(ex, "/fapi/v1/income", query);

  await t.step("tranId above 2^53 arrives as raw JSON digits, intact", async () => {
    const start = ex.now() - 6 * 86_400_000;
    const text = await (await income(`incomeType=FUNDING_FEE&startTime=${start}&limit=50`)).text();
    const ids = [...text.matchAll(/"tranId":(\d+)/g)].map((m) => at(m, 1));
    assert.ok(ids.length > 0 && ids.every((id) => BigInt(id) > 2n ** 53n));
    const expected = ex.account.incomeRows(start).filter((r) => r.incomeType === "FUNDING_FEE");
    assert.deepEqual(ids, expected.slice(0, ids.length).map((r) => r.tranId));
  });

  await t.step(
    "rows older than 3 months are not returned; COMMISSION rows carry tradeId",
    async () => {
      const oldest = monthsBefore(ex.now(), 3);
      assert.ok(ex.account.incomeRows().some((r) => r.time < oldest));
      const rows = (await json(await income(`startTime=0&endTime=${ex.now()}&limit=1000`))) as {
        time: number;
        incomeType: string;
        tradeId: string;
      }[];
      assert.ok(rows.length > 0 && rows.every((r) => r.time >= oldest));
      const commission = rows.filter((r) => r.incomeType === "COMMISSION");
      assert.ok(commission.length > 0 && commission.every((r) => /^\d+$/.test(r.tradeId)));
    },
  );

  await t.step("limit above 1000 gets -1130", async () => {
    assert.equal(((await json(await income("limit=1001"))) as { code: number }).code, -1130);
  });

  await t.step("page is refused since Binance dropped it (2026-10-16): page by time", async () => {
    const response = await income("page=2");
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: number }).code, -1106);
  });
});
