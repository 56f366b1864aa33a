/**
 * Inferring the position a book already held when its data begins.
 *
 * Binance serves only six months of fills, so a book's history can start in the middle of a
 * position. Reading its first reducing fill as a new position in the other direction would invent
 * a trade; instead the ledger infers the quantity `X` held before the data, the smallest one the
 * fills are consistent with, and reports that position as PARTIAL.
 *
 * With `Pₖ` the sum of the book's signed fill quantities up to fill `k`, the position after fill
 * `k` is `X + Pₖ`. Then:
 *
 * - **Hedge books** (LONG / SHORT, quantities counted positive in the book's direction) can never
 *   go below zero: `X = max(0, −min Pₖ)`.
 * - **One-way books** (BOTH, long positive) can change sign, so the evidence is Binance's
 *   `realizedPnl`, which is non-zero only on fills that close quantity: a SELL with P&L needs a
 *   long before it (`X + Pₖ₋₁ > 0`), a BUY with P&L a short (`X + Pₖ₋₁ < 0`). If `X = 0` meets
 *   every bound, nothing was held. Otherwise `X` is the value of smallest magnitude within the
 *   bounds at which the position is exactly flat after some fill (`X = −Pₖ`): the fewest unseen
 *   trades. If no such value exists (the data contradicts itself, e.g. gaps), `undefined`.
 *
 * A reducing fill at exactly break-even realizes zero P&L and so is no evidence in one-way mode;
 * such a history is read as opening a position, the one case where the data cannot tell.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";

/** The inputs the inference needs from each fill of one book, in trade-id order. */
export interface BookStep {
  /** Signed quantity: positive opens in the book's direction (one-way: BUY positive). */
  readonly delta: Decimal;
  /** Whether Binance reported non-zero realized P&L for the fill. */
  readonly realizes: boolean;
}

/** Hedge book: the smallest prior quantity that keeps the book from going below zero. */
export function inferHedgePriorQty(steps: readonly BookStep[]): Decimal {
  let p = Decimal.ZERO;
  let min = Decimal.ZERO;
  for (const { delta } of steps) {
    p = p.plus(delta);
    if (p.m < 0n && p.cmp(min) < 0) min = p;
  }
  return min.neg().normalize();
}

/**
 * One-way book: the signed prior quantity (long positive) as described in the module doc;
 * `undefined` when no single prior quantity explains the fills.
 */
export function inferOneWayPriorQty(steps: readonly BookStep[]): Decimal | undefined {
  // X must satisfy lower < X < upper (either bound may be absent).
  let lower: Decimal | undefined;
  let upper: Decimal | undefined;
  let p = Decimal.ZERO;
  for (const { delta, realizes } of steps) {
    if (realizes) {
      const bound = p.neg();
      if (delta.m < 0n) {
        if (lower === undefined || bound.cmp(lower) > 0) lower = bound;
      } else if (upper === undefined || bound.cmp(upper) < 0) upper = bound;
    }
    p = p.plus(delta);
  }
  const within = (x: Decimal) =>
    (lower === undefined || x.cmp(lower) > 0) && (upper === undefined || x.cmp(upper) < 0);
  if (within(Decimal.ZERO)) return Decimal.ZERO;

  let best: Decimal | undefined;
  p = Decimal.ZERO;
  for (const { delta } of steps) {
    p = p.plus(delta);
    const x = p.neg();
    if (within(x) && (best === undefined || x.abs().cmp(best.abs()) < 0)) best = x;
  }
  return best?.normalize();
}
