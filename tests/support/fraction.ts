/**
 * Exact fractions of BigInts, for the reference ledger's divisions: computed exactly, rounded
 * once, half-to-even, to 12 places (the README's rule for averages and split amounts).
 *
 * @module
 */

import { type Exact, exact } from "./positions_text.ts";

const PLACES = 12n;

/** An exact fraction `n / d`, `d > 0`, in lowest terms. */
export class Fraction {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint) {
    if (d === 0n) throw new RangeError("division by zero");
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n < 0n ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }
  static of(x: Exact): Fraction {
    const text = x.toFixed();
    const negative = text.startsWith("-");
    const [int, frac = ""] = (negative ? text.slice(1) : text).split(".");
    const n = BigInt(int + frac);
    return new Fraction(negative ? -n : n, 10n ** BigInt(frac.length));
  }
  plus(o: Fraction): Fraction {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  times(o: Fraction): Fraction {
    return new Fraction(this.n * o.n, this.d * o.d);
  }
  div(o: Fraction): Fraction {
    return new Fraction(this.n * o.d, this.d * o.n);
  }
  /** Rounded half-to-even to 12 places: the nearest multiple of 10^-12, a tie to the even one. */
  rounded(): Exact {
    return exact(`${this.#scaledTo(PLACES)}e-${PLACES}`);
  }
  /** Rounded half-to-even to `places` places, still a fraction. */
  roundedTo(places: bigint): Fraction {
    return new Fraction(this.#scaledTo(places), 10n ** places);
  }
  /** The nearest integer to `this × 10^places`, a tie to the even one. */
  #scaledTo(places: bigint): bigint {
    const scaled = this.n * 10n ** places;
    const negative = scaled < 0n;
    const magnitude = negative ? -scaled : scaled;
    let q = magnitude / this.d;
    const twice = 2n * (magnitude - q * this.d);
    if (twice > this.d || (twice === this.d && q % 2n === 1n)) q += 1n;
    return negative ? -q : q;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** Zero. */
export const ZERO_FRACTION: Fraction = new Fraction(0n, 1n);
