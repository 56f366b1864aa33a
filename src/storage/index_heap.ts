/**
 * A binary min-heap of small integers (the indices of sorted runs being merged), ordered by a
 * comparison the caller gives, which may change for the top alone: what a k-way merge needs to
 * find its least head in log k comparisons instead of k.
 *
 * @example
 * ```ts
 * import { IndexHeap } from "./index_heap.ts";
 * const heads = [30, 10, 20];
 * // (an index past `heads`, which the heap never holds, would order last)
 * const heap = new IndexHeap([0, 1, 2], (i, j) => (heads[i] ?? Infinity) < (heads[j] ?? Infinity));
 * const tops: number[] = [heap.top]; // heads[1] = 10 is the least
 * heads[1] = 40; // run 1 moves on to a later head
 * heap.update();
 * tops.push(heap.top); // 20 < 30 < 40
 * heap.pop();
 * tops.push(heap.top, heap.size); // 30 < 40, two left
 * if (tops.join() !== "1,2,0,2") throw new Error(tops.join());
 * ```
 *
 * @module
 */

/** A binary min-heap of indices; `before(i, j)` says whether `i` comes first. */
export class IndexHeap {
  readonly #items: number[];
  readonly #before: (i: number, j: number) => boolean;

  /** A heap of `items`, least first by `before` (a strict order: never both ways). */
  constructor(items: readonly number[], before: (i: number, j: number) => boolean) {
    this.#items = [...items];
    this.#before = before;
    for (let k = (this.#items.length >> 1) - 1; k >= 0; k--) this.#down(k);
  }

  /** How many indices it holds. */
  get size(): number {
    return this.#items.length;
  }

  /** The least index. @throws {RangeError} when empty. */
  get top(): number {
    const top = this.#items[0];
    if (top === undefined) throw new RangeError("the heap is empty");
    return top;
  }

  /** Puts the top back in its place after its key grew. */
  update(): void {
    this.#down(0);
  }

  /** Removes the top. */
  pop(): void {
    const last = this.#items.pop();
    if (last === undefined || this.#items.length === 0) return;
    this.#items[0] = last;
    this.#down(0);
  }

  #down(from: number): void {
    // `from`, `left` and `right` are all checked under `n` before they are read: the `as number`
    // casts only say so to the type checker (noUncheckedIndexedAccess), at no cost in a merge's
    // loop over every line.
    const items = this.#items;
    const n = items.length;
    const item = items[from] as number;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#before(items[right] as number, items[left] as number)
        ? right
        : left;
      const least = items[child] as number;
      if (!this.#before(least, item)) break;
      items[at] = least;
      at = child;
    }
    items[at] = item;
  }
}
