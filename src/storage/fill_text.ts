/**
 * What the readers of fills files share: the patterns of symbols and assets, one copy of each
 * repeated text, and margin assets told from symbols.
 *
 * @module
 */

import { copyRange, rangeIs } from "../csv/row_view.ts";

import { inferMarginAsset, type Market } from "../fill.ts";

const SYMBOL_SLOTS = 256;
const WORD_SLOTS = 64;

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
 * file has few assets and income types. One per reading of a file, shared by its two row readers.
 */
export class RecentTexts {
  /** The last symbol read. */
  symbol = "";
  /** The last price read. */
  price = "";
  /** The last zero P&L read (`0`, `0.00000000`...). */
  zero = "0";

  // Symbols and words seen, by a hash of their characters: a file's rows cycle through a few of
  // each, each found again by one comparison in place instead of a copy and a lookup.
  readonly #symbols: string[] = new Array(SYMBOL_SLOTS).fill("");
  readonly #words: string[] = new Array(WORD_SLOTS).fill("");

  /** The symbol `text[from, to)` (checked by the caller), as its shared copy. */
  symbolAt(text: string, from: number, to: number): string {
    const slot = slotOf(text, from, to, SYMBOL_SLOTS);
    const known = this.#symbols[slot];
    if (rangeIs(text, from, to, known)) return known;
    return this.#symbols[slot] = intern(copyRange(text, from, to));
  }

  /**
   * The word `text[from, to)` if it was remembered and not pushed out since by another of the
   * same slot: the few words that recur, an asset (`USDT`), an income type (`COMMISSION`).
   */
  knownWord(text: string, from: number, to: number): string | undefined {
    const known = this.#words[slotOf(text, from, to, WORD_SLOTS)];
    return to > from && rangeIs(text, from, to, known) ? known : undefined; // (empty slots: "")
  }

  /** The word `text[from, to)` (checked by the caller), as its shared copy. */
  wordAt(text: string, from: number, to: number): string {
    return this.knownWord(text, from, to) ?? this.rememberWord(copyRange(text, from, to));
  }

  /** Remembers a new word (checked by the caller); returns its shared copy. */
  rememberWord(text: string): string {
    return this.#words[slotOf(text, 0, text.length, WORD_SLOTS)] = intern(text);
  }
}

/** The slot of `text[from, to)` in a table of `slots` (a power of 2), by a hash of its characters. */
function slotOf(text: string, from: number, to: number, slots: number): number {
  let hash = 0;
  for (let i = from; i < to; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return (hash ^ (hash >>> 8)) & (slots - 1);
}
