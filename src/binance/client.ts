/**
 * The Binance Futures client: one typed method per endpoint the sync uses, over a transport that
 * signs, paces by weight, retries what can be retried and stops at once on a ban.
 *
 * Ids are digit strings throughout. Queries are checked before anything is sent, because Binance
 * answers some bad ones with a silent `[]` rather than an error (a `userTrades` window over 7 days,
 * or `startTime` alone: ccxt issues 16986, 14513, 21103).
 *
 * @module
 */

import type { Fill, Market } from "../fill.ts";
import {
  BulkDownload,
  type DownloadLink,
  type DownloadTicket,
  type HistoryKind,
} from "./bulk_download.ts";
import { type DownloadProgress, fetchArchive } from "./download_archive.ts";
import {
  type Endpoint,
  exchangeInfoEndpoint,
  incomeEndpoint,
  klinesEndpoint,
  positionRiskEndpoint,
  positionSideDualEndpoint,
  timeEndpoint,
  userTradesEndpoint,
} from "./endpoints.ts";
import { BinanceResponseError } from "./errors.ts";
import {
  type ExchangeInfo,
  exchangeInfo,
  type IncomeRow,
  incomeRow,
  type Kline,
  kline,
  type PositionRiskRow,
  positionRiskRow,
  rowsOf,
} from "./rows.ts";
import type { Signer } from "./sign.ts";
import { fillFromTrade, TradeRowError } from "./trade_row.ts";
import type { GovernorWait } from "./governor.ts";
import type { RetryEvent } from "./retry.ts";
import { type Params, type RequestEvent, Transport } from "./transport.ts";
import {
  checkTimes,
  type IncomeQuery,
  type KlinesQuery,
  userTradesProblem,
  type UserTradesQuery,
  whole,
} from "./queries.ts";

export type { GovernorWait } from "./governor.ts";
export type { RetryEvent } from "./retry.ts";
export type { RequestEvent } from "./transport.ts";

/**
 * Live hosts (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/general-info).
 */
export const BASE_URLS: Readonly<Record<Market, string>> = {
  usdm: "https://fapi.binance.com",
  coinm: "https://dapi.binance.com",
};

/** Testnet hosts: USD-M's current demo host, COIN-M's testnet. */
export const TESTNET_BASE_URLS: Readonly<Record<Market, string>> = {
  usdm: "https://demo-fapi.binance.com",
  coinm: "https://testnet.binancefuture.com",
};

/** How to reach Binance; only `market` is required (credentials only for signed endpoints). */
export interface BinanceClientOptions {
  readonly market: Market;
  /** `BINANCE_API_KEY`, sent as `X-MBX-APIKEY`. */
  readonly apiKey?: string;
  /** From `hmacSigner(BINANCE_SECRET_KEY)` or `readPrivateKeySigner(BINANCE_PRIVATE_KEY_FILE)`. */
  readonly signer?: Signer;
  /** Scheme and host, without the `/fapi` or `/dapi` path. Default {@linkcode BASE_URLS}. */
  readonly baseUrl?: string;
  /** Per attempt, up to the end of the body (`REQUEST_TIMEOUT`). Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (`MAX_RETRIES`). Default 5. */
  readonly maxRetries?: number;
  /** Milliseconds a signed request stays valid, ≤ 60 000. Default 5 000. */
  readonly recvWindow?: number;
  /** Weight per minute; default the `exchangeInfo` value once fetched, else 2 400. */
  readonly weightLimit?: number;
  /** Share of the limit to use. Default 0.8. */
  readonly weightBudgetRatio?: number;
  /** First backoff cap; doubles per retry. Default 1 000 ms. */
  readonly retryBaseDelayMs?: number;
  /** Largest backoff cap. Default 30 000 ms. */
  readonly retryMaxDelayMs?: number;
  /** Called after every HTTP exchange (for a progress line). */
  readonly onRequest?: (event: RequestEvent) => void;
  /** Called when requests are held back for the weight limit (for a progress line). */
  readonly onWait?: (wait: GovernorWait) => void;
  /** Called when a failed request is about to be retried (for a progress line). */
  readonly onRetry?: (retry: RetryEvent) => void;
  /** Local clock (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** Waits (tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) for jitter (tests). Default `Math.random`. */
  readonly random?: () => number;
}

