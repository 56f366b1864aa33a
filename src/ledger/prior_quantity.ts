/**
 * Inferring the position a book already held when its data begins.
 *
 * Binance serves only the last 3 months of fills, so a book's history can start in the middle of a
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
 *   `X + Pₖ₋₁ ≥ 0`), unless it closed at exactly break-even — common enough (a close at the
 *   price of a single opening fill) that it only ranks candidates. If `X = 0` meets the hard
 *   evidence, nothing was held. Otherwise the candidates are the values at which the position
 *   is exactly flat after some fill (`X = −Pₖ`); of those meeting the hard evidence, the answer
 *   breaks the fewest soft constraints (a wrong `X` shifts every later position, so it breaks
 *   many), then has the smallest magnitude (the fewest unseen trades). If none meets the hard
 *   evidence (the data contradicts itself, e.g. gaps), `undefined`.
 *
 * Both are fed one fill at a time, so the ledger can stream fills in file order.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { defined } from "../defined.ts";
import { DecimalSum } from "./decimal_sum.ts";

/**
 * What the first pass of an inference learned, as data (decimals as exact text): a checkpoint
 * keeps it so a later run can go on observing new fills. The second pass is not kept: it needs
 * every fill again.
 */
export interface SavedEvidence {
  /** Σ of the signed quantities. */
  readonly total: string;
  /** Hedge: the lowest running sum. One-way: the hard bounds (`X > lower`, `X < upper`). */
  readonly min?: string;
  readonly lower?: string;
  readonly upper?: string;
}

/**
 * Infers a book's prior quantity from its signed fill quantities, fed in ledger order (time, then
 * trade id).
 */
export interface PriorInference {
  /** First pass: one fill's signed quantity and whether it realized P&L. */
  observe(delta: Decimal, realizes: boolean): void;
  /** After the first pass: the sum of all signed quantities (what the fills did to the book). */
  total(): Decimal;
  /** After the first pass: whether `x` held before the data meets the hard evidence. */
  fits(x: Decimal): boolean;
  /** Whether a second pass of {@linkcode PriorInference.reobserve} is needed. */
  readonly needsSecondPass: boolean;
  /** Second pass, only when needed: the same fills again. */
  reobserve(delta: Decimal, realizes: boolean): void;
  /** The prior quantity (signed for one-way), or `undefined` if no single one fits. */
  result(): Decimal | undefined;
  /** What the first pass learned so far. */
  save(): SavedEvidence;
}

/** The inference of a hedge (`hedge`) or one-way book, from saved evidence or from nothing. */
export function priorInference(hedge: boolean, saved?: SavedEvidence): PriorInference {
  return hedge ? new HedgePriorInference(saved) : new OneWayPriorInference(saved);
}

/** Hedge book: the smallest prior quantity that keeps the book from going below zero. */
export class HedgePriorInference implements PriorInference {
  readonly #p: DecimalSum;
  #min = Decimal.ZERO;
  /** Never: one pass suffices. */
  readonly needsSecondPass = false;

  /** An inference that has seen nothing, or what `saved` says. */
  constructor(saved?: SavedEvidence) {
    this.#p = saved === undefined ? new DecimalSum() : DecimalSum.of(Decimal.parse(saved.total));
    if (saved?.min !== undefined) this.#min = Decimal.parse(saved.min);
  }

