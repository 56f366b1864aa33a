/**
 * The table printed at the end of a sync: per symbol, new fills, the open position, and the
 * realized P&L, commission, funding and net P&L over all of the symbol's positions.
 *
 * @module
 */

import { type PositionTotals, sumTotals, type SymbolSummary } from "../ledger/summary.ts";
import { alignColumns } from "./columns.ts";

/** Text cells of totals. */
function cells(t: PositionTotals, asset: string): string[] {
  const amount = (d: string | null) => (d === null ? "?" : `${d} ${asset}`);
  return [amount(t.realizedPnl), amount(t.commission), amount(t.funding), amount(t.netPnl)];
}

/**
 * The summary of a sync of one market, from its symbols' summaries: symbols with new fills or an
 * open position, then a total per margin asset over every symbol (the note says how many have no
 * row).
 */
export function summaryTable(
  summaries: ReadonlyMap<string, SymbolSummary>,
  added: ReadonlyMap<string, number>,
): string {
  const table: string[][] = [
    ["symbol", "new fills", "open", "realized P&L", "commission", "funding", "net P&L"],
  ];
  const byAsset = new Map<string, { totals: PositionTotals[]; fills: number }>();
  let quiet = 0; // symbols in the totals without a row
  for (const [symbol, s] of [...summaries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (s.closed.count === 0 && s.open.length === 0) continue; // funding only
    const totals = sumTotals([s.closed, ...s.open]);
    const asset = byAsset.get(s.asset) ?? { totals: [], fills: 0 };
    byAsset.set(s.asset, asset);
    asset.totals.push(totals);
    const newFills = added.get(symbol) ?? 0;
    const open = s.open.filter((p) => p.qty !== "0").map((p) => `${p.direction} ${p.qty}`);
    if (newFills === 0 && open.length === 0) {
      quiet++;
      continue;
    }
    asset.fills += newFills;
    table.push([symbol, String(newFills), open.join(", ") || "-", ...cells(totals, s.asset)]);
  }
  for (const [asset, { totals, fills }] of [...byAsset].sort(([a], [b]) => (a < b ? -1 : 1))) {
    table.push([`all ${asset} symbols`, String(fills), "", ...cells(sumTotals(totals), asset)]);
  }
  const unlisted = quiet === 0
    ? ""
    : `; the totals count ${quiet} more symbol${quiet === 1 ? "" : "s"}, without new fills or ` +
      "an open position";
  return alignColumns(table, (c) => c === 0 || c === 2).join("\n") +
    `\n(all positions in the file${unlisted}; commission includes fees in other assets ` +
    "converted to the margin asset; ? where a fee has no price or funding is unknown: see the " +
    "positions' notes)";
}
