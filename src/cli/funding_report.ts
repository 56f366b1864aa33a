/**
 * Telling the user about funding that no position took (`src/ledger/funding.ts`).
 *
 * @module
 */

import type { UnattachedTotals } from "../ledger/summary.ts";
import { formatTime } from "../time.ts";

/**
 * Lines reporting FUNDING_FEE records attached to no position: their total per asset, then the
 * first few records. Empty when there are none.
 */
export function unattachedLines(unattached: UnattachedTotals): string[] {
  const { count, totals, first } = unattached;
  if (count === 0) return [];
  const sums = Object.entries(totals).map(([asset, total]) => `${total} ${asset}`).join(", ");
  const lines = [
    `${count} funding record${count === 1 ? "" : "s"} (${sums}) found no ` +
    "open position in the fills file (held before the fills begin, or fills missing); they " +
    "count in no position's funding:",
  ];
  for (const r of first) {
    lines.push(
      `  ${formatTime(r.time)} ${r.market} ${r.symbol} ${r.income} ${r.asset} (tranId ${r.tranId})`,
    );
  }
  if (count > first.length) lines.push(`  … and ${count - first.length} more`);
  return lines;
}