  /** See {@linkcode PriorInference.save}. */
  save(): SavedEvidence {
    return { total: this.#p.value.toString(), min: this.#min.toString() };
  }

  /** Tracks the lowest running sum. */
  observe(delta: Decimal): void {
    this.#p.add(delta);
    if (this.#p.sign() < 0 && this.#p.value.cmp(this.#min) < 0) this.#min = this.#p.value;
  }

  /** Not used. */
  reobserve(): void {}

  /** Σ of the signed quantities. */
  total(): Decimal {
    return this.#p.value;
  }

  /** Whether `x` keeps the book from going below zero. */
  fits(x: Decimal): boolean {
    return x.cmp(this.result()) >= 0;
  }

  /** `max(0, −min Pₖ)`. */
  result(): Decimal {
    return this.#min.neg().normalize();
  }
}

/**
 * One-way book: see the module doc. Bounds on X: `X > lower`, `X < upper` (hard); `X ≥ atLeast`,
 * `X ≤ atMost` (soft).
 */
export class OneWayPriorInference implements PriorInference {
  readonly #p: DecimalSum;
  #lower: Decimal | undefined; // X > lower (hard)
  #upper: Decimal | undefined; // X < upper (hard)
  // Second pass only (books that start mid-position): every soft bound, and every flat point.
  readonly #q = new DecimalSum();
  readonly #atLeast: Decimal[] = [];
  readonly #atMost: Decimal[] = [];
  readonly #flat: Decimal[] = [];

  /** An inference that has seen nothing, or what `saved` says. */
  constructor(saved?: SavedEvidence) {
    this.#p = saved === undefined ? new DecimalSum() : DecimalSum.of(Decimal.parse(saved.total));
    if (saved?.lower !== undefined) this.#lower = Decimal.parse(saved.lower);
    if (saved?.upper !== undefined) this.#upper = Decimal.parse(saved.upper);
  }

  /** See {@linkcode PriorInference.save}. */
  save(): SavedEvidence {
    return {
      total: this.#p.value.toString(),
      ...(this.#lower === undefined ? {} : { lower: this.#lower.toString() }),
      ...(this.#upper === undefined ? {} : { upper: this.#upper.toString() }),
    };
  }

  /** Narrows the bounds on X with each fill that realized P&L. */
  observe(delta: Decimal, realizes: boolean): void {
    if (realizes) {
      const bound = this.#p.value.neg(); // X compared with −Pₖ₋₁
      if (delta.sign() < 0) this.#lower = max(this.#lower, bound);
      else this.#upper = min(this.#upper, bound);
    }
    this.#p.add(delta);
  }

  /** Σ of the signed quantities. */
  total(): Decimal {
    return this.#p.value;
  }

  /** Whether `x` meets the hard evidence. */
  fits(x: Decimal): boolean {
    return this.#hard(x);
  }

  /** Whether X = 0 misses the hard evidence, so the candidates must be weighed. */
  get needsSecondPass(): boolean {
    return !this.#hard(Decimal.ZERO);
  }

  /** Records each fill's soft bound and flat point. */
  reobserve(delta: Decimal, realizes: boolean): void {
    const bound = this.#q.value.neg();
    if (!realizes) (delta.sign() < 0 ? this.#atMost : this.#atLeast).push(bound);
    this.#q.add(delta);
    const flat = this.#q.value.neg();
    if (this.#hard(flat)) this.#flat.push(flat);
  }

  /** X, or `undefined` when no candidate meets the hard evidence. */
  result(): Decimal | undefined {
    if (!this.needsSecondPass) return Decimal.ZERO;
    const atLeast = [...this.#atLeast].sort((a, b) => a.cmp(b));
    const atMost = [...this.#atMost].sort((a, b) => a.cmp(b));
    // Soft constraints X breaks: atMost bounds below X, atLeast bounds above X.
    const broken = (x: Decimal) =>
      countBelow(atMost, x) + (atLeast.length - countAtOrBelow(atLeast, x));
    let best: Decimal | undefined;
    let bestBroken = Infinity;
    for (const x of this.#flat) {
      const n = broken(x);
      if (
        best === undefined || n < bestBroken || (n === bestBroken && x.abs().cmp(best.abs()) < 0)
      ) {
        best = x;
        bestBroken = n;
      }
    }
    return best?.normalize();
  }

  #hard(x: Decimal): boolean {
    const lower = this.#lower;
    const upper = this.#upper;
    return (lower === undefined || x.cmp(lower) > 0) && (upper === undefined || x.cmp(upper) < 0);
  }
}

function max(a: Decimal | undefined, b: Decimal): Decimal {
  return a === undefined || b.cmp(a) > 0 ? b : a;
}

function min(a: Decimal | undefined, b: Decimal): Decimal {
  return a === undefined || b.cmp(a) < 0 ? b : a;
}

/** How many of the sorted `values` are < `x`. */
function countBelow(values: readonly Decimal[], x: Decimal): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defined(values[mid], "a bound within the search").cmp(x) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted `values` are ≤ `x`. */
function countAtOrBelow(values: readonly Decimal[], x: Decimal): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defined(values[mid], "a bound within the search").cmp(x) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
