/**
 * The asynchronous history download endpoints, USD-M and COIN-M:
 *
 * | path | weight |
 * | --- | --- |
 * | `GET /fapi/v1/trade/asyn`, `/fapi/v1/income/asyn` | 1000 (`downloadIdWeight`) |
 * | `GET /fapi/v1/trade/asyn/id`, `/fapi/v1/income/asyn/id` | 10 |
 * | `GET /dapi/v1/trade/asyn`, `/dapi/v1/income/asyn` | 5 (`downloadIdWeight` when set) |
 * | `GET /dapi/v1/trade/asyn/id`, `/dapi/v1/income/asyn/id` | 5 |
 *
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Download-Id-For-Futures-Trade-History
 * (weight 1000; older copies of the page say 5),
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Futures-Trade-Download-Link-by-Id,
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Download-Id-For-Futures-Transaction-History,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Download-Id-For-Futures-Trade-History,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Futures-Trade-Download-Link-by-Id,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Futures-Transaction-History-Download-Link-by-Id.
 *
 * All are SIGNED (USER_DATA). `startTime` and `endTime` are mandatory LONGs (-1102 missing, -1100
 * not digits), start after end is -1023, and "the time between startTime and endTime can not be
 * longer than 1 year": over 365 days is refused with -4165 "Invalid time interval." (the code
 * Binance uses for its other window limits; the exact answer here is not documented). An unknown
 * `downloadId` is -1130 for its parameter (not documented either).
 *
 * @module
 */

import type { DownloadKind } from "./download_desk.ts";
import type { Endpoint, EndpointContext } from "./endpoint.ts";
import { BinanceError, invalidValue, mandatory } from "./errors.ts";

/** The longest range of one download: a year of 365 days. */
export const DOWNLOAD_RANGE_MS = 365 * 86_400_000;

/** The download-id weight on USD-M's current doc pages. */
export const USDM_DOWNLOAD_ID_WEIGHT = 1000;

/** The download-id weight on COIN-M's doc pages. */
export const COINM_DOWNLOAD_ID_WEIGHT = 5;

const PATH = /^\/(fapi|dapi)\/v1\/(trade|income)\/asyn(\/id)?$/;

/**
 * The download endpoint at `path`, or `undefined` for another path; `downloadIdWeight`
 * overrides the documented download-id weight of both markets.
 */
export function downloadEndpoint(path: string, downloadIdWeight?: number): Endpoint | undefined {
  const match = PATH.exec(path);
  if (match === null) return undefined;
  const [, api, kindWord, link] = match;
  const kind: DownloadKind = kindWord === "trade" ? "trade" : "income";
  const usdm = api === "fapi";
  if (link !== undefined) {
    const weight = usdm ? 10 : 5;
    return { signed: true, weight: () => weight, handle: (ctx) => linkHandler(ctx, kind) };
  }
  const weight = downloadIdWeight ?? (usdm ? USDM_DOWNLOAD_ID_WEIGHT : COINM_DOWNLOAD_ID_WEIGHT);
  return { signed: true, weight: () => weight, handle: (ctx) => idHandler(ctx, kind) };
}

function idHandler(ctx: EndpointContext, kind: DownloadKind): string {
  const { params: p } = ctx;
  const startTime = p.long("startTime");
  if (startTime === undefined) throw mandatory("startTime");
  const endTime = p.long("endTime");
  if (endTime === undefined) throw mandatory("endTime");
  if (startTime > endTime) {
    throw new BinanceError(400, -1023, "Start time is greater than end time.");
  }
  if (endTime - startTime > DOWNLOAD_RANGE_MS) {
    throw new BinanceError(400, -4165, "Invalid time interval.");
  }
  const answer = ctx.downloads.request(ctx.market, kind, startTime, endTime, ctx.now);
  return `{"avgCostTimestampOfLast30d":${answer.avgCostTimestampOfLast30d},` +
    `"downloadId":${JSON.stringify(answer.downloadId)}}`;
}

async function linkHandler(ctx: EndpointContext, kind: DownloadKind): Promise<string> {
  const downloadId = ctx.params.required("downloadId");
  const body = await ctx.downloads.status(ctx.market, kind, downloadId, ctx.now, ctx.origin);
  if (body === undefined) throw invalidValue("downloadId");
  return body;
}
