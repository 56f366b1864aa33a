/**
 * Open positions as comparable maps, from Binance's `positionRisk` and from the ledger, so a
 * sync can tell when the exchange holds something the fills do not explain.
 *
 * @module
 */

import type { PositionRiskRow } from "../binance/rows.ts";
import { Decimal } from "../decimal.ts";
import type { Market } from "../fill.ts";
import type { Position } from "../position.ts";
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

/** The ledger's open positions of `market`, keyed and signed like {@linkcode exchangePositions}. */
export function ledgerPositions(positions: readonly Position[], market: Market): PositionMap {
  const map = new Map<string, string>();
  for (const p of positions) {
    if (p.market !== market || p.closeTime !== undefined || p.openQty.isZero()) continue;
    const signed = p.direction === "SHORT" ? p.openQty.neg() : p.openQty;
    map.set(`${p.symbol}|${p.positionSide}`, signed.normalize().toString());
  }
  return map;
}
