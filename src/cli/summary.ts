/**
 * The table printed at the end of a sync: per symbol, new fills, the open position, and the
 * realized P&L, commission and net over all of the symbol's fills in the file.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Market } from "../fill.ts";
import type { Position } from "../position.ts";

interface Row {
  symbol: string;
  newFills: number;
  open: string[];
  pnl: Decimal;
  commission: Decimal;
  asset: string;
}

/**
 * The summary of a sync of `market`: symbols with new fills or an open position, then a total per
 * margin asset over every symbol.
 */
export function summaryTable(
  positions: readonly Position[],
  added: ReadonlyMap<string, number>,
  market: Market,
): string {
  const rows = new Map<string, Row>();
  const totals = new Map<string, { pnl: Decimal; commission: Decimal }>();
  for (const p of positions) {
    if (p.market !== market) continue;
    let row = rows.get(p.symbol);
    if (row === undefined) {
      row = {
        symbol: p.symbol,
        newFills: added.get(p.symbol) ?? 0,
        open: [],
        pnl: Decimal.ZERO,
        commission: Decimal.ZERO,
        asset: p.marginAsset,
      };
      rows.set(p.symbol, row);
    }
    row.pnl = row.pnl.plus(p.realizedPnl);
    row.commission = row.commission.plus(p.commission);
    if (p.closeTime === undefined && !p.openQty.isZero()) {
      row.open.push(`${p.direction} ${p.openQty}`);
    }
    const total = totals.get(p.marginAsset) ?? { pnl: Decimal.ZERO, commission: Decimal.ZERO };
    totals.set(p.marginAsset, {
      pnl: total.pnl.plus(p.realizedPnl),
      commission: total.commission.plus(p.commission),
    });
  }
  const shown = [...rows.values()].filter((r) => r.newFills > 0 || r.open.length > 0)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  const table: string[][] = [["symbol", "new fills", "open", "realized P&L", "commission", "net"]];
  for (const r of shown) {
    table.push([
      r.symbol,
      String(r.newFills),
      r.open.join(", ") || "-",
      `${r.pnl.normalize()} ${r.asset}`,
      `${r.commission.normalize()} ${r.asset}`,
      `${r.pnl.minus(r.commission).normalize()} ${r.asset}`,
    ]);
  }
  for (const [asset, t] of totals) {
    const fills = shown.filter((r) => r.asset === asset).reduce((n, r) => n + r.newFills, 0);
    table.push([
      `all ${asset} symbols`,
      String(fills),
      "",
      `${t.pnl.normalize()} ${asset}`,
      `${t.commission.normalize()} ${asset}`,
      `${t.pnl.minus(t.commission).normalize()} ${asset}`,
    ]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 || c === 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ").trimEnd();
  return [line(table[0]), ...table.slice(1).map(line)].join("\n") +
    "\n(P&L and commission: all fills in the file, commission in the margin asset only)";
}
