/**
 * The HTTP layer under {@linkcode BinanceClient}: signs, paces, sends, classifies and retries.
 *
 * Rules relied on (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info):
 * - Timing security: a signed request is accepted when `timestamp < serverTime + 1000` and
 *   `serverTime − timestamp ≤ recvWindow`. So `timestamp` comes from the server clock (offset
 *   measured with `/time`), and every attempt is signed afresh, never re-sent as it was. On -1021
 *   the offset is measured again and the request re-sent at once; a -1021 that survives that is
 *   retried with backoff like a 5xx (a clock stepping, a busy server), so only a clock that stays
 *   off fails, with the NTP hint, once the retries run out.
 * - HTTP return codes: 4XX is the sender's fault (not retried, except 408 and 429); 5XX is
 *   Binance's (retried); 429 = over the limit, back off; 418 = IP banned "for continuing to send
 *   requests after receiving 429", so it stops everything at once.
 * - `Retry-After` comes with 429 and 418 ("the number of seconds required to wait, in the case of
 *   a 429, to prevent a ban, or, in the case of a 418, until the ban is over",
 *   https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits); futures servers
 *   do not promise it, so it is honoured when present.
 * Retries use exponential backoff with full jitter (`retry.ts`).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Endpoint } from "./endpoints.ts";
import {
  apiErrorFrom,
  banEnd,
  BinanceApiError,
  BinanceBanError,
  BinanceConfigError,
  type BinanceError,
  BinanceResponseError,
  connectionError,
  redact,
  retryAfterMs,
} from "./errors.ts";
import { type GovernorWait, WeightGovernor } from "./governor.ts";
import { parseBody, parseUsedWeight } from "./reply.ts";
import { type RetryOptions, withRetries } from "./retry.ts";
import type { Signer } from "./sign.ts";

const logger = getLogger(["futures-ledger", "binance"]);

/** Query parameters of a request; `undefined` values are left out. */
export type Params = Readonly<Record<string, string | number | undefined>>;

/** One HTTP exchange with Binance, as reported to `onRequest` (no secrets in it). */
export interface RequestEvent {
  /** The endpoint's path, e.g. `/fapi/v1/userTrades`. */
  readonly path: string;
  /** The caller's parameters (never `timestamp`, `recvWindow` or `signature`). */
  readonly params: Readonly<Record<string, string>>;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  /** The HTTP status; `undefined` when no response came (network error, timeout). */
  readonly status: number | undefined;
  /** The endpoint's request weight. */
  readonly weight: number;
  /** `X-MBX-USED-WEIGHT-1M` of the response: the IP's weight used this minute. */
  readonly usedWeight: number | undefined;
  /** From sending to the end of the body, in milliseconds. */
  readonly durationMs: number;
}

/** Everything the transport needs; {@linkcode BinanceClient} fills in the defaults. */
export interface TransportOptions extends RetryOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly signer: Signer | undefined;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly recvWindow: number;
  readonly weightLimit: number | undefined;
  readonly weightBudgetRatio: number | undefined;
  /** The market's `/time` endpoint, for the clock offset. */
  readonly timeEndpoint: Endpoint;
  readonly onRequest: ((event: RequestEvent) => void) | undefined;
  /** Told of each wait of the weight governor. */
  readonly onWait: ((wait: GovernorWait) => void) | undefined;
  /** The local clock, epoch milliseconds. */
  readonly now: () => number;
}

interface Sent {
  readonly body: unknown;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Sends requests to Binance with signing, pacing, retries and typed errors. */
export class Transport {
  /** Paces requests by weight; exposes the last used weight. */
  readonly governor: WeightGovernor;
  readonly #o: TransportOptions;
  #offsetMs: number | undefined;
  #ban: { error: BinanceBanError; refuseUntil: number } | undefined;

