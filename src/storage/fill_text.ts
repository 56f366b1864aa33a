/**
 * What the readers of fills files share: the patterns of symbols and assets, one copy of each
 * repeated text, and margin assets told from symbols.
 *
 * @module
 */

import { copyRange, rangeIs } from "../csv/row_view.ts";

const SYMBOL_SLOTS = 256;
import { inferMarginAsset, type Market } from "../fill.ts";

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

/**
 * The texts of the rows a reader read just before, compared in place before anything is copied:
 * rows of one order share their symbol and often their price; opening fills share a zero P&L; a
 * file has few assets. One per reading of a file, shared by its two row readers.
 */
export class RecentTexts {
  /** The last symbol read. */
  symbol = "";
  /** The last price read. */
  price = "";
  /** The last zero P&L read (`0`, `0.00000000`...). */
  zero = "0";
  #assets: string[] = [];

  // Symbols seen, by a hash of their characters: a file's rows cycle through a
  // few symbols, each found again by one comparison in place instead of a copy and a lookup.
  readonly #symbols: string[] = new Array(SYMBOL_SLOTS).fill("");

  /** The symbol `text[from, to)` (checked by the caller), as its shared copy. */
  symbolAt(text: string, from: number, to: number): string {
    let hash = 0;
    for (let i = from; i < to; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
    const slot = (hash ^ (hash >>> 8)) & (SYMBOL_SLOTS - 1);
    const known = this.#symbols[slot];
    if (rangeIs(text, from, to, known)) return known;
    return this.#symbols[slot] = intern(copyRange(text, from, to));
  }

  /** The asset `text[from, to)` if it is one of the last eight seen. */
  knownAsset(text: string, from: number, to: number): string | undefined {
    for (const known of this.#assets) if (rangeIs(text, from, to, known)) return known;
    return undefined;
  }

  /** Remembers a new asset (checked by the caller); returns its shared copy. */
  rememberAsset(text: string): string {
    const shared = intern(text);
    this.#assets = [shared, ...this.#assets.slice(0, 7)];
    return shared;
  }
}
