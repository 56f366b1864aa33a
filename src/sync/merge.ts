/**
 * Adding newly fetched records to what the files hold: each record once, in file order.
 *
 * @module
 */

import { compareFillsByTime, type Fill, fillKey } from "../fill.ts";
import { incomeKey, type IncomeRecord } from "../income.ts";

/**
 * `existing` (in file order) plus those of `fetched` not already there, in file order, with
 * the number added. Only the fetched symbols' keys are indexed, so a million existing fills
 * cost no more than a scan.
 */
export function mergeFills(
  existing: readonly Fill[],
  fetched: readonly Fill[],
): { fills: Fill[]; added: Fill[] } {
  const symbols = new Set(fetched.map((f) => `${f.market}|${f.symbol}`));
  const seen = new Set<string>();
  for (const fill of existing) {
    if (symbols.has(`${fill.market}|${fill.symbol}`)) seen.add(fillKey(fill));
  }
  const added: Fill[] = [];
  for (const fill of fetched) {
    const key = fillKey(fill);
    if (!seen.has(key)) {
      seen.add(key);
      added.push(fill);
    }
  }
  added.sort(compareFillsByTime);
  return { fills: mergeSorted(existing, added), added };
}

/** `existing` plus the new ones of `fetched`, with the new ones listed. */
export function mergeIncome(
  existing: readonly IncomeRecord[],
  fetched: readonly IncomeRecord[],
): { records: IncomeRecord[]; added: IncomeRecord[] } {
  const seen = new Set(existing.map(incomeKey));
  const added = fetched.filter((r) => {
    const key = incomeKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { records: [...existing, ...added], added };
}

/** Merges two arrays sorted by file order (when `a` is not sorted, sorts the lot). */
function mergeSorted(a: readonly Fill[], b: readonly Fill[]): Fill[] {
  if (b.length === 0) return [...a];
  const out: Fill[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = compareFillsByTime(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  for (let n = 1; n < out.length; n++) {
    if (compareFillsByTime(out[n - 1], out[n]) > 0) return out.sort(compareFillsByTime);
  }
  return out;
}
