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
 *   `realizedPnl`, which is non-zero only on fills that close quantity. Hard evidence: a SELL
 *   with P&L needs a long before it (`X + Pₖ₋₁ > 0`), a BUY with P&L a short (`X + Pₖ₋₁ < 0`).
 *   Soft evidence: a fill without P&L opened rather than closed (SELL: `X + Pₖ₋₁ ≤ 0`; BUY:
 *   `X + Pₖ₋₁ ≥ 0`), unless it closed at exactly break-even. The answer is, in this order: 0 if it
 *   meets all evidence; else the value of smallest magnitude at which the position is exactly
 *   flat after some fill (`X = −Pₖ`, the fewest unseen trades) meeting all evidence; else the
 *   same with the hard evidence only (break-even closes); else `undefined` (the data contradicts
 *   itself, e.g. gaps).
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

/** Bounds on X: `X > lower`, `X < upper` (hard); `X ≥ atLeast`, `X ≤ atMost` (soft). */
interface Bounds {
  lower: Decimal | undefined;
  upper: Decimal | undefined;
  atLeast: Decimal | undefined;
  atMost: Decimal | undefined;
}

/** One-way book: see the module doc. */
export class OneWayPriorInference implements PriorInference {
  readonly #p = new DecimalSum();
  readonly #q = new DecimalSum(); // the second pass's running sum
  readonly #b: Bounds = {
    lower: undefined,
    upper: undefined,
    atLeast: undefined,
    atMost: undefined,
  };
  #best: Decimal | undefined; // meeting all evidence
  #bestHard: Decimal | undefined; // meeting the hard evidence

  /** Narrows the bounds on X with each fill's evidence. */
  observe(delta: Decimal, realizes: boolean): void {
    const b = this.#b;
    const bound = this.#p.value.neg(); // X compared with −Pₖ₋₁
    if (delta.sign() < 0) {
      if (realizes) b.lower = max(b.lower, bound);
      else b.atMost = min(b.atMost, bound);
    } else if (realizes) b.upper = min(b.upper, bound);
    else b.atLeast = max(b.atLeast, bound);
    this.#p.add(delta);
  }

  /** Whether X = 0 misses some evidence, so the flat points must be searched. */
  get needsSecondPass(): boolean {
    return !this.#meets(Decimal.ZERO, true);
  }

  /** Considers each flat point `X = −Pₖ`, keeping the smallest that meets the evidence. */
  reobserve(delta: Decimal): void {
    this.#q.add(delta);
    const x = this.#q.value.neg();
    if (!this.#meets(x, false)) return;
    if (smaller(x, this.#bestHard)) this.#bestHard = x;
    if (this.#meets(x, true) && smaller(x, this.#best)) this.#best = x;
  }

  /** X, or `undefined` when none fits. */
  result(): Decimal | undefined {
    if (!this.needsSecondPass) return Decimal.ZERO;
    if (this.#best !== undefined) return this.#best.normalize();
    if (this.#meets(Decimal.ZERO, false)) return Decimal.ZERO;
    return this.#bestHard?.normalize();
  }

  #meets(x: Decimal, soft: boolean): boolean {
    const { lower, upper, atLeast, atMost } = this.#b;
    return (lower === undefined || x.cmp(lower) > 0) && (upper === undefined || x.cmp(upper) < 0) &&
      (!soft ||
        ((atLeast === undefined || x.cmp(atLeast) >= 0) &&
          (atMost === undefined || x.cmp(atMost) <= 0)));
  }
}

function max(a: Decimal | undefined, b: Decimal): Decimal {
  return a === undefined || b.cmp(a) > 0 ? b : a;
}

function min(a: Decimal | undefined, b: Decimal): Decimal {
  return a === undefined || b.cmp(a) < 0 ? b : a;
}

function smaller(x: Decimal, than: Decimal | undefined): boolean {
  return than === undefined || x.abs().cmp(than.abs()) < 0;
}
