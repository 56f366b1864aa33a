/**
 * Exact decimal arithmetic on fixed-point numbers: safe-integer mantissas as floats, BigInt beyond.
 *
 * Money, prices and quantities arrive from Binance as decimal strings. A `Decimal` keeps them
 * exact: `value = mantissa × 10^-scale`. Sums and products are exact; the only inexact operation
 * is {@linkcode Decimal.div}, which rounds half-even to a stated number of places.
 *
 * Why not big.js: `BENCHMARKS.md` ("Decimal arithmetic") measures this type about 10× faster on
 * the ledger's hot loop, which the 1,000,000 fills/s target needs.
 *
 * @module
 */

import { divideSafeIntegers, POW10_NUMBER, roundHalfEven, safe } from "./decimal_integers.ts";

const POW10: readonly bigint[] = Array.from({ length: 65 }, (_, i) => 10n ** BigInt(i));

/** 10^n as a BigInt. */
function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

const MAX_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** A mantissa as a BigInt. */
function big(m: number | bigint): bigint {
  return typeof m === "bigint" ? m : BigInt(m);
}

/** A decimal from a BigInt mantissa, kept as a float when it fits exactly. */
function fromBig(m: bigint, s: number): Decimal {
  return m <= MAX_BIG && m >= -MAX_BIG ? new Decimal(Number(m), s) : new Decimal(m, s);
}

const SYNTAX = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?$/;

/** Thrown by {@linkcode Decimal.parse} for text that is not a plain decimal number. */
export class DecimalSyntaxError extends Error {
  /** The rejected text. */
  readonly text: string;
  constructor(text: string) {
    super(`not a decimal number: ${JSON.stringify(text)}`);
    this.name = "DecimalSyntaxError";
    this.text = text;
  }
}

/**
 * An exact decimal number: `m × 10^-s`, with `s ≥ 0`. Immutable.
 *
 * The mantissa is a float while it is a safe integer (|m| < 2^53, exact and fast) and a BigInt
 * beyond; every operation checks and moves to BigInt rather than round.
 */
export class Decimal {
  /** The mantissa: a safe integer as a number, or any integer as a BigInt. */
  readonly m: number | bigint;
  /** The scale: the number of digits after the decimal point. */
  readonly s: number;

  /** Zero, with scale 0. */
  static readonly ZERO: Decimal = new Decimal(0, 0);

  /**
   * Builds `m × 10^-s`. A number `m` must be a safe integer. Prefer {@linkcode Decimal.parse}
   * for text.
   */
  constructor(m: number | bigint, s: number) {
    this.m = m;
    this.s = s;
  }

