/**
 * A stub Binance for the client's tests: a local server whose answers each test chooses, a clock
 * that moves only when the client sleeps, and a client wired to both.
 *
 * @module
 */

import { BinanceClient, type BinanceClientOptions } from "../../src/binance/client.ts";
import { hmacSigner } from "../../src/binance/sign.ts";

/** The stub account's API key. */
export const API_KEY = "test-api-key-7f3a9c";
/** Its HMAC secret. */
export const SECRET = "test-secret-key-c0ffee";
/** The start of a minute, epoch ms. */
export const MINUTE = 1_700_000_040_000; // the start of a minute, epoch ms

/** One request as the stub saw it. */
export interface Seen {
  readonly path: string;
  readonly params: URLSearchParams;
  readonly search: string;
  readonly apiKey: string | null;
}

/** Local time that moves only when the client sleeps; the stub's server clock is `t + skew`. */
export interface Time {
  /** Local time, ms. */
  t: number;
  /** Server clock minus local clock, ms. */
  skew: number;
  /** Every sleep the client asked for, ms. */
  readonly slept: number[];
  /** The server's clock. */
  server(): number;
  /** Sleeps by moving `t`. */
  sleep(ms: number): Promise<void>;
}

/** A {@linkcode Time} starting at `start`. */
export function fakeTime(start: number = MINUTE + 10_000): Time {
  const time: Time = {
    t: start,
    skew: 0,
    slept: [],
    server: () => time.t + time.skew,
    sleep: (ms: number) => {
      time.slept.push(ms);
      time.t += ms;
      return Promise.resolve();
    },
  };
  return time;
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
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
/** A running stub. */
export interface Stub extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Every request, in order. */
  readonly seen: Seen[];
  /** Every request's path, in order. */
  paths(): string[];
  /** The requests to `path`. */
  calls(path: string): Seen[];
}

export function stub(
  time: Time,
  handle: (seen: Seen, n: number) => Response | undefined | Promise<Response | undefined>,
): Stub {
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

/** A client of the stub account, on `time`, with full jitter fixed at its middle. */
export async function client(
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
export async function signedCorrectly(seen: Seen): Promise<boolean> {
  const [payload, signature] = seen.search.split("&signature=");
  return payload !== undefined && signature === await (await hmacSigner(SECRET)).sign(payload);
}

/** A userTrades row whose id is 2^53 + 1. */
export const TRADE = {
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
/** {@linkcode TRADE} in a list, as Binance sends it (the id as raw digits). */
export const TRADES_TEXT = JSON.stringify([TRADE]).replace("9007199254740992", "9007199254740993");
/** The userTrades path. */
export const TRADES = "/fapi/v1/userTrades";
/** A Binance error body. */
export const error = (code: number, msg: string): { code: number; msg: string } => ({ code, msg });

/** A TCP server that answers `/time` and drops every other connection without a reply. */
/** A server that drops connections; close it with `await using`. */
export interface Dropper extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
}

export function dropper(time: Time): Dropper {
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
