/**
 * What the readers of fills files share: the patterns of symbols and assets, one copy of each
 * repeated text, and margin assets told from symbols.
 *
 * @module
 */

import { inferMarginAsset, type Market } from "../fill.ts";

/** A contract symbol as Binance writes them (`BTCUSDT`, `BTCUSD_PERP`, `1000PEPEUSDT`). */
export const SYMBOL: RegExp = /^[A-Z0-9_]{1,40}$/;

/** An asset (`USDT`, `BNB`). */
export const ASSET: RegExp = /^[A-Z0-9]{1,20}$/;

const interned = new Map<string, string>();

/** One shared copy per distinct text: a million rows of `BTCUSDT` cost one string. */
export function intern(text: string): string {
  let shared = interned.get(text);
  if (shared === undefined) interned.set(text, shared = text);
  return shared;
}

const marginAssets = { usdm: new Map<string, string>(), coinm: new Map<string, string>() };

/** The margin asset of a symbol when the row does not say (`inferMarginAsset`, remembered). */
export function defaultMarginAsset(symbol: string, market: Market): string {
  let asset = marginAssets[market].get(symbol);
  if (asset === undefined) {
    marginAssets[market].set(symbol, asset = inferMarginAsset(symbol, market));
  }
  return asset;
}
