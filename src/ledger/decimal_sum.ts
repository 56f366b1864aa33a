/**
 * A mutable exact running total, for the ledger's hot loop.
 *
 * Adding into a {@linkcode DecimalSum} allocates nothing while the total stays a safe integer
 * mantissa, where `Decimal.plus` would allocate a new value per fill; over a million fills that
 * garbage cost more than the arithmetic (`BENCHMARKS.md`, "Ledger").
 *
 * @module
 */

import { Decimal } from "../decimal.ts";

/**
 * 10^0 … 10^15. Each index into it is checked within 0 … 15 first: the `as number` casts below
 * only say so to the type checker (noUncheckedIndexedAccess), and compile away out of the ledger's
 * hot loop.
 */
const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const MAX = Number.MAX_SAFE_INTEGER;

/** An exact sum that grows in place. */
export class DecimalSum {
  #m = 0; // float mantissa while exact…
  #s = 0;
  #big: Decimal | undefined; // …or the total as a Decimal once it is not.

  /** A sum that starts at `value` (a checkpoint's total, say). */
  static of(value: Decimal): DecimalSum {
    const sum = new DecimalSum();
    if (typeof value.m === "number") {
      sum.#m = value.m;
      sum.#s = value.s;
    } else {
      sum.#big = value;
    }
    return sum;
  }

  /** Adds `value` (exactly). */
  add(value: Decimal): void {
    const m = value.m;
    if (this.#big === undefined && typeof m === "number" && this.#addExactly(m, value.s)) return;
    this.#big = this.value.plus(value);
  }

  /** Adds `a × b` (exactly), without making the product a value of its own when it fits. */
  addProduct(a: Decimal, b: Decimal): void {
    const x = a.m;
    const y = b.m;
    if (this.#big === undefined && typeof x === "number" && typeof y === "number") {
      const m = x * y;
      if (m <= MAX && m >= -MAX && this.#addExactly(m, a.s + b.s)) return;
    }
    this.add(a.times(b));
  }

  /** Adds `m × 10^-s` to the float total if every step is exact; false (nothing added) if not. */
  #addExactly(m: number, s: number): boolean {
    const d = this.#s - s;
    if (d === 0) {
      const r = this.#m + m;
      if (r <= MAX && r >= -MAX) {
        this.#m = r;
        return true;
      }
    } else if (d > 0 && d < 16) {
      const scaled = m * (POW10[d] as number);
      const r = this.#m + scaled;
      if (scaled <= MAX && scaled >= -MAX && r <= MAX && r >= -MAX) {
        this.#m = r;
        return true;
      }
    } else if (d < 0 && d > -16) {
      const scaled = this.#m * (POW10[-d] as number);
      const r = scaled + m;
      if (scaled <= MAX && scaled >= -MAX && r <= MAX && r >= -MAX) {
        this.#m = r;
        this.#s = s;
        return true;
      }
    }
    return false;
  }

  /** The total so far. */
  get value(): Decimal {
    return this.#big ?? new Decimal(this.#m, this.#s);
  }

  /** -1, 0 or 1: the sign of the total. */
  sign(): -1 | 0 | 1 {
    if (this.#big !== undefined) return this.#big.sign();
    return this.#m < 0 ? -1 : this.#m > 0 ? 1 : 0;
  }
}
