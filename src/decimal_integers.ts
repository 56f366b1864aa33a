/**
 * Integer arithmetic under `Decimal` (`decimal.ts`): what is exact in floats, and rounding.
 *
 * @module
 */

/**
 * 10^0 … 10^15 as floats: all exact.
 *
 * Every index into it below is checked within 0 … 15 first; the `as number` casts only say so to
 * the type checker (noUncheckedIndexedAccess) and compile away, off the arithmetic's hot path.
 */
export const POW10_NUMBER: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

const MAX = Number.MAX_SAFE_INTEGER;

/** Whether a float holds an integer exactly: |x| ≤ 2^53 − 1 (and not NaN). */
export function safe(x: number): boolean {
  return x <= MAX && x >= -MAX;
}

/**
 * `(a × 10^-sa) ÷ (b × 10^-sb)` rounded half-even to `places` decimals, as `[mantissa, scale]`,
 * for safe-integer mantissas (`b` ≠ 0): long division in floats, digit chunk by digit chunk, every
 * step exact (`%` of two floats is exact, and so is a quotient known to be a safe integer).
 * `undefined` when a step would leave the safe integers: BigInt must do it.
 */
export function divideSafeIntegers(
  a: number,
  sa: number,
  b: number,
  sb: number,
  places: number,
): [number, number] | undefined {
  const negative = (a < 0) !== (b < 0);
  const n = a < 0 ? -a : a;
  let d = b < 0 ? -b : b;
  // The mantissa at `places` is n × 10^digits ÷ d, rounded.
  let digits = sb + places - sa;
  if (digits < 0) {
    if (-digits > 15) return undefined;
    d *= POW10_NUMBER[-digits] as number;
    if (!safe(d)) return undefined;
    digits = 0;
  }
  let r = n % d;
  let q = (n - r) / d;
  // Digits brought down per step: r < d and d × 10^room ≤ 2^53 − 1, so r × 10^room is exact.
  let room = 15;
  while (room > 0 && d * (POW10_NUMBER[room] as number) > MAX) room--;
  while (digits > 0) {
    if (r === 0) { // the rest are zeros: exact
      const scale = places - digits;
      if (scale >= 0) return [negative ? -q : q, scale];
      if (-scale > 15 || !safe(q * (POW10_NUMBER[-scale] as number))) return undefined;
      const m = q * (POW10_NUMBER[-scale] as number);
      return [negative ? -m : m, 0];
    }
    if (room === 0) return undefined;
    const k = room < digits ? room : digits;
    const t = r * (POW10_NUMBER[k] as number);
    r = t % d;
    q = q * (POW10_NUMBER[k] as number) + (t - r) / d;
    if (!safe(q)) return undefined;
    digits -= k;
  }
  const twice = r * 2;
  if (twice > d || (twice === d && q % 2 === 1)) q++;
  if (!safe(q)) return undefined;
  return [negative ? -q : q, places];
}

/** `n / d` (d > 0) rounded to the nearest integer, ties to even. */
export function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const awayFromZero = twice > d || (twice === d && q % 2n !== 0n);
  if (!awayFromZero) return q;
  return r < 0n ? q - 1n : q + 1n;
}
