/**
 * A CSV line written straight to UTF-8 bytes: numbers, times and plain words digit by digit,
 * without making a string of each field, then of the line, then encoding it. What writes the
 * positions of a rebuild, hundreds of thousands of lines a second.
 *
 * @example
 * ```ts
 * import { LineBytes } from "./line_bytes.ts";
 * import { Decimal } from "../decimal.ts";
 * const line = new LineBytes();
 * line.text("BTCUSDT");
 * line.comma();
 * line.decimal(Decimal.parse("-0.0500")); // kept as written: -5 × 10^-4
 * line.comma();
 * line.time(1_735_690_400_875); // 2025-01-01 00:13:20.875 UTC
 * line.comma();
 * line.text("café"); // é: two bytes
 * line.end();
 * const text = new TextDecoder().decode(line.bytes());
 * if (text !== "BTCUSDT,-0.0500,2025-01-01T00:13:20.875Z,café\n") throw new Error(text);
 * ```
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import { datePart, formatTime } from "../time.ts";

/**
 * 10^k, k from 0 to 15 (exact as floats).
 *
 * Indexes into it and into `PAIRS` are in range by construction (a scale checked under 16, a
 * count under 16, a pair of digits under 100): their `as number` casts only tell the type checker
 * (noUncheckedIndexedAccess) so, and compile away, out of the loops that write every position.
 */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

const DAY_MS = 86_400_000;
const encoder = new TextEncoder();

/** One line at a time, in a buffer reused from line to line. */
export class LineBytes {
  #buffer = new Uint8Array(1024);
  #at = 0;
  // The UTC day of the last time written, and its date part's bytes (`2025-01-01T`): most
  // times share it.
  #day = NaN;
  #date = new Uint8Array(0);

  /** The line written since the last {@linkcode clear}: valid until the next write. */
  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#at);
  }

  /** Starts a new line. */
  clear(): void {
    this.#at = 0;
  }

  /** A comma. */
  comma(): void {
    this.#room(1);
    this.#buffer[this.#at++] = 44;
  }

  /** The line break that ends a line. */
  end(): void {
    this.#room(1);
    this.#buffer[this.#at++] = 10;
  }

  /** `text` as it is (quote it first if it may need it), in UTF-8. */
  text(text: string): void {
    this.#room(text.length);
    const buffer = this.#buffer;
    const from = this.#at;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII: encoded whole, with room for 3 bytes per UTF-16 unit.
        this.#room(3 * text.length);
        this.#at = from + encoder.encodeInto(text, this.#buffer.subarray(from)).written;
        return;
      }
      buffer[from + i] = c;
    }
    this.#at = from + text.length;
  }

  /** A whole number (as `String(n)` prints it). */
  integer(n: number): void {
    this.text(String(n));
  }

  /** A decimal as `Decimal.toString` prints it (all of its scale's digits); nothing if absent. */
  decimal(value: Decimal | undefined): void {
    if (value === undefined) return;
    const signed = value.m;
    const s = value.s;
    // A BigInt mantissa, or a scale over 15 (10^s no longer exact): as text.
    if (typeof signed !== "number" || s > 15) return this.text(value.toString());
    this.#room(s + 19); // a sign, 16 digits, a point, the scale's leading zeros
    const buffer = this.#buffer;
    let at = this.#at;
    if (signed < 0) buffer[at++] = 45; // -
    const m = signed < 0 ? -signed : signed;
    if (s === 0) at = digits(buffer, at, m, digitsOf(m));
    else {
      // m = w × 10^s + f, both exact: a float remainder of integers is exact, and so is the
      // quotient of a multiple of 10^s by 10^s (a safe integer).
      const unit = POW10[s] as number;
      const f = m % unit;
      const w = (m - f) / unit;
      at = digits(buffer, at, w, digitsOf(w));
      buffer[at++] = 46; // .
      at = digits(buffer, at, f, s);
    }
    this.#at = at;
  }

  /** A time as `formatTime` prints it (`2025-01-01T00:13:20.875Z`). */
  time(ms: number): void {
    if (!Number.isInteger(ms)) return this.text(formatTime(ms));
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#date = encoder.encode(datePart(day));
    }
    const date = this.#date;
    this.#room(date.length + 13);
    const buffer = this.#buffer;
    buffer.set(date, this.#at);
    let at = this.#at + date.length;
    // The time of day, below 86,400,000: whole 32-bit numbers from here on.
    let rest = (ms - day * DAY_MS) | 0;
    const hours = (rest / 3_600_000) | 0;
    rest -= hours * 3_600_000;
    const minutes = (rest / 60_000) | 0;
    rest -= minutes * 60_000;
    const seconds = (rest / 1000) | 0;
    const millis = rest - seconds * 1000;
    at = fixed(buffer, at, hours, 2);
    buffer[at++] = 58; // :
    at = fixed(buffer, at, minutes, 2);
    buffer[at++] = 58;
    at = fixed(buffer, at, seconds, 2);
    buffer[at++] = 46; // .
    at = fixed(buffer, at, millis, 3);
    buffer[at++] = 90; // Z
    this.#at = at;
  }

  /** Makes room for `n` more bytes. */
  #room(n: number): void {
    if (this.#at + n <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(2 * this.#buffer.length, this.#at + n));
    grown.set(this.#buffer.subarray(0, this.#at));
    this.#buffer = grown;
  }
}

/** The digits of 00 to 99, two bytes each. */
const PAIRS = new Uint8Array(200);
for (let n = 0; n < 100; n++) {
  PAIRS[2 * n] = 48 + Math.floor(n / 10);
  PAIRS[2 * n + 1] = 48 + (n % 10);
}

/** How many digits `n` (a whole number below 2^53) has; 1 for 0. */
function digitsOf(n: number): number {
  let count = 1;
  while (count < 16 && n >= (POW10[count] as number)) count++;
  return count;
}

/**
 * `n`, a whole number below 10^`width` (`width` at most 16), as exactly `width` digits (leading
 * zeros) at `at`. Returns where they end.
 */
function digits(buffer: Uint8Array, at: number, n: number, width: number): number {
  if (width <= 9) return fixed(buffer, at, n, width);
  // The last 9 digits apart. n / 10^9 is below 2^24, where floats are 2^-29 apart or closer:
  // its fraction, at most 1 - 10^-9, never rounds up to the next integer.
  const high = Math.floor(n / 1e9);
  at = fixed(buffer, at, high, width - 9);
  return fixed(buffer, at, n - high * 1e9, 9);
}

/**
 * `n`, a whole number below 10^`width` (at most 10^9), as exactly `width` digits (leading zeros)
 * at `at`: two digits a step, in 32-bit arithmetic. Returns where they end.
 */
function fixed(buffer: Uint8Array, at: number, n: number, width: number): number {
  const end = at + width;
  let x = n | 0;
  let i = end;
  while (i - at >= 2) {
    const q = (x / 100) | 0;
    const pair = 2 * (x - 100 * q);
    buffer[--i] = PAIRS[pair + 1] as number;
    buffer[--i] = PAIRS[pair] as number;
    x = q;
  }
  if (i > at) buffer[--i] = 48 + x;
  return end;
}
