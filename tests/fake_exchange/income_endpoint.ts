/**
 * `GET /fapi/v1/income` and `GET /dapi/v1/income`: the account's money movements, oldest first.
 *
 * Rules (https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History):
 * - weight 30 (USD-M), 20 (COIN-M); `limit` default 100, max 1000; `page` is refused (-1106):
 *   Binance stopped accepting it on 2026-10-16, paging is by time only
 *   (https://github.com/sieblyio/binance/releases/tag/v3.6.8, the endpoint page no longer lists it);
 * - `startTime`/`endTime` inclusive; neither sent: the last 7 days;
 * - USD-M keeps only the last 3 months (`tradeRetentionMonths`, as for fills; older income only
 *   through the bulk download); COIN-M: `endTime − startTime` at most 1 year;
 * - `tranId` is unique only within an income type; `tradeId` on COMMISSION and REALIZED_PNL.
 *
 * @module
 */

import { at } from "../support/indexed.ts";
import type { GeneratedAccount } from "./account.ts";
import { monthsBefore } from "./account.ts";
import type { Endpoint, EndpointContext } from "./endpoint.ts";
import { BinanceError, invalidSymbol, invalidValue } from "./errors.ts";
import { firstAtOrAfter } from "./income.ts";
import { incomeJson, type IncomeRow, jsonArray } from "./rows.ts";
import { WEEK_MS } from "./trade_endpoints.ts";

/** USD-M's income types (the USD-M page lists 22). */
const INCOME_TYPES = new Set([
  "TRANSFER",
  "WELCOME_BONUS",
  "REALIZED_PNL",
  "FUNDING_FEE",
  "COMMISSION",
  "INSURANCE_CLEAR",
  "REFERRAL_KICKBACK",
  "COMMISSION_REBATE",
  "API_REBATE",
  "CONTEST_REWARD",
  "CROSS_COLLATERAL_TRANSFER",
  "OPTIONS_PREMIUM_FEE",
  "OPTIONS_SETTLE_PROFIT",
  "INTERNAL_TRANSFER",
  "AUTO_EXCHANGE",
  "DELIVERED_SETTELMENT",
  "COIN_SWAP_DEPOSIT",
  "COIN_SWAP_WITHDRAW",
  "POSITION_LIMIT_INCREASE_FEE",
  "STRATEGY_UMFUTURES_TRANSFER",
  "FEE_RETURN",
  "BFUSD_REWARD",
]);
/**
 * COIN-M's: its page lists 7 (https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History);
 * another is refused as an invalid value (-1130), as USD-M refuses one it does not list.
 */
const COINM_INCOME_TYPES = new Set([
  "TRANSFER",
  "WELCOME_BONUS",
  "FUNDING_FEE",
  "REALIZED_PNL",
  "COMMISSION",
  "INSURANCE_CLEAR",
  "DELIVERED_SETTELMENT",
]);
const YEAR_MS = 365 * 86_400_000;
const DAY_MS = 86_400_000;

/** `GET /v1/income`; `weight` is 30 on USD-M and 20 on COIN-M. */
export function incomeEndpoint(weight: number): Endpoint {
  return { signed: true, weight: () => weight, handle: incomeHandler };
}

const cache = new WeakMap<
  GeneratedAccount,
  { version: number; since: number; rows: IncomeRow[] }
>();

/** The account's income rows at or after `since`, built once per version of the account. */
function rowsSince(account: GeneratedAccount, since: number): IncomeRow[] {
  const hit = cache.get(account);
  if (hit !== undefined && hit.version === account.version && hit.since <= since) return hit.rows;
  const start = Math.floor(since / DAY_MS) * DAY_MS;
  const rows = account.incomeRows(start);
  cache.set(account, { version: account.version, since: start, rows });
  return rows;
}

function incomeHandler(ctx: EndpointContext): string {
  const { params: p, account, market, now } = ctx;
  const symbol = p.text("symbol");
  if (symbol !== undefined && account.spec(symbol) === undefined) throw invalidSymbol();
  const incomeType = p.text("incomeType");
  const types = market === "coinm" ? COINM_INCOME_TYPES : INCOME_TYPES;
  if (incomeType !== undefined && !types.has(incomeType)) throw invalidValue("incomeType");
  const limit = p.int("limit") ?? 100;
  if (limit < 1 || limit > 1000) throw invalidValue("limit");
  if (p.text("page") !== undefined) {
    throw new BinanceError(400, -1106, "Parameter 'page' sent when not required.");
  }
  const startTime = p.long("startTime");
  const endTime = p.long("endTime");
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BinanceError(400, -1023, "Start time is greater than end time.");
  }
  if (market === "coinm" && startTime !== undefined && endTime !== undefined) {
    if (endTime - startTime > YEAR_MS) throw new BinanceError(400, -4165, "Invalid time interval.");
  }
  const both = startTime === undefined && endTime === undefined;
  const oldest = market === "usdm" ? monthsBefore(now, ctx.tradeRetentionMonths) : 0;
  const from = Math.max(oldest, both ? now - WEEK_MS : startTime ?? 0);
  const to = both ? now : endTime ?? now;
  const rows = rowsSince(account, oldest);
  const matching: IncomeRow[] = [];
  for (let i = firstAtOrAfter(rows, from); i < rows.length && matching.length < limit; i++) {
    const r = at(rows, i);
    if (r.time > to) break;
    if (symbol !== undefined && r.symbol !== symbol) continue;
    if (incomeType !== undefined && r.incomeType !== incomeType) continue;
    matching.push(r);
  }
  return jsonArray(matching.map((r) => incomeJson(r, market)));
}
