/**
 * Open positions as comparable maps, from Binance's `positionRisk` and from the ledger, so a
 * sync can tell when the exchange holds something the fills do not explain.
 *
 * @module
 */

import type { PositionRiskRow } from "../binance/rows.ts";
import { Decimal } from "../decimal.ts";
import type { SymbolSummary } from "../ledger/summary.ts";
import type { PositionMap } from "./discovery.ts";

/** Binance's non-zero positions: `SYMBOL|positionSide` → signed amount (short negative). */
export function exchangePositions(rows: readonly PositionRiskRow[]): PositionMap {
  const map = new Map<string, string>();
  for (const row of rows) {
    const amount = Decimal.parse(row.positionAmt).normalize();
    if (!amount.isZero()) map.set(`${row.symbol}|${row.positionSide}`, amount.toString());
  }
  return map;
}

/**
 * The ledger's open positions of a market, from its symbols' summaries, keyed and signed like
 * {@linkcode exchangePositions}.
 */
export function ledgerPositions(summaries: ReadonlyMap<string, SymbolSummary>): PositionMap {
  const map = new Map<string, string>();
  for (const [symbol, summary] of summaries) {
    for (const p of summary.open) {
      if (Decimal.parse(p.qty).isZero()) continue;
      map.set(`${symbol}|${p.positionSide}`, p.direction === "SHORT" ? `-${p.qty}` : p.qty);
    }
  }
  return map;
}
