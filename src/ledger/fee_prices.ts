/**
 * Converting a fee charged in another asset (BNB with the fee discount on) into the margin asset.
 *
 * Rule: a fill's fee of `commission` in `asset` is worth `commission × price` in the margin asset,
 * exactly (no rounding), where `price` is the **open** of the 1-minute kline of `asset` +
 * `marginAsset` (`BNBUSDT`) on USDⓈ-M (`/fapi/v1/klines`) whose minute holds the fill's time.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Kline-Candlestick-Data
 *
 * Why the open: it is final from the first millisecond of the minute, so a fee can be converted
 * right after the fill and its conversion never changes; the close of a minute that has not ended
 * is only the latest price (the kline page says so) and would change. Binance does not publish
 * the price it used to charge the fee, so any minute price is an approximation of it.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { LedgerFill } from "../fill.ts";

/** Prices of fee assets in margin assets, by minute. */
export interface FeePrices {
  /** The price of one `asset` in `marginAsset` for a fill at `time` (ms), or `undefined`. */
  priceOf(asset: string, marginAsset: string, time: number): Decimal | undefined;
}

const MINUTE_MS = 60_000;

/** The kline symbol that prices `asset` in `marginAsset`: BNB in USDT → `BNBUSDT`. */
export function priceSymbol(asset: string, marginAsset: string): string {
  return asset + marginAsset;
}

/** The open time of the minute holding `time`, ms. */
export function minuteOf(time: number): number {
  return Math.floor(time / MINUTE_MS) * MINUTE_MS;
}

/** {@linkcode FeePrices} over a table of kline opens: `symbol` and minute → price. */
export class PriceTable implements FeePrices {
  /** By kline symbol, then minute. */
  readonly #prices = new Map<string, Map<number, Decimal>>();
  // The last pair asked for and its minutes: a ledger asks for one pair (BNB in USDT) over and over.
  #asset = "";
  #marginAsset = "";
  #minutes: Map<number, Decimal> | undefined;

  /** Adds the open of `symbol`'s kline of the minute starting at `minute`. */
  set(symbol: string, minute: number, open: Decimal): void {
    let minutes = this.#prices.get(symbol);
    if (minutes === undefined) {
      this.#prices.set(symbol, minutes = new Map());
      this.#asset = this.#marginAsset = ""; // the last pair may have had no minutes before
    }
    minutes.set(minute, open);
  }

  /** See {@linkcode FeePrices.priceOf}. */
  priceOf(asset: string, marginAsset: string, time: number): Decimal | undefined {
    if (asset !== this.#asset || marginAsset !== this.#marginAsset) {
      this.#minutes = this.#prices.get(priceSymbol(asset, marginAsset));
      this.#asset = asset;
      this.#marginAsset = marginAsset;
    }
    return this.#minutes?.get(minuteOf(time));
  }
}

/** One fill's fee in another asset and what it is worth in the margin asset. */
export interface FeeConversion {
  /** The fill. */
  readonly fill: LedgerFill;
  /** The kline symbol priced (`BNBUSDT`). */
  readonly priceSymbol: string;
  /** Open time of the minute priced, ms. */
  readonly minute: number;
  /** The price used; `undefined` when none is known. */
  readonly price: Decimal | undefined;
  /** `commission × price`, exactly; `undefined` without a price. */
  readonly converted: Decimal | undefined;
}

/** Whether a fill's fee is charged in another asset than its margin asset (and is not zero). */
export function needsConversion(fill: LedgerFill): boolean {
  return fill.commissionAsset !== fill.marginAsset && /[1-9]/.test(fill.commission);
}

/** The conversion of a fill's fee, if it is in another asset (see {@linkcode needsConversion}). */
export function feeConversion(fill: LedgerFill, prices: FeePrices): FeeConversion | undefined {
  if (!needsConversion(fill)) return undefined;
  const price = prices.priceOf(fill.commissionAsset, fill.marginAsset, fill.time);
  return {
    fill,
    priceSymbol: priceSymbol(fill.commissionAsset, fill.marginAsset),
    minute: minuteOf(fill.time),
    price,
    converted: price === undefined ? undefined : Decimal.parse(fill.commission).times(price),
  };
}
