/**
 * The fake's bulk download service: download ids with a monthly quota per market and kind, tasks
 * that are `processing` for a while and then `completed` with a signed link, and the "S3" side
 * that serves each task's zip until its link expires.
 *
 * Rules (https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Download-Id-For-Futures-Trade-History,
 * …/Get-Futures-Trade-Download-Link-by-Id, …/Get-Download-Id-For-Futures-Transaction-History,
 * and the COIN-M pages under https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/):
 * - "Request Limitation is 5 times per month, shared by front end download page and rest api":
 *   counted here per market and kind in calendar months of UTC (the docs do not say whether the
 *   month is a calendar or a rolling one), with `websiteExport` standing for the button; a
 *   refused or invalid request spends nothing.
 * - What Binance answers once the quota is spent is not documented, nor found in public code or
 *   issues: modelled as {@linkcode quotaExhausted} (HTTP 400, `-1003`, a message naming the limit).
 * - `avgCostTimestampOfLast30d` is the average preparation time in ms; the fake answers its own
 *   delay. Until the delay has passed the link answer is `processing` with `url: ""` and
 *   `expirationTimestamp: -1`; then `completed` with the url and its expiry ("Download link
 *   expiration: 24h"). One observed answer also had `"s3Link": null` (Portfolio Margin's doc shows
 *   it too), so the fake sends it.
 * - The url is a presigned S3 GET (one observed: `https://bin-prod-user-rebate-bucket.s3.amazonaws.com/
 *   data-download-task/usdt_margined_futures/….zip?X-Amz-…`); here it points at the fake's own
 *   origin under `/s3/bin-prod-user-rebate-bucket/…`, and an expired or altered one is refused as
 *   S3 refuses it: 403 with an XML `<Error>` (`AccessDenied`, "Request has expired";
 *   `SignatureDoesNotMatch`), https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html.
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { at } from "../support/indexed.ts";
import type { GeneratedAccount } from "./account.ts";
import { BinanceError } from "./errors.ts";
import { exportZip } from "./export_archive.ts";
import { type ExportFormat, incomeTable, tradeTable } from "./export_formats.ts";
import { compareIncome } from "./income.ts";
import { compareDigits } from "./rows.ts";

/** Trade history or transaction (income) history. */
export type DownloadKind = "trade" | "income";

/** How the desk behaves. */
export interface DownloadDeskOptions {
  /** The account of each market. */
  readonly accounts: Readonly<Record<Market, GeneratedAccount>>;
  /** Time from a download id to a completed link, ms. */
  readonly delayMs: number;
  /** How long a link works once completed, ms. */
  readonly linkExpiryMs: number;
  /** Download ids per market, kind and calendar month (API and website together). */
  readonly monthlyQuota: number;
  /** Columns and file type of the exports. */
  readonly format: ExportFormat;
  /** The exporter's UTC offset, minutes, for the variants with local times. */
  readonly offsetMinutes: number;
  /** Most rows per file in the zip. */
  readonly partRows: number;
  /** Seeds the download ids. */
  readonly seed: number;
}

interface Task {
  readonly id: string;
  readonly market: Market;
  readonly kind: DownloadKind;
  readonly startTime: number;
  readonly endTime: number;
  readonly readyAt: number;
}

const BUCKET = "bin-prod-user-rebate-bucket";
const DIRECTORY: Record<Market, string> = {
  usdm: "usdt_margined_futures",
  coinm: "coin_margined_futures",
};
const encoder = new TextEncoder();

/** The answer once the monthly quota of a kind is spent (modelled: Binance does not document it). */
export function quotaExhausted(kind: DownloadKind, quota: number): BinanceError {
  const what = kind === "trade" ? "trade history" : "transaction history";
  return new BinanceError(
    400,
    -1003,
    `Too many requests; the download limit of ${quota} per month for futures ${what}, shared ` +
      "with the download page, is reached. Please try again next month.",
  );
}

/** Download ids, their tasks and the zips behind their links. */
export class DownloadDesk {
  readonly #o: DownloadDeskOptions;
  readonly #tasks = new Map<string, Task>();
  readonly #uses = new Map<string, number[]>();
  readonly #zips = new Map<string, Promise<Uint8Array>>();
  readonly #key: Promise<CryptoKey>;
  #next: bigint;
  #failing = 0;
  #failingKind: DownloadKind | undefined;

