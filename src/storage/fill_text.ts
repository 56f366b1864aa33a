/**
 * What the readers of fills files share: the patterns of symbols and assets, and a reading's
 * memory of its texts ({@linkcode RecentTexts}): one copy of each repeated text, and margin assets
 * told from symbols. Nothing is kept between readings: each reading of a file makes its own.
 *
 * @module
 */

import { copyRange, rangeIs } from "../csv/row_view.ts";

import { inferMarginAsset, type Market } from "../fill.ts";

const SYMBOL_SLOTS = 256;
const WORD_SLOTS = 64;

/** An asset (`USDT`, `BNB`). */
export const ASSET: RegExp = /^[A-Z0-9]{1,20}$/;

/**
 * The texts of the rows a reader read just before, compared in place before anything is copied:
 * rows of one order share their symbol and often their price; opening fills share a zero P&L; a
 * file has few assets and income types. One per reading of a file, shared by its two row readers;
 * what it remembers goes with it.
 */
export class RecentTexts {
  /** The last symbol read. */
  symbol = "";
  /** The last price read. */
  price = "";
  /** The last zero P&L read (`0`, `0.00000000`...). */
  zero = "0";

  // Symbols and words seen, by a hash of their characters: a file's rows cycle through a few of
  // each, each found again by one comparison in place instead of a copy and a lookup. Every slot
  // holds a string (filled with "" here), and `slotOf` masks its hash under the table's length:
  // the `as string` casts below only say so to the type checker (noUncheckedIndexedAccess).
  readonly #symbols: string[] = new Array(SYMBOL_SLOTS).fill("");
  readonly #words: string[] = new Array(WORD_SLOTS).fill("");
  #lastWord = "";
  // Every distinct text this reading shared, and each symbol's margin asset when a row leaves it
  // out: a file holds few of either.
  readonly #shared = new Map<string, string>();
  readonly #marginAssets = { usdm: new Map<string, string>(), coinm: new Map<string, string>() };

  /** One shared copy per distinct text: a million rows of `BTCUSDT` cost one string. */
  intern(text: string): string {
    let shared = this.#shared.get(text);
    if (shared === undefined) this.#shared.set(text, shared = text);
    return shared;
  }

  /** The margin asset of a symbol when the row does not say (`inferMarginAsset`, remembered). */
  marginAssetOf(symbol: string, market: Market): string {
    const known = this.#marginAssets[market];
    let asset = known.get(symbol);
    if (asset === undefined) known.set(symbol, asset = inferMarginAsset(symbol, market));
    return asset;
  }

  /** The symbol `text[from, to)` (checked by the caller), as its shared copy. */
  symbolAt(text: string, from: number, to: number): string {
    const slot = slotOf(text, from, to, SYMBOL_SLOTS);
    const known = this.#symbols[slot] as string;
    if (rangeIs(text, from, to, known)) return known;
    return this.#symbols[slot] = this.intern(copyRange(text, from, to));
  }

  /**
   * The word `text[from, to)` if it was remembered and not pushed out since by another of the
   * same slot: the few words that recur, an asset (`USDT`), an income type (`COMMISSION`).
   */
  knownWord(text: string, from: number, to: number): string | undefined {
    const known = this.#words[slotOf(text, from, to, WORD_SLOTS)] as string;
    return to > from && rangeIs(text, from, to, known) ? known : undefined; // (empty slots: "")
  }

  /**
   * The word `text[from, to)` (checked by the caller), as its shared copy: the word asked for last
   * is compared first (rows repeat their assets), before any hashing.
   */
  wordAt(text: string, from: number, to: number): string {
    const last = this.#lastWord;
    if (rangeIs(text, from, to, last)) return last;
    return this.#lastWord = this.knownWord(text, from, to) ??
      this.rememberWord(copyRange(text, from, to));
  }

  /** Remembers a new word (checked by the caller); returns its shared copy. */
  rememberWord(text: string): string {
    return this.#words[slotOf(text, 0, text.length, WORD_SLOTS)] = this.intern(text);
  }
}

/** The slot of `text[from, to)` in a table of `slots` (a power of 2), by a hash of its characters. */
function slotOf(text: string, from: number, to: number, slots: number): number {
  let hash = 0;
  for (let i = from; i < to; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return (hash ^ (hash >>> 8)) & (slots - 1);
}