/** A Binance Futures client for one market. */
export class BinanceClient {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  readonly #transport: Transport;
  readonly #downloads: BulkDownload;
  readonly #limitConfigured: boolean;

  constructor(options: BinanceClientOptions) {
    this.market = options.market;
    this.#limitConfigured = options.weightLimit !== undefined;
    const baseUrl = (options.baseUrl ?? BASE_URLS[options.market]).replace(/\/+$/, "");
    if (!/^https?:$/.test(URL.parse(baseUrl)?.protocol ?? "")) {
      throw new RangeError(`base URL "${baseUrl}" is not an http(s) URL`);
    }
    this.#transport = new Transport({
      baseUrl,
      apiKey: options.apiKey,
      signer: options.signer,
      timeoutMs: whole("timeoutMs", options.timeoutMs ?? 10_000, 1),
      maxRetries: whole("maxRetries", options.maxRetries ?? 5, 0),
      recvWindow: whole("recvWindow", options.recvWindow ?? 5_000, 1, 60_000),
      retryBaseDelayMs: whole("retryBaseDelayMs", options.retryBaseDelayMs ?? 1_000, 0),
      retryMaxDelayMs: whole("retryMaxDelayMs", options.retryMaxDelayMs ?? 30_000, 0),
      weightLimit: options.weightLimit,
      weightBudgetRatio: options.weightBudgetRatio,
      timeEndpoint: timeEndpoint(options.market),
      onRequest: options.onRequest,
      onWait: options.onWait,
      onRetry: options.onRetry,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
    });
    const transport = this.#transport;
    this.#downloads = new BulkDownload({
      market: options.market,
      requester: transport,
      // A download id spends monthly quota: sent once, never retried (see bulk_download.ts).
      requesterOnce: { request: (endpoint, params) => transport.requestOnce(endpoint, params) },
    });
  }

  /** The IP's used weight this minute, as the last response reported it. */
  get usedWeight(): number | undefined {
    return this.#transport.governor.lastUsedWeight;
  }

  /** The weight per minute this client allows itself. */
  get weightBudget(): number {
    return this.#transport.governor.budget;
  }

  /** Binance's time in epoch ms; also (re)measures the clock offset used for `timestamp`. */
  serverTime(): Promise<number> {
    return this.#transport.syncClock();
  }

  /** Listed contracts and rate limits; adopts the REQUEST_WEIGHT limit unless one was configured. */
  async exchangeInfo(): Promise<ExchangeInfo> {
    const endpoint = exchangeInfoEndpoint(this.market);
    const info = exchangeInfo(label(endpoint), await this.#transport.request(endpoint));
    const weight = info.rateLimits.find((l) =>
      l.rateLimitType === "REQUEST_WEIGHT" && l.interval === "MINUTE" && l.intervalNum === 1
    );
    if (weight !== undefined && !this.#limitConfigured) {
      this.#transport.governor.setLimit(weight.limit);
    }
    return info;
  }

  /**
   * One page of the account's fills, oldest first, as {@linkcode Fill}s (via `fillFromTrade`, so
   * the sync never sees raw rows). Page with `fromId = last.id + 1` until a short page.
   *
   * @throws {RangeError} for a query Binance would reject or silently answer with `[]`.
   */
  async userTrades(query: UserTradesQuery): Promise<Fill[]> {
    const { symbol, pair, fromId, startTime, endTime, limit = 1000 } = query;
    const problem = userTradesProblem(query, this.market);
    if (problem !== undefined) throw new RangeError(`userTrades: ${problem}`);
    checkTimes("userTrades", startTime, endTime);
    const endpoint = userTradesEndpoint(this.market, pair !== undefined);
    const rows = await this.#list(endpoint, {
      symbol,
      pair,
      fromId,
      startTime,
      endTime,
      limit: whole("userTrades limit", limit, 1, 1000),
    });
    return rows.map((row) => {
      try {
        return fillFromTrade(row as Record<string, unknown>, this.market);
      } catch (error) {
        if (error instanceof TradeRowError) {
          throw new BinanceResponseError(`${label(endpoint)}: ${error.message}`);
        }
        throw error;
      }
    });
  }

  /** One page of income history (times inclusive), oldest first. */
  async income(query: IncomeQuery): Promise<IncomeRow[]> {
    const { symbol, incomeType, startTime, endTime, limit = 1000 } = query;
    checkTimes("income", startTime, endTime);
    const endpoint = incomeEndpoint(this.market);
    const rows = await this.#list(endpoint, {
      symbol,
      incomeType,
      startTime,
      endTime,
      limit: whole("income limit", limit, 1, 1000),
    });
    return rows.map((row) => incomeRow(label(endpoint), row));
  }

  /**
   * Positions as served: USD-M (v3) lists only symbols with a position or open orders; COIN-M
   * lists every trading symbol, flat ones with `positionAmt` `"0"`. Filter on `positionAmt`.
   */
  async positionRisk(): Promise<PositionRiskRow[]> {
    const endpoint = positionRiskEndpoint(this.market);
    return (await this.#list(endpoint, {})).map((row) => positionRiskRow(label(endpoint), row));
  }

  /** Whether the account is in hedge mode (`true`) or one-way mode (`false`). */
  async positionSideDual(): Promise<boolean> {
    const endpoint = positionSideDualEndpoint(this.market);
    const body = await this.#transport.request(endpoint);
    const dual = (body as { dualSidePosition?: unknown } | null)?.dualSidePosition;
    if (typeof dual !== "boolean") {
      throw new BinanceResponseError(`${label(endpoint)}: no dualSidePosition in the reply`);
    }
    return dual;
  }

  /** Candles, oldest first. */
  async klines(query: KlinesQuery): Promise<Kline[]> {
    const { symbol, interval, startTime, endTime, limit } = query;
    checkTimes("klines", startTime, endTime);
    const endpoint = klinesEndpoint(
      this.market,
      limit === undefined ? undefined : whole("klines limit", limit, 1, 1500),
    );
    const rows = await this.#list(endpoint, { symbol, interval, startTime, endTime, limit });
    return rows.map((row) => kline(label(endpoint), row));
  }

  /**
   * Asks Binance to prepare the `kind` history of `[startTime, endTime]` (ms, inclusive, at most
   * 365 days) for download. Sent once, never retried: it spends one of the month's downloads.
   *
   * @throws {DownloadQuotaError} when the month's quota is spent.
   * @throws {DownloadOutcomeUnknownError} when the answer was lost (it may have been counted).
   */
  requestDownload(kind: HistoryKind, startTime: number, endTime: number): Promise<DownloadTicket> {
    return this.#downloads.requestDownloadId(kind, startTime, endTime);
  }

  /** Whether a download is ready, and its link once it is (retried like any read). */
  downloadLink(kind: HistoryKind, downloadId: string): Promise<DownloadLink> {
    return this.#downloads.link(kind, downloadId);
  }

  /**
   * The zip a ready link points at (not paced: the download host is not Binance's API).
   *
   * @throws {ArchiveLinkExpiredError} when the link has expired.
   */
  fetchDownload(url: string, onProgress?: DownloadProgress): Promise<Uint8Array> {
    return fetchArchive(url, { onProgress, timeoutMs: 15 * 60_000 });
  }

  async #list(endpoint: Endpoint, params: Params): Promise<readonly unknown[]> {
    return rowsOf(label(endpoint), await this.#transport.request(endpoint, params));
  }
}

function label(endpoint: Endpoint): string {
  return `GET ${endpoint.path}`;
}
