/**
 * The public shapes of a running fake exchange: its options, request log and controls.
 *
 * @module
 */

import type { AccountOptions, GeneratedAccount } from "./account.ts";
import type { FaultKind } from "./faults.ts";

/** Options of `startFakeExchange`: an account (or options to generate one) and more. */
export interface FakeExchangeOptions extends AccountOptions {
  /** A prebuilt account (its market is served; the other market is empty). */
  readonly account?: GeneratedAccount;
  /** An account of the other market, served beside `account` (default: an empty one). */
  readonly otherAccount?: GeneratedAccount;
  /** API key (default: random hex). */
  readonly apiKey?: string;
  /** HMAC secret (default: random hex). */
  readonly secret?: string;
  /** Ed25519 public key of the API key (PEM or base64); then only Ed25519 signatures pass. */
  readonly ed25519PublicKey?: string;
  /** Request weight per minute (default 2400). */
  readonly weightLimit?: number;
  /** Probability that a request fails with a random fault (default 0). */
  readonly faults?: number;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** The server clock, ms (default `Date.now`). */
  readonly clock?: () => number;
  /**
   * Months of `userTrades` served (default 3: Binance's change log of 2026-08-26 cut the note from
   * 6 to 3 months "reflecting current backend behavior", USD-M and COIN-M alike,
   * https://developers.binance.com/en/docs/products/derivatives-trading-options/change-log).
   */
  readonly tradeRetentionMonths?: number;
  /** Delay of a `slow` fault, ms (default 10,000). */
  readonly slowMs?: number;
}

/** One request, as logged. */
export interface LogEntry {
  /** Server time of the request. */
  readonly time: number;
  /** Path, e.g. `/fapi/v1/userTrades`. */
  readonly endpoint: string;
  /** Query parameters without `signature`. */
  readonly params: Readonly<Record<string, string>>;
  /** Weight counted (0 when refused before counting). */
  readonly weight: number;
  /** HTTP status sent (200 also for `reset` and `truncated` faults). */
  readonly status: number;
  /** Binance error code, when an error body was sent. */
  readonly code?: number;
  /** The injected fault, if any. */
  readonly fault?: FaultKind;
}

/** Request and weight totals. */
export interface Totals {
  /** Requests received. */
  readonly requests: number;
  /** Weight counted. */
  readonly weight: number;
  /** Requests per HTTP status. */
  readonly byStatus: Readonly<Record<number, number>>;
  /** Requests per path. */
  readonly byEndpoint: Readonly<Record<string, number>>;
}

/** A running fake exchange; `await using` closes it. */
export interface FakeExchange extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:8787` (append `/fapi/v1/...`). */
  readonly url: string;
  /** The API key it accepts. */
  readonly apiKey: string;
  /** The HMAC secret. */
  readonly secret: string;
  /** The account served (its market). */
  readonly account: GeneratedAccount;
  /** Every request so far. */
  readonly log: readonly LogEntry[];
  /** Request and weight totals. */
  totals(): Totals;
  /** The server clock now (with skew). */
  now(): number;
  /** Fails the next `count` requests (default 1) with `kind`. */
  failNext(kind: FaultKind, count?: number): void;
  /** Sets the probability of a random fault per request. */
  setFaultRate(probability: number): void;
  /** Shifts the server clock by `ms` (serverTime included) so unsynced clients get -1021. */
  setClockSkew(ms: number): void;
  /** Stops the server; pending slow answers end first. */
  close(): Promise<void>;
}