  constructor(options: TransportOptions) {
    this.#o = options;
    this.governor = new WeightGovernor(
      { now: () => this.#serverNow(), sleep: options.sleep },
      options.weightLimit,
      options.weightBudgetRatio,
      options.onWait,
    );
  }

  /** Sends `GET endpoint?params` (signed if the endpoint is) with retries; resolves to the body. */
  request(endpoint: Endpoint, params: Params = {}): Promise<unknown> {
    return this.#request(endpoint, params, this.#o.maxRetries);
  }

  /**
   * Sends `GET endpoint?params` once, without retries (a -1021 is still sent again at once after
   * measuring the clock: Binance refuses it before acting on it). For requests that must not be
   * repeated blindly, such as a bulk download id, which spends monthly quota.
   */
  requestOnce(endpoint: Endpoint, params: Params = {}): Promise<unknown> {
    return this.#request(endpoint, params, 0);
  }

  #request(endpoint: Endpoint, params: Params, retries: number): Promise<unknown> {
    if (endpoint.signed && (this.#o.apiKey === undefined || this.#o.signer === undefined)) {
      return Promise.reject(
        new BinanceConfigError(
          `GET ${endpoint.path} needs BINANCE_API_KEY and BINANCE_SECRET_KEY ` +
            "(or BINANCE_PRIVATE_KEY_FILE)",
        ),
      );
    }
    return withRetries(endpoint.path, retries, this.#o, async (attempt) => {
      if (endpoint.signed && this.#offsetMs === undefined) await this.#measureClock(attempt);
      try {
        return (await this.#send(endpoint, params, attempt)).body;
      } catch (error) {
        if (!(endpoint.signed && error instanceof BinanceApiError && error.code === -1021)) {
          throw error;
        }
        logger.warn("{path}: timestamp outside recvWindow (-1021); resyncing the clock", {
          path: endpoint.path,
        });
        await this.#measureClock(attempt);
        try {
          return (await this.#send(endpoint, params, attempt)).body;
        } catch (again) {
          if (!(again instanceof BinanceApiError && again.code === -1021)) throw again;
          throw new BinanceApiError(again, again.message, true);
        }
      }
    });
  }

  /** Measures the offset between the local and Binance's clock; resolves to Binance's time. */
  syncClock(): Promise<number> {
    return withRetries(
      this.#o.timeEndpoint.path,
      this.#o.maxRetries,
      this.#o,
      (attempt) => this.#measureClock(attempt),
    );
  }

  async #measureClock(attempt: number): Promise<number> {
    const { body, startedAt, endedAt } = await this.#send(this.#o.timeEndpoint, {}, attempt);
    const serverTime = (body as { serverTime?: unknown } | null)?.serverTime;
    if (typeof serverTime !== "number") {
      throw new BinanceResponseError(
        `GET ${this.#o.timeEndpoint.path}: no serverTime in the reply`,
      );
    }
    this.#offsetMs = serverTime - (startedAt + endedAt) / 2;
    logger.debug("server clock offset {offsetMs} ms", { offsetMs: Math.round(this.#offsetMs) });
    return serverTime;
  }

  #serverNow(): number {
    return this.#o.now() + (this.#offsetMs ?? 0);
  }

  async #send(endpoint: Endpoint, params: Params, attempt: number): Promise<Sent> {
    const label = `GET ${endpoint.path}`;
    if (this.#ban !== undefined && this.#serverNow() < this.#ban.refuseUntil) {
      throw new BinanceBanError(this.#ban.error.until);
    }
    const { apiKey, signer } = this.#o;
    const window = await this.governor.acquire(endpoint.weight);
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) query.set(name, String(value));
    }
    const shown = Object.fromEntries(query);
    let search = query.toString();
    if (endpoint.signed && signer !== undefined) {
      query.set("recvWindow", String(this.#o.recvWindow));
      query.set("timestamp", String(Math.round(this.#serverNow())));
      search = query.toString();
      search += `&signature=${await signer.sign(search)}`;
    }
    const headers = new Headers(apiKey === undefined ? {} : { "X-MBX-APIKEY": apiKey });
    const url = `${this.#o.baseUrl}${endpoint.path}${search === "" ? "" : "?"}${search}`;
    const startedAt = this.#o.now();
    const report = (status: number | undefined, usedWeight: number | undefined) => {
      const event: RequestEvent = {
        path: endpoint.path,
        params: shown,
        attempt,
        status,
        weight: endpoint.weight,
        usedWeight,
        durationMs: this.#o.now() - startedAt,
      };
      logger.debug(
        "GET {path} {params} → {status} in {durationMs} ms, used weight {usedWeight}",
        { ...event },
      );
      this.#o.onRequest?.(event);
    };
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.#o.timeoutMs) });
      text = await response.text();
    } catch (error) {
      report(undefined, undefined);
      throw connectionError(label, error, this.#o);
    }
    const usedWeight = parseUsedWeight(response.headers);
    this.governor.observe(usedWeight, window);
    report(response.status, usedWeight);
    if (response.ok) return { body: parseBody(label, text), startedAt, endedAt: this.#o.now() };
    throw this.#statusError(label, response, text);
  }

  #statusError(label: string, response: Response, text: string): BinanceError {
    // Binance's clock: a ban's end ("banned until …") and an HTTP date in Retry-After are on it.
    const now = this.#serverNow();
    const retryAfter = retryAfterMs(response.headers, now);
    if (response.status === 418) {
      const error = new BinanceBanError(banEnd(text, retryAfter, now));
      // With no end given, refuse for the shortest ban (2 minutes) rather than probe it.
      this.#ban = { error, refuseUntil: error.until?.getTime() ?? now + 120_000 };
      return error;
    }
    if (response.status === 429) {
      this.governor.pauseUntil(
        retryAfter === undefined ? this.governor.nextWindowStart() : now + retryAfter,
      );
    }
    return apiErrorFrom(label, response.status, redact(text, this.#o.apiKey), retryAfter);
  }
}
