/**
 * The rows the fake exchange serves — `userTrades` and `income` — and their JSON text, written by
 * hand so that ids leave as raw JSON integers that never pass through a JS number.
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { Market, PositionSide, Side } from "../../src/fill.ts";

/**
 * One `userTrades` row, in Binance's field order; ids kept as digit strings. USD-M rows carry
 * `quoteQty`; COIN-M rows carry `pair` and `baseQty` instead.
 */
export type TradeRow = {
  readonly symbol: string;
  readonly id: string;
  readonly orderId: string;
  readonly pair?: string;
  readonly side: Side;
  readonly price: string;
  readonly qty: string;
  readonly realizedPnl: string;
  readonly marginAsset: string;
  readonly quoteQty?: string;
  readonly baseQty?: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly time: number;
  readonly positionSide: PositionSide;
  readonly buyer: boolean;
  readonly maker: boolean;
};

/** One `income` row; `tranId` is a digit string that may exceed 2^53. */
export type IncomeRow = {
  readonly symbol: string;
  readonly incomeType: string;
  readonly income: string;
  readonly asset: string;
  readonly info: string;
  readonly time: number;
  readonly tranId: string;
  readonly tradeId: string;
};

const q = JSON.stringify;

/**
 * A trade row as Binance writes it. USD-M field order follows a real response (`marginAsset`
 * included although the doc example omits it); COIN-M follows the COIN-M doc example.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Account-Trade-List
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Account-Trade-List
 */
export function tradeJson(r: TradeRow, market: Market): string {
  if (market === "coinm") {
    return `{"symbol":${q(r.symbol)},"id":${r.id},"orderId":${r.orderId},"pair":${q(r.pair)},` +
      `"side":"${r.side}","price":"${r.price}","qty":"${r.qty}","realizedPnl":"${r.realizedPnl}",` +
      `"marginAsset":${q(r.marginAsset)},"baseQty":"${r.baseQty}","commission":"${r.commission}",` +
      `"commissionAsset":${q(r.commissionAsset)},"time":${r.time},` +
      `"positionSide":"${r.positionSide}","buyer":${r.buyer},"maker":${r.maker}}`;
  }
  return `{"symbol":${q(r.symbol)},"id":${r.id},"orderId":${r.orderId},"side":"${r.side}",` +
    `"price":"${r.price}","qty":"${r.qty}","realizedPnl":"${r.realizedPnl}",` +
    `"marginAsset":${q(r.marginAsset)},"quoteQty":"${r.quoteQty}",` +
    `"commission":"${r.commission}","commissionAsset":${q(r.commissionAsset)},` +
    `"time":${r.time},"buyer":${r.buyer},"maker":${r.maker},"positionSide":"${r.positionSide}"}`;
}

/**
 * An income row. USD-M writes `tranId` as a bare integer (it can exceed 2^53); the COIN-M doc
 * shows it quoted, so COIN-M writes a string.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History
 */
export function incomeJson(r: IncomeRow, market: Market): string {
  const tranId = market === "coinm" ? `"${r.tranId}"` : r.tranId;
  return `{"symbol":${q(r.symbol)},"incomeType":"${r.incomeType}","income":"${r.income}",` +
    `"asset":${q(r.asset)},"info":${q(r.info)},"time":${r.time},"tranId":${tranId},` +
    `"tradeId":"${r.tradeId}"}`;
}

/** `[a,b,c]` from already-serialized JSON values. */
export function jsonArray(items: readonly string[]): string {
  return `[${items.join(",")}]`;
}

/** `d` rounded half-even to exactly `places` decimals, zeros kept: Binance's fixed format. */
export function fixed(d: Decimal, places: number): string {
  if (d.s > places) return d.round(places).toString();
  return d.s === places ? d.toString() : d.plus(new Decimal(0, places)).toString();
}

/** An integer count of `10^-decimals` units as a decimal (`units(123, 2)` = 1.23). */
export function units(count: number, decimals: number): Decimal {
  return new Decimal(count, decimals);
}

/** Orders digit-string ids numerically (shorter is smaller; no leading zeros). */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
