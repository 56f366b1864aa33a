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
import { datePart, formatTime, splitTime } from "../time.ts";

/** 10^k, exact as floats up to 10^22. */
const POW10 = Array.from({ length: 17 }, (_, k) => 10 ** k);
const encoder = new TextEncoder();

/** One line at a time, in a buffer reused from line to line. */
export class LineBytes {
  #buffer = new Uint8Array(1024);
  #at = 0;
  // The date part (`2025-01-01T`) of the last time written, and its bytes: most times share it.
  #dateText = "";
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
    if (typeof value.m !== "number") return this.text(value.toString());
    let m: number = value.m;
    const s = value.s;
    if (m < 0) {
      this.#room(1);
      this.#buffer[this.#at++] = 45; // -
      m = -m;
    }
    let digits = 1;
    while (digits < 16 && m >= POW10[digits]) digits++;
    const width = s === 0 ? digits : Math.max(digits, s + 1) + 1;
    this.#room(width);
    const buffer = this.#buffer;
    let at = this.#at + width;
    // Digits from the right, the point after the scale's; at least one digit before the point.
    // Both divisions are exact: m / 10 is below 2^50, where floats are 1/8 apart or closer, so
    // a quotient's .9 never rounds up to the next integer.
    let k = 0;
    do {
      const q = m < 2147483648 ? (m / 10) | 0 : Math.floor(m / 10);
      const digit = m - 10 * q;
      m = q;
      buffer[--at] = 48 + digit;
      if (++k === s) buffer[--at] = 46; // .
    } while (m > 0 || k <= s);
    this.#at += width;
  }

  /** A time as `formatTime` prints it (`2025-01-01T00:13:20.875Z`). */
  time(ms: number): void {
    if (!Number.isInteger(ms)) return this.text(formatTime(ms));
    const t = splitTime(ms);
    const date = datePart(t.day);
    if (date !== this.#dateText) {
      this.#dateText = date;
      this.#date = encoder.encode(date);
    }
    this.#room(this.#date.length + 13);
    const buffer = this.#buffer;
    buffer.set(this.#date, this.#at);
    let at = this.#at + this.#date.length;
    at = twoDigits(buffer, at, t.hours);
    buffer[at++] = 58; // :
    at = twoDigits(buffer, at, t.minutes);
    buffer[at++] = 58;
    at = twoDigits(buffer, at, t.seconds);
    buffer[at++] = 46; // .
    buffer[at++] = 48 + Math.floor(t.millis / 100);
    at = twoDigits(buffer, at, t.millis % 100);
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

/** `n` (0–99) as two digits at `at`; returns where they end. */
function twoDigits(buffer: Uint8Array, at: number, n: number): number {
  const tens = Math.floor(n / 10);
  buffer[at] = 48 + tens;
  buffer[at + 1] = 48 + n - 10 * tens;
  return at + 2;
}