  /**
   * Parses `"-12.3400"`, `"7"`, `"+1.5"` or exponent notation (`"1e-05"`, written by some tools),
   * keeping the scale as written (`"0.04400000"` prints back unchanged).
   *
   * @throws {DecimalSyntaxError} for anything else (empty text, spaces, `NaN`, `.5`, `1,5`).
   */
  static parse(text: string): Decimal {
    // Fast path, no regular expression and no BigInt: plain notation with at most 15 digits.
    const length = text.length;
    const first = text.charCodeAt(0);
    let i = first === 45 || first === 43 ? 1 : 0;
    let m = 0;
    let digits = 0;
    let point = -1;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
      } else if (c === 46 && point < 0 && digits > 0) {
        point = i;
      } else break;
    }
    if (i === length && digits > 0 && digits <= 15 && point !== length - 1) {
      return new Decimal(first === 45 ? -m : m, point < 0 ? 0 : length - point - 1);
    }
    return Decimal.#parseGeneral(text);
  }

  static #parseGeneral(text: string): Decimal {
    const match = SYNTAX.exec(text);
    if (match === null) throw new DecimalSyntaxError(text);
    const [, sign, int, frac = "", exp] = match;
    let m = BigInt(int + frac);
    let s = frac.length - (exp === undefined ? 0 : Number(exp));
    if (s < 0) {
      m *= pow10(-s);
      s = 0;
    }
    return fromBig(sign === "-" ? -m : m, s);
  }

  /** `this + other`, exact. */
  plus(other: Decimal): Decimal {
    return add(this, other.m, other.s, false);
  }

  /** `this − other`, exact. */
  minus(other: Decimal): Decimal {
    return add(this, other.m, other.s, true);
  }

  /** `this × other`, exact. */
  times(other: Decimal): Decimal {
    const a = this.m;
    const b = other.m;
    if (typeof a === "number" && typeof b === "number") {
      const r = a * b;
      if (safe(r)) return new Decimal(r, this.s + other.s);
    }
    return fromBig(big(a) * big(b), this.s + other.s);
  }

  /**
   * `this ÷ divisor`, rounded half-even to `places` decimals, trailing zeros removed, so a quotient
   * that is exact within `places` decimals is returned exactly.
   *
   * @throws {RangeError} when `divisor` is zero.
   */
  div(divisor: Decimal, places = 12): Decimal {
    if (divisor.isZero()) throw new RangeError("division by zero");
    const a = this.m;
    const b = divisor.m;
    if (typeof a === "number" && typeof b === "number") {
      const quotient = divideSafeIntegers(a, this.s, b, divisor.s, places);
      if (quotient !== undefined) return new Decimal(quotient[0], quotient[1]).normalize();
    }
    // this/divisor = (m1·10^s2) / (m2·10^s1); scaled by 10^places.
    let n = big(this.m) * pow10(divisor.s + places);
    let d = big(divisor.m) * pow10(this.s);
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return fromBig(roundHalfEven(n, d), places).normalize();
  }

  /** This value rounded half-even to `places` decimals (only ever reduces the scale). */
  round(places: number): Decimal {
    if (this.s <= places) return this;
    return fromBig(roundHalfEven(big(this.m), pow10(this.s - places)), places);
  }

  /** The same value with trailing fractional zeros removed (`"1.2300"` → `"1.23"`). */
  normalize(): Decimal {
    if (this.isZero()) return Decimal.ZERO; // also for a mantissa of -0
    let s = this.s;
    if (typeof this.m === "number") {
      let m = this.m;
      while (s > 0 && m % 10 === 0) {
        m /= 10;
        s--;
      }
      return s === this.s ? this : new Decimal(m, s);
    }
    let m = this.m;
    while (s > 0 && m % 10n === 0n) {
      m /= 10n;
      s--;
    }
    return s === this.s ? this : fromBig(m, s);
  }

  /** `-this`. */
  neg(): Decimal {
    return new Decimal(-this.m, this.s);
  }

  /** `|this|`. */
  abs(): Decimal {
    return this.m < 0 ? this.neg() : this;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.m < 0 ? -1 : this.m > 0 ? 1 : 0;
  }

  /** Whether this is exactly zero (whatever the scale). */
  isZero(): boolean {
    return !(this.m < 0 || this.m > 0);
  }

  /** -1, 0 or 1 as `this` is less than, equal to or greater than `other`. */
  cmp(other: Decimal): -1 | 0 | 1 {
    if (this.s === other.s) return this.m < other.m ? -1 : this.m > other.m ? 1 : 0;
    return this.minus(other).sign();
  }

  /** Whether both denote the same number (`1.50` equals `1.5`). */
  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }

  /** The nearest float, for charts only: never for arithmetic. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain notation, never an exponent, with exactly `s` decimals (`"0.04400000"`, `"-5"`). */
  toString(): string {
    const negative = this.m < 0;
    let digits = (negative ? -this.m : this.m).toString();
    if (this.s > 0) {
      if (digits.length <= this.s) digits = "0".repeat(this.s - digits.length + 1) + digits;
      const point = digits.length - this.s;
      digits = digits.slice(0, point) + "." + digits.slice(point);
    }
    return negative ? "-" + digits : digits;
  }
}

/** `x ± (m × 10^-s)`: floats while every step stays exact, BigInt otherwise. */
function add(x: Decimal, m: number | bigint, s: number, subtract: boolean): Decimal {
  const a = x.m;
  if (typeof a === "number" && typeof m === "number") {
    const b = subtract ? -m : m;
    const d = x.s - s;
    if (d === 0) {
      const r = a + b;
      if (safe(r)) return new Decimal(r, s);
    } else if (d < 0 && d > -16) {
      // `d` is checked within ±15: the `as number` casts only say so to the type checker
      // (noUncheckedIndexedAccess), and compile away out of every sum.
      const scaled = a * (POW10_NUMBER[-d] as number);
      const r = scaled + b;
      if (safe(scaled) && safe(r)) return new Decimal(r, s);
    } else if (d > 0 && d < 16) {
      const scaled = b * (POW10_NUMBER[d] as number);
      const r = a + scaled;
      if (safe(scaled) && safe(r)) return new Decimal(r, x.s);
    }
  }
  const b = subtract ? -big(m) : big(m);
  const d = x.s - s;
  if (d === 0) return fromBig(big(a) + b, s);
  if (d < 0) return fromBig(big(a) * pow10(-d) + b, s);
  return fromBig(big(a) + b * pow10(d), x.s);
}

/**
 * Whether `text` (or its range `[start, end)`) is a decimal in plain notation (`-12.340`, `7`):
 * no sign `+`, no exponent.
 */
export function isPlainDecimal(text: string, start = 0, end: number = text.length): boolean {
  let i = start < end && text.charCodeAt(start) === 45 ? start + 1 : start;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && point < 0 && digits > 0) point = i;
    else return false;
  }
  return digits > 0 && point !== end - 1;
}
