/**
 * The fake exchange's contracts: listed symbols with realistic tick and step sizes, and symbols
 * delisted since (which keep their trade history but vanish from `exchangeInfo`, as on Binance).
 * COIN-M's first delisted contract is a BTCUSD quarterly delivered mid-history: the same pair as
 * BTCUSD_PERP, no funding. The trader closes it by trade before delivery, unless the account is
 * generated with `holdIntoDelivery`: then a position still held is closed by the delivery, with a
 * DELIVERED_SETTELMENT income record (`SymbolTrader.deliver`).
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { at } from "../support/indexed.ts";
import { Prng } from "./prng.ts";

/** One contract, listed or delisted. */
export interface SymbolSpec {
  /** Position in the catalog; stable for a seed. */
  readonly index: number;
  /** `BTCUSDT`, `1000PEPEUSDT`, `BTCUSD_PERP`. */
  readonly symbol: string;
  /** `BTCUSDT`, or `BTCUSD` for COIN-M. */
  readonly pair: string;
  /** `PERPETUAL`, or `CURRENT_QUARTER` for a quarterly (delivered at its `delistTime`). */
  readonly contractType: "PERPETUAL" | "CURRENT_QUARTER";
  /** Base asset (`BTC`, `1000PEPE`). */
  readonly baseAsset: string;
  /** Quote asset (`USDT`, `USD`). */
  readonly quoteAsset: string;
  /** Margin asset: the quote stablecoin (USD-M) or the base coin (COIN-M). */
  readonly marginAsset: string;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Decimals of the tick size (price precision). */
  readonly priceDecimals: number;
  /** Decimals of the step size (quantity precision). */
  readonly qtyDecimals: number;
  /** Typical price, a float used only to shape the price path. */
  readonly basePrice: number;
  /** COIN-M: USD value of one contract; USD-M: 1. */
  readonly contractSize: number;
  /** Typical order size in steps. */
  readonly lotSteps: number;
  /** Listing time, ms. */
  readonly onboardDate: number;
  /** Delisting time, ms; `undefined` while listed. */
  readonly delistTime: number | undefined;
}

/** Real-looking contracts, first in every catalog: [base, price, price decimals, qty decimals]. */
const KNOWN_USDM: readonly [string, number, number, number][] = [
  ["BTC", 64250, 1, 3],
  ["ETH", 3120, 2, 3],
  ["1000PEPE", 0.0099139, 7, 0],
  ["BNB", 585, 2, 2],
  ["SOL", 148, 2, 0],
  ["XRP", 0.5821, 4, 1],
  ["DOGE", 0.12418, 5, 0],
];

const KNOWN_COINM: readonly [string, number, number, number][] = [
  ["BTC", 64250, 1, 0],
  ["ETH", 3120, 2, 0],
  ["BNB", 585, 3, 0],
  ["SOL", 148, 3, 0],
  ["XRP", 0.5821, 4, 0],
];

const DAY_MS = 86_400_000;

/** Options that shape a catalog. */
export interface CatalogOptions {
  /** Seed of the whole account. */
  readonly seed: number;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Number of listed symbols. */
  readonly listed: number;
  /** Start of the traded history, ms. */
  readonly start: number;
  /** End of the traded history, ms. */
  readonly end: number;
  /** USD-M: `币安人生USDT` in place of `1000PEPEUSDT` (see `AccountOptions`). */
  readonly unicodeSymbol?: boolean;
}

/** Builds the listed symbols followed by the delisted ones (about one for every ten listed). */
export function buildCatalog(options: CatalogOptions): SymbolSpec[] {
  const { market, start, end } = options;
  const rng = new Prng(options.seed, 101);
  const known = market === "usdm" ? KNOWN_USDM : KNOWN_COINM;
  const listed = Math.max(options.listed, known.length);
  const delisted = Math.max(2, Math.round(listed / 10));
  const used = new Set(known.map(([base]) => base));
  const specs: SymbolSpec[] = [];
  for (let i = 0; i < listed + delisted; i++) {
    let base: string;
    let price: number;
    const quarterly = market === "coinm" && i === listed;
    if (i < known.length) {
      [base, price] = at(known, i);
      if (base === "1000PEPE" && options.unicodeSymbol) base = "币安人生";
    } else if (quarterly) {
      [base, price] = at(known, 0);
    } else {
      do {
        base = Array.from({ length: rng.int(3, 5) }, () => String.fromCharCode(rng.int(65, 90)))
          .join("");
      } while (used.has(base));
      used.add(base);
      price = 10 ** (rng.next() * 6 - 3);
    }
    const like = quarterly ? known[0] : known[i];
    const priceDecimals = like !== undefined ? like[2] : decimalsFor(price * 2e-5);
    const contractSize = market === "coinm" ? (base === "BTC" ? 100 : 10) : 1;
    const qtyDecimals = like !== undefined
      ? like[3]
      : market === "coinm"
      ? 0
      : Math.max(0, decimalsFor(2 / price));
    const stepValue = market === "coinm" ? contractSize : price * 10 ** -qtyDecimals;
    const isDelisted = i >= listed;
    const span = end - start;
    // Drawn in this order (lot, listing, delisting) so a seed keeps giving the same catalog.
    const lotSteps = Math.max(1, Math.round(rng.int(200, 5000) / stepValue));
    const onboardDate = start - rng.int(30, 900) * DAY_MS;
    let delistTime = isDelisted ? Math.round(start + span * (0.3 + 0.6 * rng.next())) : undefined;
    if (quarterly) delistTime = deliveryBefore(start + span * 0.6);
    specs.push({
      index: i,
      symbol: market === "usdm"
        ? `${base}USDT`
        : quarterly
        ? `${base}USD_${yymmdd(delistTime!)}`
        : `${base}USD_PERP`,
      pair: market === "usdm" ? `${base}USDT` : `${base}USD`,
      contractType: quarterly ? "CURRENT_QUARTER" : "PERPETUAL",
      baseAsset: base,
      quoteAsset: market === "usdm" ? "USDT" : "USD",
      marginAsset: market === "usdm" ? "USDT" : base,
      market,
      priceDecimals,
      qtyDecimals,
      basePrice: price,
      contractSize,
      lotSteps,
      onboardDate,
      delistTime,
    });
  }
  return specs;
}

/** Delivery time of a quarterly: 08:00 UTC of the last Friday at or before `time`. */
function deliveryBefore(time: number): number {
  const day = new Date(Math.floor(time / DAY_MS) * DAY_MS);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 2) % 7)); // back to a Friday
  return day.getTime() + 8 * 3_600_000;
}

/** `260327` for 27 March 2026. */
function yymmdd(time: number): string {
  return new Date(time).toISOString().slice(2, 10).replaceAll("-", "");
}

/** Decimals needed so that one unit of the last place is at most `unit` (0 to 8). */
function decimalsFor(unit: number): number {
  return Math.min(8, Math.max(0, Math.ceil(-Math.log10(unit))));
}
