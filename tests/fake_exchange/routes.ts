/**
 * The route table: which endpoints exist under `/fapi` (USD-M) and `/dapi` (COIN-M), with the
 * weights each market documents.
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Account-Trade-List
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { downloadEndpoint } from "./download_endpoints.ts";
import type { Endpoint } from "./endpoint.ts";
import { incomeEndpoint } from "./income_endpoint.ts";
import { exchangeInfo, klines, serverTime } from "./market_endpoints.ts";
import { accountInfo, positionMode, positionRisk } from "./position_endpoints.ts";
import { userTrades, userTradesUsdm } from "./trade_endpoints.ts";

const ROUTES: Record<string, Endpoint> = {
  "/fapi/v1/time": serverTime,
  "/fapi/v1/exchangeInfo": exchangeInfo,
  "/fapi/v1/klines": klines,
  "/fapi/v1/userTrades": userTradesUsdm,
  "/fapi/v1/income": incomeEndpoint(30),
  "/fapi/v2/positionRisk": positionRisk("v2"),
  "/fapi/v3/positionRisk": positionRisk("v3"),
  "/fapi/v2/account": accountInfo("v2"),
  "/fapi/v3/account": accountInfo("v3"),
  "/fapi/v1/positionSide/dual": positionMode,
  "/dapi/v1/time": serverTime,
  "/dapi/v1/exchangeInfo": exchangeInfo,
  "/dapi/v1/klines": klines,
  "/dapi/v1/userTrades": userTrades,
  "/dapi/v1/income": incomeEndpoint(20),
  "/dapi/v1/positionRisk": positionRisk("dapi"),
  "/dapi/v1/account": accountInfo("dapi"),
  "/dapi/v1/positionSide/dual": positionMode,
};

/**
 * The endpoint serving `path` and its market, or `undefined` for an unknown path;
 * `downloadIdWeight` overrides the documented weight of the download-id endpoints.
 */
export function route(
  path: string,
  downloadIdWeight?: number,
): { endpoint: Endpoint; market: Market } | undefined {
  const endpoint = ROUTES[path] ?? downloadEndpoint(path, downloadIdWeight);
  if (endpoint === undefined) return undefined;
  return { endpoint, market: path.startsWith("/dapi/") ? "coinm" : "usdm" };
}
