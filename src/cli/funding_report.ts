/**
 * Telling the user about funding that no position took (`src/ledger/funding.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeRecord } from "../income.ts";
import { formatTime } from "../time.ts";

/** How many unattached records are listed one by one before the rest is only counted. */
const LISTED = 10;

/**
 * Lines reporting FUNDING_FEE records attached to no position: their total per asset, then the
 * first few records. Empty when there are none.
 */
export function unattachedLines(records: readonly IncomeRecord[]): string[] {
  if (records.length === 0) return [];
  const totals = new Map<string, Decimal>();
  for (const r of records) {
    totals.set(r.asset, (totals.get(r.asset) ?? Decimal.ZERO).plus(Decimal.parse(r.income)));
  }
  const sums = [...totals].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([asset, total]) => `${total.normalize()} ${asset}`).join(", ");
  const lines = [
    `${records.length} funding record${records.length === 1 ? "" : "s"} (${sums}) found no ` +
    "open position in the fills file (held before the fills begin, or fills missing); they " +
    "count in no position's funding:",
  ];
  for (const r of records.slice(0, LISTED)) {
    lines.push(
      `  ${formatTime(r.time)} ${r.market} ${r.symbol} ${r.income} ${r.asset} (tranId ${r.tranId})`,
    );
  }
  if (records.length > LISTED) lines.push(`  … and ${records.length - LISTED} more`);
  return lines;
}
