/**
 * The reconciliation printed after a sync (`src/sync/reconcile.ts`): what differs from Binance,
 * and what to do about it.
 *
 * @module
 */

import type { IncomeCheck, PositionCheck } from "../sync/reconcile.ts";
import { formatTime } from "../time.ts";
import { alignColumns } from "./columns.ts";

const RETENTION_ADVICE = "Binance's API serves only the last 3 months of fills. What helps: " +
  '"sync --from DATE", with a date before those positions opened, requests the older history ' +
  "through Binance's bulk download (about 5 a month; a later sync merges it, or at once with " +
  '--wait); or "import" Binance\'s own trade-history export (website: Orders > Futures > Trade ' +
  "History > Export). Otherwise accept such a position as PARTIAL (prior_qty is what was held " +
  "before the fills in the file; its entry side, P&L, fees and funding cover only the fills in " +
  "the file).";

/**
 * Lines about the ledger's positions against Binance's: each book that differs, PARTIAL
 * positions, and what to do. Empty when the ledger agrees and has no PARTIAL position.
 */
export function positionCheckLines(check: PositionCheck): string[] {
  const lines: string[] = [];
  if (check.mismatches.length > 0) {
    lines.push("Binance's open positions differ from the ledger's:");
    for (const m of check.mismatches) {
      lines.push(`  ${m.symbol} ${m.positionSide}: Binance ${m.exchange}, ledger ${m.ledger}`);
    }
    lines.push(
      'What to do: run "sync --full" once (it re-checks every symbol for fills the income ' +
        "history did not reveal). If the difference stays, the fills of that position are older " +
        "than Binance serves. " + RETENTION_ADVICE,
    );
  }
  const partial = check.partialOpen + check.partialClosed;
  if (partial > 0) {
    lines.push(
      `${partial} position${partial === 1 ? "" : "s"} began before the first fill in the file ` +
        `(status PARTIAL; ${check.partialOpen} still open): the history is incomplete. ` +
        RETENTION_ADVICE,
    );
  }
  return lines;
}

/**
 * The ledger's totals next to the income history's for the same period, per asset, with every
 * difference flagged and explained.
 */
export function incomeCheckLines(check: IncomeCheck): string[] {
  const table: string[][] = [[
    "asset",
    "realized P&L",
    "REALIZED_PNL",
    "commission",
    "COMMISSION",
    "funding",
    "FUNDING_FEE",
    "",
  ]];
  for (const a of check.assets) {
    table.push([
      a.asset,
      `${a.fillsPnl}`,
      `${a.incomePnl}`,
      `${a.fillsCommission}`,
      `${a.incomeCommission}`,
      `${a.ledgerFunding}`,
      `${a.incomeFunding}`,
      a.agrees ? "ok" : "DIFFERS",
    ]);
  }
  const lines = [
    `Ledger against the income history, ${formatTime(check.from)} to ${formatTime(check.to)} ` +
    "(realized P&L and commission: the fills; funding: positions + unattached; capitals: the " +
    "income records):",
    ...alignColumns(table, (c) => c === 0),
  ];
  if (check.assets.some((a) => !a.agrees)) {
    lines.push(
      'A difference means fills missing from the fills file (run "sync --full", or ' +
        '"sync --symbols" for a symbol the income history names), or income records Binance ' +
        "could not page to (see the warnings above).",
    );
  }
  return lines;
}
