/**
 * The ledger: fills in, positions out. Pure functions, no I/O.
 *
 * @module
 */

import { compareIds, compareText, type LedgerFill, type PositionSide } from "../fill.ts";
import type { Position } from "../position.ts";
import { anchorOf, type PositionSnapshot } from "./anchor.ts";
import { BookReplay } from "./book.ts";

/**
 * Rebuilds every position from fills given in any order.
 *
 * Fills are grouped by `(market, symbol)` — trade ids are unique only there — and taken in
 * trade-id order; a fill whose id was already seen in its group is ignored (the first one
 * counts). Each `(market, symbol, positionSide)` is a book replayed by {@linkcode BookReplay}.
 * The result is sorted by open time, then symbol (then market, book and opening trade id, so
 * equal inputs always give equal outputs).
 *
 * Input already in trade-id order per symbol (as the fills file is) is streamed in its own order,
 * which keeps memory access sequential; anything else is sorted first.
 *
 * `snapshots` (Binance's open positions at a moment, per market) anchor each book of their
 * market: what a book held before its first fill is then known rather than inferred.
 *
 * @throws {RangeError} for a fill whose quantity is not positive.
 */
export function aggregatePositions(
  fills: Iterable<LedgerFill>,
  snapshots: readonly PositionSnapshot[] = [],
): Position[] {
  let ordered = Array.isArray(fills) ? fills as LedgerFill[] : [...fills];
  if (!inIdOrder(ordered)) ordered = sortedUnique(ordered);

  const books = new BookIndex(snapshots);
  for (const fill of ordered) books.get(fill).observe(fill);
  const again = books.all().filter((b) => b.needsSecondPass);
  if (again.length > 0) {
    const wanted = new Set(again);
    for (const fill of ordered) {
      const book = books.get(fill);
      if (wanted.has(book)) book.reobserve(fill);
    }
  }
  for (const fill of ordered) books.get(fill).apply(fill);
  return books.all().flatMap((b) => b.finish()).sort(comparePositions);
}

/** Output order of positions. */
export function comparePositions(a: Position, b: Position): number {
  return a.openTime - b.openTime ||
    compareText(a.symbol, b.symbol) ||
    compareText(a.market, b.market) ||
    compareText(a.positionSide, b.positionSide) ||
    compareIds(a.openTradeId, b.openTradeId);
}

/** The books, found by market, symbol and position side. */
class BookIndex {
  readonly #bySymbol = new Map<string, Map<PositionSide, BookReplay>>();
  readonly #all: BookReplay[] = [];
  readonly #snapshots: readonly PositionSnapshot[];

  constructor(snapshots: readonly PositionSnapshot[]) {
    this.#snapshots = snapshots;
  }

  get(fill: LedgerFill): BookReplay {
    const key = fill.market === "usdm" ? fill.symbol : fill.market + "|" + fill.symbol;
    let sides = this.#bySymbol.get(key);
    if (sides === undefined) this.#bySymbol.set(key, sides = new Map());
    let book = sides.get(fill.positionSide);
    if (book === undefined) {
      const { market, symbol, positionSide } = fill;
      const anchor = anchorOf(this.#snapshots, market, symbol, positionSide);
      sides.set(positionSide, book = new BookReplay({ market, symbol, positionSide }, anchor));
      this.#all.push(book);
    }
    return book;
  }

  all(): BookReplay[] {
    return this.#all;
  }
}

/** Whether each `(market, symbol)`'s fills appear in strictly increasing trade-id order. */
function inIdOrder(fills: readonly LedgerFill[]): boolean {
  const last = new Map<string, string>();
  for (const fill of fills) {
    const key = fill.market === "usdm" ? fill.symbol : fill.market + "|" + fill.symbol;
    const previous = last.get(key);
    if (previous !== undefined && compareIds(previous, fill.id) >= 0) return false;
    last.set(key, fill.id);
  }
  return true;
}

/** Sorted by market, symbol and trade id, keeping the first fill of each id. */
function sortedUnique(fills: readonly LedgerFill[]): LedgerFill[] {
  const sorted = [...fills].sort((a, b) =>
    compareText(a.market, b.market) || compareText(a.symbol, b.symbol) || compareIds(a.id, b.id)
  ); // stable: of equal ids, the first in the input stays first
  return sorted.filter((fill, i) => {
    const previous = sorted[i - 1];
    return i === 0 || previous.id !== fill.id || previous.symbol !== fill.symbol ||
      previous.market !== fill.market;
  });
}
