/**
 * The public shapes of a running fake exchange: its options, request log and controls.
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import type { AccountOptions, GeneratedAccount } from "./account.ts";
import type { DownloadKind } from "./download_desk.ts";
import type { ExportFormat } from "./export_formats.ts";
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
   * Months of `userTrades` and USD-M `income` served (default 3: Binance's change log of 2026-08-26 cut the note from
   * 6 to 3 months "reflecting current backend behavior", USD-M and COIN-M alike,
   * https://developers.binance.com/en/docs/products/derivatives-trading-options/change-log).
   */
  readonly tradeRetentionMonths?: number;
  /** Delay of a `slow` fault, ms (default 10,000). */
  readonly slowMs?: number;
  /** Seconds from a download id to its completed link (default 0). */
  readonly downloadDelaySeconds?: number;
  /** Seconds a completed download link works (default 86,400: the docs' "24h"). */
  readonly downloadLinkExpirySeconds?: number;
  /** Download ids per market, kind and calendar month, API and website together (default 5). */
  readonly downloadQuotaPerMonth?: number;
  /** Weight of the download-id endpoints (default: USD-M 1000, COIN-M 5, as documented). */
  readonly downloadIdWeight?: number;
  /**
   * Columns and file type of the downloads: an {@linkcode ExportFormat} or `--export-format`
   * words (`trade-date-utc,income-uid-time,xlsx`); default `trade-uid-time`, `income-time`, CSV.
   */
  readonly exportFormat?: ExportFormat | string;
  /** The exporter's UTC offset in minutes, for variants with local times (default 0). */
  readonly exportUtcOffsetMinutes?: number;
  /** Most rows per file in a download's zip (default 1,000,000). */
  readonly exportPartRows?: number;
}

/** The bulk download quota, as a test sees and spends it. */
export interface DownloadControls {
  /** Download ids left this calendar month. */
  remaining(market: Market, kind: DownloadKind): number;
  /** Spends one as the website's export button does. @throws once none is left. */
  websiteExport(market: Market, kind: DownloadKind): void;
  /**
   * The download host answers the next `count` fetches of a zip (of `kind` only, if given) with
   * S3's 503 `SlowDown`, as S3 does under load
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
   */
  failFetches(count: number, kind?: DownloadKind): void;
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
  /** The bulk download quota. */
  readonly downloads: DownloadControls;
  /** Stops the server; pending slow answers end first. */
  close(): Promise<void>;
}
