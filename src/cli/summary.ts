/**
 * The table printed at the end of a sync: per symbol, new fills, the open position, and the
 * realized P&L, commission, funding and net P&L over all of the symbol's positions.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Market } from "../fill.ts";
import type { Position } from "../position.ts";

interface Totals {
  pnl: Decimal;
  /** With fees in other assets converted; `undefined` once one has no price. */
  commission: Decimal | undefined;
  /** `undefined` once a position's funding is unknown. */
  funding: Decimal | undefined;
  /** `undefined` once a position's net P&L is unknown. */
  net: Decimal | undefined;
}

interface Row extends Totals {
  symbol: string;
  newFills: number;
  open: string[];
  asset: string;
}

const ZERO: Totals = {
  pnl: Decimal.ZERO,
  commission: Decimal.ZERO,
  funding: Decimal.ZERO,
  net: Decimal.ZERO,
};

/** `t` plus one position's figures. */
function plus(t: Totals, p: Position): Totals {
  return {
    pnl: t.pnl.plus(p.realizedPnl),
    commission: p.commissionConverted === undefined
      ? undefined
      : t.commission?.plus(p.commission).plus(p.commissionConverted),
    funding: p.funding === undefined ? undefined : t.funding?.plus(p.funding),
    net: p.netPnl === undefined ? undefined : t.net?.plus(p.netPnl),
  };
}

/** Text cells of totals. */
function cells(t: Totals, asset: string): string[] {
  const amount = (d: Decimal | undefined) => (d === undefined ? "?" : `${d.normalize()} ${asset}`);
  return [amount(t.pnl), amount(t.commission), amount(t.funding), amount(t.net)];
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
  const totals = new Map<string, Totals>();
  for (const p of positions) {
    if (p.market !== market) continue;
    const row = rows.get(p.symbol) ?? {
      symbol: p.symbol,
      newFills: added.get(p.symbol) ?? 0,
      open: [],
      asset: p.marginAsset,
      ...ZERO,
    };
    rows.set(p.symbol, { ...row, ...plus(row, p) });
    if (p.closeTime === undefined && !p.openQty.isZero()) {
      row.open.push(`${p.direction} ${p.openQty}`);
    }
    totals.set(p.marginAsset, plus(totals.get(p.marginAsset) ?? ZERO, p));
  }
  const shown = [...rows.values()].filter((r) => r.newFills > 0 || r.open.length > 0)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  const table: string[][] = [
    ["symbol", "new fills", "open", "realized P&L", "commission", "funding", "net P&L"],
  ];
  for (const r of shown) {
    table.push([r.symbol, String(r.newFills), r.open.join(", ") || "-", ...cells(r, r.asset)]);
  }
  for (const [asset, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fills = shown.filter((r) => r.asset === asset).reduce((n, r) => n + r.newFills, 0);
    table.push([`all ${asset} symbols`, String(fills), "", ...cells(t, asset)]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 || c === 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ").trimEnd();
  return [line(table[0]), ...table.slice(1).map(line)].join("\n") +
    "\n(all positions in the file; commission includes fees in other assets converted to the " +
    "margin asset; ? where a fee has no price or funding is unknown: see the positions' notes)";
}
