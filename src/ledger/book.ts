/**
 * Replaying one book — the fills of one `(market, symbol, positionSide)` in trade-id order — into
 * positions.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Fill } from "../fill.ts";
import type { Direction, Position } from "../position.ts";
import { type BookKey, DIVISION_PLACES, PositionBuilder } from "./position_builder.ts";
import { type BookStep, inferHedgePriorQty, inferOneWayPriorQty } from "./prior_quantity.ts";

/**
 * The signed quantity of a fill in its book: one-way (BOTH) BUY +, SELL −; hedge LONG BUY opens
 * (+); hedge SHORT SELL opens (+).
 */
function signedQty(fill: Fill): Decimal {
  const qty = Decimal.parse(fill.qty);
  if (qty.m <= 0n) throw new RangeError(`fill ${fill.symbol} #${fill.id}: qty must be positive`);
  const opensUp = fill.positionSide === "SHORT" ? fill.side === "SELL" : fill.side === "BUY";
  return opensUp ? qty : qty.neg();
}

/** Whether decimal text is non-zero, without parsing it. */
function isNonZero(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}

/**
 * Rebuilds the positions of one book.
 *
 * - An opening fill adds to the position; a reducing one closes part of it; a position is closed
 *   when its quantity is exactly zero.
 * - One-way: a fill that crosses zero is a flip, split into a closing part (all of its realized
 *   P&L, commission pro rata) and an opening part (the rest of the commission); it counts in both.
 * - A book whose data starts mid-position gets a PARTIAL first position; see `prior_quantity.ts`.
 *
 * @param fills the book's fills, sorted by trade id, without duplicates.
 * @throws {RangeError} for a fill whose quantity is not positive.
 */
export function replayBook(book: BookKey, fills: readonly Fill[]): Position[] {
  const hedge = book.positionSide !== "BOTH";
  const steps: BookStep[] = fills.map((f) => ({
    delta: signedQty(f),
    realizes: isNonZero(f.realizedPnl),
  }));
  const prior = hedge ? inferHedgePriorQty(steps) : inferOneWayPriorQty(steps);
  const directionOf = (signed: Decimal): Direction =>
    hedge ? (book.positionSide as Direction) : signed.m > 0n ? "LONG" : "SHORT";

  const positions: Position[] = [];
  let current: PositionBuilder | undefined;
  let held = Decimal.ZERO; // signed open quantity: one-way long > 0; hedge always ≥ 0
  for (let i = 0; i < fills.length; i++) {
    const fill = fills[i];
    const { delta, realizes } = steps[i];
    if (current === undefined) {
      if (i === 0 && prior !== undefined) held = prior;
      // Without a consistent prior quantity (one-way data with gaps), a fill that realizes P&L
      // on a flat book closes something unseen: assume exactly its own quantity.
      if (held.m === 0n && prior === undefined && realizes) held = delta.neg();
      current = new PositionBuilder(
        book,
        directionOf(held.m === 0n ? delta : held),
        fill,
        held.abs(),
      );
    }

    const opening = held.m === 0n || (held.m > 0n) === (delta.m > 0n);
    const qty = delta.abs();
    const price = Decimal.parse(fill.price);
    const pnl = Decimal.parse(fill.realizedPnl);
    const fee = Decimal.parse(fill.commission);
    if (opening) {
      current.open(qty, price);
      current.charge(pnl, fee, fill.commissionAsset);
      held = held.plus(delta);
      continue;
    }

    const closable = held.abs();
    if (qty.cmp(closable) <= 0) {
      current.reduce(qty, price);
      current.charge(pnl, fee, fill.commissionAsset);
      held = held.plus(delta);
      if (held.m === 0n) {
        positions.push(current.build(fill));
        current = undefined;
      }
      continue;
    }

    // A flip (one-way only: a hedge book never goes below zero after prior inference).
    const closingFee = fee.times(closable).div(qty, DIVISION_PLACES);
    current.reduce(closable, price);
    current.charge(pnl, closingFee, fill.commissionAsset);
    positions.push(current.build(fill));
    held = held.plus(delta);
    current = new PositionBuilder(book, directionOf(held), fill, Decimal.ZERO);
    current.open(qty.minus(closable), price);
    current.charge(Decimal.ZERO, fee.minus(closingFee), fill.commissionAsset);
  }
  if (current !== undefined) positions.push(current.build(undefined));
  return positions;
}
