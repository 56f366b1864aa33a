/**
 * Request weight per IP: each request adds its endpoint's weight to the current minute's total,
 * reported in `X-MBX-USED-WEIGHT-1M`. The minute is a fixed calendar minute (a request at
 * 00:01:23.456 counts towards the 00:01:00 minute, and the count resets at 00:02:00), not a
 * rolling window. Over the limit the answer is 429 with `Retry-After` (seconds until the next
 * minute); a client that keeps sending during that wait is banned with 418 and `Retry-After`,
 * for 2 minutes at first, doubling for repeat offenders up to 3 days.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 * https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/rate-limits
 *
 * @module
 */

import { BinanceError } from "./errors.ts";

const MINUTE_MS = 60_000;
const FIRST_BAN_MS = 2 * MINUTE_MS;
const MAX_BAN_MS = 3 * 86_400_000;
/** Requests sent while told to wait after a 429 before the IP is banned. */
const STRIKES_BEFORE_BAN = 2;

/** A rejection by the limiter: 429 or 418 with the seconds to wait. */
export class RateLimitError extends BinanceError {
  /** Seconds to wait (`Retry-After`). */
  readonly retryAfter: number;

  /** A 429 or 418 answer. */
  constructor(status: 429 | 418, msg: string, retryAfter: number) {
    super(status, -1003, msg);
    this.name = "RateLimitError";
    this.retryAfter = retryAfter;
  }
}

/** The weight used in fixed one-minute windows, with 429s and escalating 418 bans. */
export class WeightLimiter {
  /** Weight allowed per minute. */
  readonly limit: number;
  #minute = -1;
  #used = 0;
  #coolUntil = 0;
  #strikes = 0;
  #banUntil = 0;
  #bans = 0;

  /** A limiter allowing `limit` weight per minute. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Weight used in the minute containing `now`. */
  used(now: number): number {
    return Math.floor(now / MINUTE_MS) === this.#minute ? this.#used : 0;
  }

  /**
   * Admits a request of `weight` at `now`, or throws.
   *
   * @throws {RateLimitError} 418 while banned (or when banned now), 429 over the limit.
   */
  admit(weight: number, now: number): void {
    if (now < this.#banUntil) throw this.#banned(now);
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
    if (now < this.#coolUntil) {
      this.#strikes++;
      if (this.#strikes >= STRIKES_BEFORE_BAN) {
        this.#bans++;
        this.#banUntil = now + Math.min(MAX_BAN_MS, FIRST_BAN_MS * 2 ** (this.#bans - 1));
        this.#coolUntil = 0;
        this.#strikes = 0;
        throw this.#banned(now);
      }
      throw this.#tooMany(now);
    }
    if (this.#used + weight > this.limit) {
      this.#coolUntil = (minute + 1) * MINUTE_MS;
      this.#strikes = 0;
      throw this.#tooMany(now);
    }
    this.#used += weight;
  }

  #tooMany(now: number): RateLimitError {
    return new RateLimitError(
      429,
      `Too many requests; current limit of IP(127.0.0.1) is ${this.limit} requests per minute. ` +
        "Please use the websocket for live updates to avoid polling the API.",
      Math.max(1, Math.ceil((this.#coolUntil - now) / 1000)),
    );
  }

  #banned(now: number): RateLimitError {
    return new RateLimitError(
      418,
      `Way too much request weight used; IP banned until ${this.#banUntil}. ` +
        "Please use the websocket for live updates to avoid bans.",
      Math.max(1, Math.ceil((this.#banUntil - now) / 1000)),
    );
  }
}
