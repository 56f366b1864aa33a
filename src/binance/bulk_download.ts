/**
 * Binance's asynchronous history download, the only API route to fills and income older than
 * the 3 months `userTrades` and `income` serve: ask for a download id for a time range, poll its
 * link until it is `completed`, then fetch the zip the link points at (a presigned S3 URL,
 * `download_archive.ts`).
 *
 * Rules (https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Download-Id-For-Futures-Trade-History,
 * …/Get-Futures-Trade-Download-Link-by-Id, …/Get-Download-Id-For-Futures-Transaction-History,
 * …/Get-Futures-Transaction-History-Download-Link-by-Id, and the COIN-M pages under
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/):
 * - `startTime` and `endTime` are required and at most a year apart (checked here, as 365 days,
 *   before anything is sent);
 * - each kind is limited to about 5 download ids a month, shared with the website's export
 *   button; what Binance answers once they are spent is undocumented: a refusal that is not a
 *   429 and names code -1003 ("too many requests") or a limit is taken for it
 *   ({@linkcode DownloadQuotaError}), any other is passed on as the API error it is; neither is
 *   retried;
 * - a download-id request spends quota, so it is sent once: it goes through `requesterOnce` (a
 *   transport without retries), and a request whose outcome is unknown (network error, timeout,
 *   cut reply, 5xx) is a {@linkcode DownloadOutcomeUnknownError}, not retried blindly; a 4xx
 *   (429 included) was refused before it was counted and is passed on as it is;
 * - weight: download id 1000 on current USD-M pages (5 on older copies and on COIN-M's), link
 *   10 (COIN-M 5);
 * - links last 24 h per the docs (one was seen to last 7 days); an expired one answers S3's 403
 *   `AccessDenied` "Request has expired" (`ArchiveLinkExpiredError`, `download_archive.ts`).
 *
 * The link is a secret (whoever has it can read the history): it never appears in errors.
 *
 * @module
 */

import type { Market } from "../fill.ts";
import type { Endpoint } from "./endpoints.ts";
import {
  BinanceApiError,
  BinanceError,
  BinanceNetworkError,
  BinanceResponseError,
  BinanceTimeoutError,
} from "./errors.ts";
import type { Params } from "./transport.ts";

/** Trade history (fills) or transaction history (income). */
export type HistoryKind = "trade" | "income";

/** Sends a GET to Binance and resolves to the parsed body (a `Transport` does). */
export interface Requester {
  request(endpoint: Endpoint, params?: Params): Promise<unknown>;
}

/** The longest range of one download: a year, taken as 365 days. */
export const MAX_DOWNLOAD_RANGE_MS = 365 * 86_400_000;

/** What the bulk download needs. */
export interface BulkDownloadOptions {
  /** `usdm` (`/fapi`) or `coinm` (`/dapi`). */
  readonly market: Market;
  /** Signed GETs with retries, for polling links (safe to repeat). */
  readonly requester: Requester;
  /** Signed GETs without retries (a transport with `maxRetries: 0`), for download ids. */
  readonly requesterOnce: Requester;
  /** Weight of a download-id request (default: USD-M 1000, COIN-M 5, as documented). */
  readonly downloadIdWeight?: number;
}

/** A download id and Binance's 30-day average preparation time. */
export interface DownloadTicket {
  readonly downloadId: string;
  /** `avgCostTimestampOfLast30d`: ms Binance took on average to prepare a download. */
  readonly averagePreparationMs: number;
}

/** The state of a download's link. */
export type DownloadLink =
  | { readonly status: "processing" }
  | {
    readonly status: "completed";
    /** The presigned URL of the zip (a secret). */
    readonly url: string;
    /** When the link stops working, ms. */
    readonly expiresAt: number;
    /** Binance's `isExpired` (`null` in the docs' example until it is). */
    readonly expired: boolean;
  };

/** A download-id request whose answer was lost: it may have spent one of the month's quota. */
export class DownloadOutcomeUnknownError extends BinanceError {
  constructor(path: string, cause: string) {
    super(
      `GET ${path}: no answer (${cause}); Binance may have counted this request against the ` +
        "monthly download limit. Look for it under Orders → Futures → Download history on " +
        "the website before asking again",
      false,
    );
    this.name = "DownloadOutcomeUnknownError";
  }
}

/**
 * Binance refused a download id because the month's quota of this kind is spent (an assumption:
 * the answer is undocumented, see the module doc). Nothing was counted.
 */
export class DownloadQuotaError extends BinanceApiError {
  /** Trade or income history. */
  readonly kind: HistoryKind;

  constructor(kind: HistoryKind, refusal: BinanceApiError) {
    super(
      refusal,
      `Binance refused a download of the ${
        kind === "trade" ? "trade" : "transaction"
      } history: the month's download quota is spent (${JSON.stringify(refusal.msg)})`,
      false,
    );
    this.name = "DownloadQuotaError";
    this.kind = kind;
  }
}

