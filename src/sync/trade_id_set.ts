/**
 * The trade ids of one symbol's fills, in about 3 bytes each: what the scan of a long history
 * holds to tell which trade-linked income records lack their fill.
 *
 * A symbol's ids grow with time, and the fills file is in time order, so its ids come in
 * increasing order: each is kept as its difference from the one before, in 7-bit groups (a
 * varint), with every 256th id also kept whole, with where it is, to start a search from. The few
 * ids that come out of order are kept in a set; ids beyond 2^53 − 1 as text.
 *
 * @example
 * ```ts
 * import { TradeIdSet } from "./trade_id_set.ts";
 * const ids = new TradeIdSet();
 * for (const id of ["1005", "1016", "1020", "1010", "90071992547409930"]) ids.add(id);
 * // 1005, 1016 and 1020 as 1005, +11, +4; 1010 (out of order) and the large id on the side.
 * if (!ids.has("1016") || !ids.has("1010") || !ids.has("90071992547409930")) throw new Error();
 * if (ids.has("1015") || ids.has("1021") || ids.has("abc")) throw new Error();
 * ```
 *
 * @module
 */

/** Ids between two whole ids kept (a search reads at most this many differences). */
const STRIDE = 256;

/** A set of trade ids, compact when they are added in increasing order. */
export class TradeIdSet {
  #bytes = new Uint8Array(64);
  #used = 0;
  #count = 0;
  #last = -1;
  /** Every STRIDE-th id of the sequence (the 0th, the 256th...), and where the one after starts. */
  #marks: number[] = [];
  #markAt: number[] = [];
  readonly #others = new Set<number>();
  readonly #texts = new Set<string>();
  // Where the last search ended: the next, for the same symbol, is most often at or after it.
  #cursorValue = -1;
  #cursorAt = 0;
  #cursorIndex = -1;

  /** Adds a trade id (the text of a whole number). */
  add(id: string): void {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 0) {
      this.#texts.add(id);
      return;
    }
    if (n <= this.#last) {
      if (n !== this.#last) this.#others.add(n);
      return;
    }
    const index = this.#count++;
    this.#write(index === 0 ? n : n - this.#last);
    this.#last = n;
    if (index % STRIDE === 0) {
      this.#marks.push(n);
      this.#markAt.push(this.#used);
    }
  }

  /** Whether the trade id `id` was added. */
  has(id: string): boolean {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 0) return this.#texts.has(id);
    return this.#inSequence(n) || this.#others.has(n);
  }

  // The searches below read `#bytes` only within the varints written (`index + 1 < #count`), and
  // `#marks`/`#markAt` (as long as each other) at indexes checked under their length or, in
  // `#seek`, of a set with at least one id (`#count > 0`): their `as number` casts only say so
  // to the type checker (noUncheckedIndexedAccess), and compile away out of a scan's hot loop.

  /** Whether `n` is in the increasing sequence: from the cursor, or from the mark before it. */
  #inSequence(n: number): boolean {
    if (this.#count === 0 || n > this.#last) return false;
    if (n < this.#cursorValue || this.#cursorIndex < 0 || this.#pastNextMark(n)) this.#seek(n);
    let value = this.#cursorValue;
    let at = this.#cursorAt;
    let index = this.#cursorIndex;
    const bytes = this.#bytes;
    while (value < n && index + 1 < this.#count) {
      let delta = 0;
      let scale = 1;
      for (;;) {
        const b = bytes[at++] as number;
        delta += (b & 127) * scale;
        if (b < 128) break;
        scale *= 128;
      }
      value += delta;
      index++;
    }
    this.#cursorValue = value;
    this.#cursorAt = at;
    this.#cursorIndex = index;
    return value === n;
  }

  /** Whether the mark after the cursor's is at or before `n` (a seek skips the ids between). */
  #pastNextMark(n: number): boolean {
    const next = Math.floor(this.#cursorIndex / STRIDE) + 1;
    return next < this.#marks.length && (this.#marks[next] as number) <= n;
  }

  /** Moves the cursor to the last mark at or before `n` (`n` ≥ the first id). */
  #seek(n: number): void {
    const marks = this.#marks;
    let lo = 0;
    let hi = marks.length - 1;
    if (n < (marks[0] as number)) {
      // Before the first id: a cursor there finds nothing below it.
      this.#cursorValue = marks[0] as number;
      this.#cursorAt = this.#markAt[0] as number;
      this.#cursorIndex = 0;
      return;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((marks[mid] as number) <= n) lo = mid;
      else hi = mid - 1;
    }
    this.#cursorValue = marks[lo] as number;
    this.#cursorAt = this.#markAt[lo] as number;
    this.#cursorIndex = lo * STRIDE;
  }

  /** Appends `n` (≥ 0) as a varint. */
  #write(n: number): void {
    if (this.#used + 8 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    while (n >= 128) {
      this.#bytes[this.#used++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.#bytes[this.#used++] = n;
  }
}