  /** A desk with no task yet. */
  constructor(options: DownloadDeskOptions) {
    this.#o = options;
    this.#next = 546975389218332672n + BigInt(options.seed) * 1_000_003n;
    this.#key = crypto.subtle.importKey(
      "raw",
      encoder.encode(`fake-s3-${options.seed}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
  }

  /** Download ids still allowed this calendar month for `market` and `kind`. */
  remaining(market: Market, kind: DownloadKind, now: number): number {
    return Math.max(0, this.#o.monthlyQuota - this.#usesThisMonth(market, kind, now).length);
  }

  /** The next `count` fetches of a zip (of `kind` only, if given) answer S3's 503 `SlowDown`. */
  failFetches(count: number, kind?: DownloadKind): void {
    this.#failing = count;
    this.#failingKind = kind;
  }

  /** Spends one of the month's quota as the website's export button does. */
  websiteExport(market: Market, kind: DownloadKind, now: number): void {
    if (this.remaining(market, kind, now) === 0) throw quotaExhausted(kind, this.#o.monthlyQuota);
    this.#usesThisMonth(market, kind, now).push(now);
  }

  /**
   * A new download id for `[startTime, endTime]` (already validated).
   *
   * @throws {BinanceError} once the month's quota is spent.
   */
  request(market: Market, kind: DownloadKind, startTime: number, endTime: number, now: number): {
    avgCostTimestampOfLast30d: number;
    downloadId: string;
  } {
    this.websiteExport(market, kind, now);
    const id = String(this.#next);
    this.#next += 7919n;
    this.#tasks.set(id, { id, market, kind, startTime, endTime, readyAt: now + this.#o.delayMs });
    return { avgCostTimestampOfLast30d: this.#o.delayMs, downloadId: id };
  }

  /**
   * The link answer's JSON for `downloadId`, or `undefined` when no task of this market and kind
   * has it.
   */
  async status(
    market: Market,
    kind: DownloadKind,
    downloadId: string,
    now: number,
    origin: string,
  ): Promise<string | undefined> {
    const task = this.#tasks.get(downloadId);
    if (task === undefined || task.market !== market || task.kind !== kind) return undefined;
    const id = JSON.stringify(task.id);
    if (now < task.readyAt) {
      return `{"downloadId":${id},"status":"processing","url":"","s3Link":null,` +
        `"notified":false,"expirationTimestamp":-1,"isExpired":null}`;
    }
    const expires = task.readyAt + this.#o.linkExpiryMs;
    const url = await this.#link(task, origin);
    return `{"downloadId":${id},"status":"completed","url":${JSON.stringify(url)},` +
      `"s3Link":null,"notified":true,"expirationTimestamp":${expires},` +
      `"isExpired":${now > expires ? "true" : "null"}}`;
  }

  /** The "S3" answer to a GET of a link (`url` under `/s3/`). */
  async object(url: URL, now: number): Promise<Response> {
    const match = new RegExp(`^/s3/${BUCKET}/data-download-task/[a-z_]+/\\d{8}/(\\d+)\\.zip$`)
      .exec(url.pathname);
    const task = match === null ? undefined : this.#tasks.get(at(match, 1));
    if (this.#failing > 0 && (this.#failingKind ?? task?.kind) === task?.kind) {
      this.#failing--;
      return s3Error(503, "SlowDown", "Please reduce your request rate.");
    }
    if (task === undefined || now < task.readyAt) {
      return s3Error(404, "NoSuchKey", "The specified key does not exist.");
    }
    const q = url.searchParams;
    const date = q.get("X-Amz-Date") ?? "";
    const expires = q.get("X-Amz-Expires") ?? "";
    const signature = q.get("X-Amz-Signature") ?? "";
    if (signature !== await this.#sign(url.pathname, date, expires)) {
      return s3Error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. " +
          "Check your key and signing method.",
      );
    }
    const signedAt = Date.parse(
      date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    if (now > signedAt + Number(expires) * 1000) {
      return s3Error(403, "AccessDenied", "Request has expired", {
        "X-Amz-Expires": expires,
        Expires: new Date(signedAt + Number(expires) * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }
    const bytes = await this.#zip(task);
    return new Response(bytes.slice(), {
      status: 200,
      headers: { "content-type": "application/zip", "content-length": String(bytes.length) },
    });
  }

  #usesThisMonth(market: Market, kind: DownloadKind, now: number): number[] {
    const d = new Date(now);
    const key = `${market}|${kind}|${d.getUTCFullYear()}-${d.getUTCMonth()}`;
    let uses = this.#uses.get(key);
    if (uses === undefined) this.#uses.set(key, uses = []);
    return uses;
  }

  async #link(task: Task, origin: string): Promise<string> {
    const day = new Date(task.readyAt).toISOString().slice(0, 10).replaceAll("-", "");
    const path = `/s3/${BUCKET}/data-download-task/${DIRECTORY[task.market]}/${day}/${task.id}.zip`;
    const date = new Date(task.readyAt).toISOString().replace(/[-:]|\.\d{3}/g, "");
    const expires = String(Math.round(this.#o.linkExpiryMs / 1000));
    const query = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Date": date,
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Expires": expires,
      "X-Amz-Credential": `AKIAFAKEEXCHANGE00000/${day}/ap-northeast-1/s3/aws4_request`,
      "X-Amz-Signature": await this.#sign(path, date, expires),
    });
    return `${origin}${path}?${query}`;
  }

  async #sign(path: string, date: string, expires: string): Promise<string> {
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      encoder.encode(`${path}\n${date}\n${expires}`),
    );
    return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  #zip(task: Task): Promise<Uint8Array> {
    let zip = this.#zips.get(task.id);
    if (zip === undefined) {
      zip = this.#build(task);
      this.#zips.set(task.id, zip);
    }
    return zip;
  }

  #build(task: Task): Promise<Uint8Array> {
    const { format, offsetMinutes, partRows } = this.#o;
    const account = this.#o.accounts[task.market];
    const within = (r: { time: number }) => r.time >= task.startTime && r.time <= task.endTime;
    // Newest first, as the exports seen in public importers' test data are.
    const table = task.kind === "trade"
      ? tradeTable(
        account.trades.filter(within).sort((a, b) => b.time - a.time || compareDigits(b.id, a.id)),
        format.trades,
        task.market,
        offsetMinutes,
      )
      : incomeTable(
        account.incomeRows(task.startTime).filter(within).sort((a, b) => compareIncome(b, a)),
        format.income,
        offsetMinutes,
      );
    return exportZip(table, {
      kind: task.kind,
      market: task.market,
      file: format.file,
      madeAt: task.readyAt,
      // The name carries the exporter's zone even when the header says UTC, which wins.
      offsetMinutes,
      partRows,
    });
  }
}

function s3Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${v}</${k}>`).join("");
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
    `<Message>${message}</Message>${fields}<RequestId>FAKE${status}</RequestId>` +
    `<HostId>fake-exchange</HostId></Error>`;
  return new Response(body, { status, headers: { "content-type": "application/xml" } });
}
