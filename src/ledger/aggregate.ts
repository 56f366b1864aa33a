/**
 * The ledger: fills in, positions out. Pure functions, no I/O.
 *
 * @module
 */

import { compareIds, compareText, type Fill, type PositionSide } from "../fill.ts";
import type { Position } from "../position.ts";
import { replayBook } from "./book.ts";

/**
 * Rebuilds every position from fills given in any order.
 *
 * Fills are grouped by `(market, symbol)` — trade ids are unique only there — and taken in
 * trade-id order; a fill whose id was already seen in its group is ignored (the first one
 * counts). Each `(market, symbol, positionSide)` is then a book replayed by `replayBook`. The
 * result is sorted by open time, then symbol (then market, book and opening trade id, so equal
 * inputs always give equal outputs).
 *
 * @throws {RangeError} for a fill whose quantity is not positive.
 */
export function aggregatePositions(fills: Iterable<Fill>): Position[] {
  const positions: Position[] = [];
  for (const group of groupBySymbol(fills).values()) {
    const books = new Map<PositionSide, Fill[]>();
    for (const fill of uniqueInIdOrder(group)) {
      let book = books.get(fill.positionSide);
      if (book === undefined) books.set(fill.positionSide, book = []);
      book.push(fill);
    }
    for (const [positionSide, book] of books) {
      const { market, symbol } = book[0];
      positions.push(...replayBook({ market, symbol, positionSide }, book));
    }
  }
  return positions.sort(comparePositions);
}

/** Output order of positions. */
export function comparePositions(a: Position, b: Position): number {
  return a.openTime - b.openTime ||
    compareText(a.symbol, b.symbol) ||
    compareText(a.market, b.market) ||
    compareText(a.positionSide, b.positionSide) ||
    compareIds(a.openTradeId, b.openTradeId);
}

function groupBySymbol(fills: Iterable<Fill>): Map<string, Fill[]> {
  const groups = new Map<string, Fill[]>();
  for (const fill of fills) {
    const key = fill.market + "|" + fill.symbol;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, group = []);
    group.push(fill);
  }
  return groups;
}

/** The group's fills in trade-id order, first occurrence of each id only. */
function uniqueInIdOrder(group: Fill[]): Fill[] {
  let sorted = true;
  for (let i = 1; i < group.length && sorted; i++) {
    sorted = compareIds(group[i - 1].id, group[i].id) < 0;
  }
  if (sorted) return group;
  const ordered = [...group].sort((a, b) => compareIds(a.id, b.id)); // stable: first one first
  return ordered.filter((fill, i) => i === 0 || ordered[i - 1].id !== fill.id);
}
