/**
 * `startFakeExchange`: the fake Binance Futures exchange as an HTTP/1.1 server on 127.0.0.1,
 * with rate limits, signatures, fault injection and a request log for tests.
 *
 * Order of checks per request: route (404), ban and weight (418/429; every admitted request
 * counts its weight), injected fault, then for SIGNED endpoints key, signature and timestamp,
 * then the endpoint's own validation. Every answer carries `X-MBX-USED-WEIGHT-1M`; errors are
 * `{"code":…,"msg":…}` with Binance's HTTP status.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { GeneratedAccount } from "./account.ts";
import { Authenticator } from "./auth.ts";
import { DownloadDesk } from "./download_desk.ts";
import type { EndpointContext } from "./endpoint.ts";
import { BinanceError } from "./errors.ts";
import type { FakeExchange, FakeExchangeOptions, LogEntry, Totals } from "./exchange_types.ts";
import { DEFAULT_EXPORT_FORMAT, parseExportFormat } from "./export_formats.ts";
import { type FaultKind, FaultPlan } from "./faults.ts";
import { Params } from "./params.ts";
import { RateLimitError, WeightLimiter } from "./rate_limit.ts";
import { route } from "./routes.ts";

const INTERNAL = new BinanceError(
  503,
  -1001,
  "Internal error; unable to process your request. Please try again.",
);

/** Starts a fake exchange on 127.0.0.1 (port 0 by default: any free port). */
export function startFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const account = options.account ?? new GeneratedAccount(options);
  const other: Market = account.market === "usdm" ? "coinm" : "usdm";
  const empty = options.otherAccount ?? new GeneratedAccount({
    ...account.options,
    market: other,
    fills: 0,
    symbols: 0,
  });
  if (empty.market !== other) throw new RangeError(`otherAccount must be a ${other} account`);
  const accounts: Record<Market, GeneratedAccount> = {
    [account.market]: account,
    [other]: empty,
  } as Record<Market, GeneratedAccount>;
  const apiKey = options.apiKey ?? randomHex(32);
  const secret = options.secret ?? randomHex(32);
  const auth = new Authenticator({ apiKey, secret, ed25519PublicKey: options.ed25519PublicKey });
  const weightLimit = options.weightLimit ?? 2400;
  const limiter = new WeightLimiter(weightLimit);
  const faults = new FaultPlan(options.faults ?? 0, account.options.seed);
  const clock = options.clock ?? Date.now;
  const slowMs = options.slowMs ?? 10_000;
  const retention = options.tradeRetentionMonths ?? 3;
  const format = options.exportFormat ?? DEFAULT_EXPORT_FORMAT;
  const downloads = new DownloadDesk({
    accounts,
    delayMs: Math.round((options.downloadDelaySeconds ?? 0) * 1000),
    linkExpiryMs: Math.round((options.downloadLinkExpirySeconds ?? 86_400) * 1000),
    monthlyQuota: options.downloadQuotaPerMonth ?? 5,
    format: typeof format === "string" ? parseExportFormat(format) : format,
    offsetMinutes: options.exportUtcOffsetMinutes ?? 0,
    partRows: options.exportPartRows ?? 1_000_000,
    seed: account.options.seed,
  });
  let skew = 0;
  const now = () => clock() + skew;
  const log: LogEntry[] = [];
  const pending = new Set<() => void>();

  const respond = (
    status: number,
    body: string,
    weight: number,
    extra: Record<string, string> = {},
  ) =>
    new Response(body, {
      status,
      headers: {
        "content-type": "application/json",
        "x-mbx-used-weight-1m": String(weight),
        ...extra,
      },
    });

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const rawQuery = url.search.slice(1);
    const params = new Params(rawQuery);
    const t = now();
    const entry = { time: t, endpoint: url.pathname, params: params.loggable(), weight: 0 };
    if (request.method === "GET" && url.pathname.startsWith("/s3/")) {
      // The download links' "S3 host": no API key, no weight (see download_desk.ts).
      const response = await downloads.object(url, t);
      log.push({ ...entry, params: {}, status: response.status });
      return response;
    }
    const found = request.method === "GET"
      ? route(url.pathname, options.downloadIdWeight)
      : undefined;
    if (found === undefined) {
      log.push({ ...entry, status: 404, code: -5000 });
      const msg = `Path ${url.pathname}, Method ${request.method} is invalid`;
      return respond(404, JSON.stringify({ code: -5000, msg }), limiter.used(t));
    }
    const { endpoint, market } = found;
    let weight = 0;
    let fault: FaultKind | undefined;
    try {
      const w = endpoint.weight(params);
      limiter.admit(w, t);
      weight = w;
      fault = faults.next();
      if (fault === "5xx") throw INTERNAL;
      if (fault === "429") {
        throw new RateLimitError(429, "Too many requests; please retry later.", 1);
      }
      if (fault === "skew" && endpoint.signed) {
        throw new BinanceError(
          400,
          -1021,
          "Timestamp for this request is outside of the recvWindow.",
        );
      }
      if (endpoint.signed) {
        await auth.verify(request.headers.get("x-mbx-apikey"), rawQuery, params, t);
      }
      const ctx: EndpointContext = {
        market,
        account: accounts[market],
        params,
        now: t,
        weightLimit,
        tradeRetentionMonths: retention,
        downloads,
        origin: url.origin,
      };
      const body = await endpoint.handle(ctx);
      log.push({
        ...entry,
        weight,
        status: fault === "408" ? 408 : 200,
        ...(fault ? { fault } : {}),
      });
      if (fault === "slow") await delay(slowMs, pending, request.signal);
      if (fault === "truncated") {
        return respond(200, body.slice(0, Math.floor(body.length / 2)), limiter.used(t));
      }
      if (fault === "reset") return resetResponse(body, limiter.used(t));
      if (fault === "408") {
        const msg = "Timeout waiting for response from backend server. Send status unknown; " +
          "execution status unknown.";
        return respond(408, JSON.stringify({ code: -1007, msg }), limiter.used(t));
      }
      return respond(200, body, limiter.used(t));
    } catch (error) {
      const e = error instanceof BinanceError
        ? error
        : new BinanceError(500, -1000, "An unknown error occurred while processing the request.");
      log.push({ ...entry, weight, status: e.status, code: e.code, ...(fault ? { fault } : {}) });
      const extra: Record<string, string> = e instanceof RateLimitError
        ? { "retry-after": String(e.retryAfter) }
        : {};
      return respond(e.status, e.body(), limiter.used(t), extra);
    }
  };

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    handle,
  );
  const close = async () => {
    for (const wake of pending) wake();
    await server.shutdown();
  };
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    apiKey,
    secret,
    account,
    log,
    totals: () => totals(log),
    now,
    failNext: (kind, count = 1) => faults.failNext(kind, count),
    setFaultRate: (p) => faults.setRate(p),
    setClockSkew: (ms) => {
      skew = ms;
    },
    downloads: {
      remaining: (market, kind) => downloads.remaining(market, kind, now()),
      websiteExport: (market, kind) => downloads.websiteExport(market, kind, now()),
      failFetches: (count, kind) => downloads.failFetches(count, kind),
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

/**
 * A 200 that promises more bytes (`content-length`) than it sends: the connection closes
 * mid-body, as a reset would leave it.
 */
function resetResponse(body: string, weight: number): Response {
  const head = new TextEncoder().encode(body.slice(0, 16));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
      controller.close();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "application/json",
      "content-length": String(head.length + 64),
      "x-mbx-used-weight-1m": String(weight),
    },
  });
}

/** Waits `ms`, or less when the client gives up or the server closes. */
function delay(ms: number, pending: Set<() => void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pending.delete(done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    pending.add(done);
    signal.addEventListener("abort", done);
  });
}

function totals(log: readonly LogEntry[]): Totals {
  const byStatus: Record<number, number> = {};
  const byEndpoint: Record<string, number> = {};
  let weight = 0;
  for (const e of log) {
    weight += e.weight;
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    byEndpoint[e.endpoint] = (byEndpoint[e.endpoint] ?? 0) + 1;
  }
  return { requests: log.length, weight, byStatus, byEndpoint };
}

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}