/** Whether `error`, the answer to a download-id request, says the monthly quota is spent. */
function isQuotaRefusal(error: BinanceApiError): boolean {
  return error.status !== 429 && error.status < 500 &&
    (error.code === -1003 || /\blimit|per month|quota/i.test(error.msg));
}

/** The download links of one market. */
export class BulkDownload {
  readonly #o: BulkDownloadOptions;

  constructor(options: BulkDownloadOptions) {
    this.#o = options;
  }

  /**
   * Asks for a download id for `[startTime, endTime]` (ms, inclusive). Sent once: spends one of
   * the month's downloads of `kind`.
   *
   * @throws {RangeError} for a range Binance refuses (nothing is sent).
   * @throws {DownloadOutcomeUnknownError} when the request may or may not have been counted.
   * @throws {DownloadQuotaError} when the month's quota of `kind` is spent.
   */
  async requestDownloadId(
    kind: HistoryKind,
    startTime: number,
    endTime: number,
  ): Promise<DownloadTicket> {
    checkRange(startTime, endTime);
    const endpoint = downloadIdEndpoint(this.#o.market, kind, this.#o.downloadIdWeight);
    let body: unknown;
    try {
      body = await this.#o.requesterOnce.request(endpoint, { startTime, endTime });
    } catch (error) {
      // Lost after sending may have been counted: no answer, an answer that cannot be read, a
      // 5xx, or Binance's "execution status unknown" (408, -1006, -1007: any transient error but
      // 429). Another 4xx, 429 included, was refused before it was.
      if (
        error instanceof BinanceNetworkError || error instanceof BinanceTimeoutError ||
        error instanceof BinanceResponseError ||
        (error instanceof BinanceApiError && error.retryable && error.status !== 429)
      ) {
        throw new DownloadOutcomeUnknownError(endpoint.path, error.message);
      }
      if (error instanceof BinanceApiError && isQuotaRefusal(error)) {
        throw new DownloadQuotaError(kind, error);
      }
      throw error;
    }
    const { downloadId, avgCostTimestampOfLast30d } = (body ?? {}) as Record<string, unknown>;
    if (typeof downloadId !== "string" || !/^\d+$/.test(downloadId)) {
      // Accepted, so counted, but with no id to fetch it by.
      throw new DownloadOutcomeUnknownError(endpoint.path, "no downloadId in the reply");
    }
    return {
      downloadId,
      averagePreparationMs: typeof avgCostTimestampOfLast30d === "number"
        ? avgCostTimestampOfLast30d
        : 0,
    };
  }

  /** The state of `downloadId`'s link (retried like any read). */
  async link(kind: HistoryKind, downloadId: string): Promise<DownloadLink> {
    const endpoint = linkEndpoint(this.#o.market, kind);
    const body = await this.#o.requester.request(endpoint, { downloadId });
    const { status, url, expirationTimestamp, isExpired } = (body ?? {}) as Record<string, unknown>;
    if (status === "processing") return { status };
    if (
      status === "completed" && typeof url === "string" && /^https?:\/\//.test(url) &&
      typeof expirationTimestamp === "number"
    ) {
      return { status, url, expiresAt: expirationTimestamp, expired: isExpired === true };
    }
    throw new BinanceResponseError(
      `GET ${endpoint.path}: an unexpected reply (status ${JSON.stringify(status)})`,
    );
  }
}

/** Checks a download range. @throws {RangeError} for one Binance refuses. */
export function checkRange(startTime: number, endTime: number): void {
  for (const [name, value] of [["startTime", startTime], ["endTime", endTime]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`download ${name} must be whole milliseconds, not ${value}`);
    }
  }
  if (startTime > endTime) {
    throw new RangeError(`download startTime ${startTime} is after endTime ${endTime}`);
  }
  if (endTime - startTime > MAX_DOWNLOAD_RANGE_MS) {
    throw new RangeError("a download covers at most a year (365 days); split the range");
  }
}

const PREFIX: Record<Market, string> = { usdm: "/fapi", coinm: "/dapi" };

/** Get Download Id For Futures Trade / Transaction History. */
function downloadIdEndpoint(market: Market, kind: HistoryKind, weight?: number): Endpoint {
  return {
    path: `${PREFIX[market]}/v1/${kind}/asyn`,
    weight: weight ?? (market === "usdm" ? 1000 : 5),
    signed: true,
  };
}

/** Get Futures Trade / Transaction History Download Link by Id. */
function linkEndpoint(market: Market, kind: HistoryKind): Endpoint {
  return {
    path: `${PREFIX[market]}/v1/${kind}/asyn/id`,
    weight: market === "usdm" ? 10 : 5,
    signed: true,
  };
}
