/**
 * Sharing a number of fills among symbols: one busy symbol above 5,000 fills when the total
 * allows, the others skewed like a real trader's (a few favourites, a long tail).
 *
 * @module
 */

import { at } from "../support/indexed.ts";
import type { Prng } from "./prng.ts";

/** Splits `fills` over `n` symbols: one above 5,000 when the total allows, the rest skewed. */
export function allocate(fills: number, n: number, rng: Prng): number[] {
  if (n === 0) return [];
  const counts = new Array<number>(n).fill(0);
  let rest = fills;
  if (fills >= 5_001 + 4 * (n - 1)) {
    counts[0] = Math.max(5_001, Math.round(fills * 0.3));
    rest -= counts[0];
  }
  const weights = counts.map((
    _,
    i,
  ) => (i === 0 && at(counts, 0) > 0 ? 0 : (0.3 + rng.next()) / (i + 1) ** 0.7));
  const total = weights.reduce((a, b) => a + b, 0);
  let given = 0;
  weights.forEach((w, i) => {
    const c = Math.floor((rest * w) / total);
    counts[i] = at(counts, i) + c;
    given += c;
  });
  const last = at(counts, 0) > 0 && n > 1 ? 1 : 0; // the busy symbol keeps its 5,001 and more
  counts[last] = at(counts, last) + (rest - given);
  return counts;
}
