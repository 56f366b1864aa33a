/**
 * Where a field of a known kind ends in an unquoted CSV row, or -1 when the field is not plainly
 * of that kind: one pass over the characters that both checks and cuts a field, for the fast
 * readers of the data files futures-ledger writes (`fill_line.ts`, `income_line.ts`). A field
 * ends at its comma or at `end`, the row's end.
 *
 * @example
 * ```ts
 * import { decimalEnd, idEnd, nameEnd } from "./field_ends.ts";
 * const row = "BTCUSDT,-0.50,0012";
 * if (nameEnd(row, 0, row.length, 40, true) !== 7) throw new Error();
 * if (decimalEnd(row, 8, row.length, false) !== 13) throw new Error(); // -0.50
 * if (decimalEnd(row, 8, row.length, true) !== -1) throw new Error(); // signed: not positive
 * if (idEnd(row, 14, row.length) !== -1) throw new Error(); // a leading zero
 * ```
 *
 * @module
 */

import { rangeIs } from "./row_view.ts";

/** Where the field starting at `at` ends: its comma, or `end`. */
export function fieldEnd(t: string, at: number, end: number): number {
  const comma = t.indexOf(",", at);
  return comma === -1 || comma > end ? end : comma;
}

/** The end of the field at `at` if it is exactly `word`, else -1. */
export function wordEnd(t: string, at: number, end: number, word: string): number {
  const to = at + word.length;
  if (to > end || (to < end && t.charCodeAt(to) !== 44)) return -1;
  return rangeIs(t, at, to, word) ? to : -1;
}

/**
 * The end of the field at `at` if it is a plain decimal (`isPlainDecimal`: `-12.30`, `7`), else
 * -1; with `positive`, also without a sign and with a non-zero digit.
 */
export function decimalEnd(t: string, at: number, end: number, positive: boolean): number {
  let i = at;
  if (i < end && t.charCodeAt(i) === 45) {
    if (positive) return -1;
    i++;
  }
  let digits = 0;
  let point = false;
  let nonZero = false;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (c !== 48) nonZero = true;
    } else if (c === 46 && !point && digits > 0) {
      point = true;
    } else if (c === 44) {
      break;
    } else {
      return -1;
    }
  }
  if (digits === 0 || t.charCodeAt(i - 1) === 46 || (positive && !nonZero)) return -1;
  return i;
}

/** The end of the field at `at` if it is a whole number as ids are written (no leading 0), else -1. */
export function idEnd(t: string, at: number, end: number): number {
  let i = at;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 44) break;
    if (c < 48 || c > 57) return -1;
  }
  if (i === at || (i - at > 1 && t.charCodeAt(at) === 48)) return -1;
  return i;
}

/**
 * The end of the field at `at` if it is 1–`max` of A–Z, 0–9 (unless not `digits`) and `_` (if
 * `underscore`), else -1.
 */
export function nameEnd(
  t: string,
  at: number,
  end: number,
  max: number,
  underscore: boolean,
  digits = true,
): number {
  let i = at;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 44) break;
    if (!((c >= 65 && c <= 90) || (digits && c >= 48 && c <= 57) || (underscore && c === 95))) {
      return -1;
    }
  }
  return i === at || i - at > max ? -1 : i;
}
