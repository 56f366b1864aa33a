/**
 * Exact decimal arithmetic on BigInt fixed-point numbers.
 *
 * Money, prices and quantities arrive from Binance as decimal strings. A `Decimal` keeps them
 * exact: `value = mantissa × 10^-scale`. Sums and products are exact; the only inexact operation
 * is {@linkcode Decimal.div}, which rounds half-even to a stated number of places.
 *
 * Why not big.js: `BENCHMARKS.md` ("Decimal arithmetic") measures this type about 5× faster on
 * the ledger's hot loop, which the 1,000,000 fills/s target needs.
 *
 * @module
 */

const POW10: bigint[] = [1n];
for (let i = 1; i <= 64; i++) POW10.push(POW10[i - 1] * 10n);

/** 10^n as a BigInt. */
function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n] : 10n ** BigInt(n);
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

/** An exact decimal number: `m × 10^-s`, with `s ≥ 0`. Immutable. */
export class Decimal {
  /** The mantissa. */
  readonly m: bigint;
  /** The scale: the number of digits after the decimal point. */
  readonly s: number;

  /** Zero, with scale 0. */
  static readonly ZERO: Decimal = new Decimal(0n, 0);

  /** Builds `m × 10^-s`. Prefer {@linkcode Decimal.parse} for text. */
  constructor(m: bigint, s: number) {
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
    // Fast path, no regular expression: plain notation with at most 15 digits, which a float
    // holds exactly.
    const length = text.length;
    let i = length > 0 && (text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43) ? 1 : 0;
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
      const mantissa = BigInt(text.charCodeAt(0) === 45 ? -m : m);
      return new Decimal(mantissa, point < 0 ? 0 : length - point - 1);
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
    return new Decimal(sign === "-" ? -m : m, s);
  }

  /** `this + other`, exact. */
  plus(other: Decimal): Decimal {
    const d = this.s - other.s;
    if (d === 0) return new Decimal(this.m + other.m, this.s);
    if (d < 0) return new Decimal(this.m * pow10(-d) + other.m, other.s);
    return new Decimal(this.m + other.m * pow10(d), this.s);
  }

  /** `this − other`, exact. */
  minus(other: Decimal): Decimal {
    const d = this.s - other.s;
    if (d === 0) return new Decimal(this.m - other.m, this.s);
    if (d < 0) return new Decimal(this.m * pow10(-d) - other.m, other.s);
    return new Decimal(this.m - other.m * pow10(d), this.s);
  }

  /** `this × other`, exact. */
  times(other: Decimal): Decimal {
    return new Decimal(this.m * other.m, this.s + other.s);
  }

  /**
   * `this ÷ divisor`, rounded half-even to `places` decimals, trailing zeros removed, so a quotient
   * that is exact within `places` decimals is returned exactly.
   *
   * @throws {RangeError} when `divisor` is zero.
   */
  div(divisor: Decimal, places = 12): Decimal {
    if (divisor.m === 0n) throw new RangeError("division by zero");
    // this/divisor = (m1·10^s2) / (m2·10^s1); scaled by 10^places.
    let n = this.m * pow10(divisor.s + places);
    let d = divisor.m * pow10(this.s);
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return new Decimal(roundHalfEven(n, d), places).normalize();
  }

  /** This value rounded half-even to `places` decimals (only ever reduces the scale). */
  round(places: number): Decimal {
    if (this.s <= places) return this;
    return new Decimal(roundHalfEven(this.m, pow10(this.s - places)), places);
  }

  /** The same value with trailing fractional zeros removed (`"1.2300"` → `"1.23"`). */
  normalize(): Decimal {
    let { m, s } = this;
    if (m === 0n) return s === 0 ? this : Decimal.ZERO;
    while (s > 0 && m % 10n === 0n) {
      m /= 10n;
      s--;
    }
    return s === this.s ? this : new Decimal(m, s);
  }

  /** `-this`. */
  neg(): Decimal {
    return new Decimal(-this.m, this.s);
  }

  /** `|this|`. */
  abs(): Decimal {
    return this.m < 0n ? this.neg() : this;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.m < 0n ? -1 : this.m > 0n ? 1 : 0;
  }

  /** Whether this is exactly zero (whatever the scale). */
  isZero(): boolean {
    return this.m === 0n;
  }

  /** -1, 0 or 1 as `this` is less than, equal to or greater than `other`. */
  cmp(other: Decimal): -1 | 0 | 1 {
    const diff = this.minus(other).m;
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
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
    const negative = this.m < 0n;
    let digits = (negative ? -this.m : this.m).toString();
    if (this.s > 0) {
      if (digits.length <= this.s) digits = "0".repeat(this.s - digits.length + 1) + digits;
      const point = digits.length - this.s;
      digits = digits.slice(0, point) + "." + digits.slice(point);
    }
    return negative ? "-" + digits : digits;
  }
}

/** `n / d` (d > 0) rounded to the nearest integer, ties to even. */
function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const awayFromZero = twice > d || (twice === d && q % 2n !== 0n);
  if (!awayFromZero) return q;
  return r < 0n ? q - 1n : q + 1n;
}

/** Whether `text` is a decimal in plain notation (`-12.340`, `7`): no sign `+`, no exponent. */
export function isPlainDecimal(text: string): boolean {
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let point = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && point < 0 && digits > 0) point = i;
    else return false;
  }
  return digits > 0 && point !== text.length - 1;
}
