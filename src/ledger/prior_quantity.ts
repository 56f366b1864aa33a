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
 * Both are fed one fill at a time, so the ledger can stream fills in file order.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { DecimalSum } from "./decimal_sum.ts";

/** Infers a book's prior quantity from its signed fill quantities, fed in trade-id order. */
export interface PriorInference {
  /** First pass: one fill's signed quantity and whether it realized P&L. */
  observe(delta: Decimal, realizes: boolean): void;
  /** Whether a second pass of {@linkcode PriorInference.reobserve} is needed. */
  readonly needsSecondPass: boolean;
  /** Second pass, only when needed: the same signed quantities again. */
  reobserve(delta: Decimal): void;
  /** The prior quantity (signed for one-way), or `undefined` if no single one fits. */
  result(): Decimal | undefined;
}

/** Hedge book: the smallest prior quantity that keeps the book from going below zero. */
export class HedgePriorInference implements PriorInference {
  readonly #p = new DecimalSum();
  #min = Decimal.ZERO;
  /** Never: one pass suffices. */
  readonly needsSecondPass = false;

  /** Tracks the lowest running sum. */
  observe(delta: Decimal): void {
    this.#p.add(delta);
    if (this.#p.sign() < 0 && this.#p.value.cmp(this.#min) < 0) this.#min = this.#p.value;
  }

  /** Not used. */
  reobserve(): void {}

  /** `max(0, −min Pₖ)`. */
  result(): Decimal {
    return this.#min.neg().normalize();
  }
}

/** One-way book: see the module doc. */
export class OneWayPriorInference implements PriorInference {
  readonly #p = new DecimalSum();
  readonly #q = new DecimalSum(); // the second pass's running sum
  #lower: Decimal | undefined; // X > lower
  #upper: Decimal | undefined; // X < upper
  #best: Decimal | undefined;

  /** Narrows the bounds on X with each fill that realized P&L. */
  observe(delta: Decimal, realizes: boolean): void {
    if (realizes) {
      const bound = this.#p.value.neg();
      if (delta.sign() < 0) {
        if (this.#lower === undefined || bound.cmp(this.#lower) > 0) this.#lower = bound;
      } else if (this.#upper === undefined || bound.cmp(this.#upper) < 0) this.#upper = bound;
    }
    this.#p.add(delta);
  }

  /** Whether X = 0 is ruled out, so the flat points must be searched. */
  get needsSecondPass(): boolean {
    return !this.#within(Decimal.ZERO);
  }

  /** Considers each flat point `X = −Pₖ` within the bounds, keeping the smallest. */
  reobserve(delta: Decimal): void {
    this.#q.add(delta);
    const x = this.#q.value.neg();
    if (this.#within(x) && (this.#best === undefined || x.abs().cmp(this.#best.abs()) < 0)) {
      this.#best = x;
    }
  }

  /** X, or `undefined` when none fits. */
  result(): Decimal | undefined {
    return this.needsSecondPass ? this.#best?.normalize() : Decimal.ZERO;
  }

  #within(x: Decimal): boolean {
    return (this.#lower === undefined || x.cmp(this.#lower) > 0) &&
      (this.#upper === undefined || x.cmp(this.#upper) < 0);
  }
}
