/**
 * The weight governor: paces requests so the IP's request weight stays under a budget, so that a
 * normal sync never meets a 429 (and so never risks a 418 ban).
 *
 * Window model: Binance counts weight per **fixed calendar minute** of its clock, not over a
 * rolling 60 s. Its docs say so for its API family ("a 1 MINUTE interval starts every minute.
 * Request submitted at 00:01:23.456 counts towards the 00:01:00 minute's limit. Once the 00:02:00
 * minute starts, the count will reset to zero again",
 * https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/rate-limits), and users
 * report the `X-MBX-USED-WEIGHT-1M` header resetting "on each cron minute"
 * (https://github.com/JKorf/Binance.Net/issues/288). The futures docs only say "per minute"
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info, "IP
 * Limits"). So when the next request would pass the budget, the governor waits for the next minute
 * of server time (plus a margin for clock uncertainty) rather than sleeping a fixed 60 s.
 *
 * The header is the authority: every response's value raises the governor's count for the minute
 * the request was sent in, so weight used by other programs on the same IP is respected, and were
 * the window rolling after all, the first response of a new minute would show it and pacing would
 * continue; the 20 % headroom absorbs that one request.
 *
 * @module
 */

/** One minute, the span of the `X-MBX-USED-WEIGHT-1M` counter. */
export const WINDOW_MS = 60_000;

/** Waited past a minute's start, since the server-clock offset is only known to about ±RTT/2. */
export const BOUNDARY_MARGIN_MS = 1_000;

/** Binance Futures' default IP limit: 2400 weight per minute (`exchangeInfo.rateLimits`). */
export const DEFAULT_WEIGHT_LIMIT = 2400;

/** The share of the limit a sync allows itself. */
export const DEFAULT_BUDGET_RATIO = 0.8;

/** How the governor reads time and waits; injectable so tests need not sleep. */
export interface GovernorClock {
  /** The current time on Binance's clock, in epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/**
 * A wait the governor is about to make, for a progress display: `budget` when this minute's
 * budget is spent (`used` of `budget`), `429` when Binance asked to slow down.
 */
export interface GovernorWait {
  readonly cause: "budget" | "429";
  /** How long, in milliseconds. */
  readonly ms: number;
  /** The weight counted in the current minute. */
  readonly used: number;
  /** The weight allowed per minute. */
  readonly budget: number;
}

/** Paces requests to keep the per-minute weight under `budget`. */
export class WeightGovernor {
  #limit: number;
  readonly #ratio: number;
  readonly #clock: GovernorClock;
  readonly #onWait: ((wait: GovernorWait) => void) | undefined;
  #window = -1;
  #used = 0;
  #lastSeen: number | undefined;
  #pausedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();

  /** `onWait` is told of each wait before it starts. */
  constructor(
    clock: GovernorClock,
    limit = DEFAULT_WEIGHT_LIMIT,
    ratio = DEFAULT_BUDGET_RATIO,
    onWait?: (wait: GovernorWait) => void,
  ) {
    if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`weight budget ratio ${ratio} ∉ (0, 1]`);
    this.#clock = clock;
    this.#onWait = onWait;
    this.#ratio = ratio;
    this.#limit = positive(limit);
  }

  /** The exchange's weight limit per minute. */
  get limit(): number {
    return this.#limit;
  }

  /** The weight this client allows itself per minute: `floor(limit × ratio)`. */
  get budget(): number {
    return Math.floor(this.#limit * this.#ratio);
  }

  /** The last `X-MBX-USED-WEIGHT-1M` value seen, for progress display. */
  get lastUsedWeight(): number | undefined {
    return this.#lastSeen;
  }

  /** Sets the exchange's limit (from `exchangeInfo.rateLimits`). */
  setLimit(limit: number): void {
    this.#limit = positive(limit);
  }

  /**
   * Waits until a request of `weight` fits in the current minute's budget (or the minute is still
   * unused, so a request heavier than the budget still goes), counts it, and returns the minute's
   * number, to pass back to {@linkcode observe} with the response. Calls are served in order.
   */
  acquire(weight: number): Promise<number> {
    const turn = this.#queue.then(() => this.#take(weight));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /**
   * Records the used weight a response reported for a request sent in minute `window`; a report
   * from an earlier minute than the current one is only shown, not counted.
   */
  observe(usedWeight: number | undefined, window: number): void {
    if (usedWeight === undefined) return;
    this.#lastSeen = usedWeight;
    if (window === this.#window) {
      this.#used = Math.max(this.#used, usedWeight);
    }
  }

  /** Sends nothing before `serverTimeMs` (after a 429). */
  pauseUntil(serverTimeMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, serverTimeMs);
  }

  /** The start of the next minute plus the margin, on the server's clock. */
  nextWindowStart(): number {
    return (this.#minute(this.#clock.now()) + 1) * WINDOW_MS + BOUNDARY_MARGIN_MS;
  }

  async #take(weight: number): Promise<number> {
    for (;;) {
      const now = this.#clock.now();
      if (now < this.#pausedUntil) {
        await this.#wait("429", this.#pausedUntil - now);
        continue;
      }
      const window = this.#minute(now);
      if (window !== this.#window) {
        this.#window = window;
        this.#used = 0;
      }
      if (this.#used === 0 || this.#used + weight <= this.budget) {
        this.#used += weight;
        return window;
      }
      await this.#wait("budget", (window + 1) * WINDOW_MS + BOUNDARY_MARGIN_MS - now);
    }
  }

  async #wait(cause: GovernorWait["cause"], ms: number): Promise<void> {
    this.#onWait?.({ cause, ms, used: this.#used, budget: this.budget });
    await this.#clock.sleep(ms);
  }

  #minute(serverTimeMs: number): number {
    return Math.floor(serverTimeMs / WINDOW_MS);
  }
}

function positive(limit: number): number {
  if (!(Number.isFinite(limit) && limit > 0)) throw new RangeError(`weight limit ${limit} ≤ 0`);
  return limit;
}
