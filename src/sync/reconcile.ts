/**
 * Reconciliation after a sync, pure: the ledger's open positions against Binance's
 * (`positionRisk`), and the ledger's realized P&L, commissions and funding against the income
 * history's own totals for the same period.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { SymbolSummary } from "../ledger/summary.ts";
import type { IncomeSums } from "../storage/cache_file.ts";
import type { PositionMap } from "./discovery.ts";
import { ledgerPositions } from "./positions_map.ts";

/** A book whose quantity differs between Binance and the ledger. */
export interface PositionMismatch {
  /** The symbol. */
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: string;
  /** Binance's signed quantity (short negative), `"0"` when flat. */
  readonly exchange: string;
  /** The ledger's, alike. */
  readonly ledger: string;
}

/** How the ledger's positions of one market compare with Binance's. */
export interface PositionCheck {
  /** Books whose quantity or side differ. */
  readonly mismatches: readonly PositionMismatch[];
  /** Positions that began before the fills in the data (PARTIAL), open ones first. */
  readonly partialOpen: number;
  /** Closed PARTIAL positions. */
  readonly partialClosed: number;
}

/**
 * Compares the ledger's open positions of a market (from its symbols' summaries) with Binance's
 * (`onExchange`), and counts its PARTIAL positions.
 */
export function checkPositions(
  summaries: ReadonlyMap<string, SymbolSummary>,
  onExchange: PositionMap,
): PositionCheck {
  const ours = ledgerPositions(summaries);
  let partialOpen = 0;
  let partialClosed = 0;
  for (const summary of summaries.values()) {
    partialClosed += summary.closed.partial;
    partialOpen += summary.open.filter((p) => p.status === "PARTIAL").length;
  }
  const mismatches: PositionMismatch[] = [];
  for (const key of [...new Set([...onExchange.keys(), ...ours.keys()])].sort()) {
    const exchange = onExchange.get(key) ?? "0";
    const held = ours.get(key) ?? "0";
    if (exchange === held) continue;
    const [symbol = "", positionSide = ""] = key.split("|"); // (keys are SYMBOL|SIDE)
    mismatches.push({ symbol, positionSide, exchange, ledger: held });
  }
  return { mismatches, partialOpen, partialClosed };
}

/** One asset's totals from the ledger and from the income history, over the same period. */
export interface AssetTotals {
  /** The asset. */
  readonly asset: string;
  /** Σ realizedPnl of the fills. */
  readonly fillsPnl: Decimal;
  /** Σ REALIZED_PNL income. */
  readonly incomePnl: Decimal;
  /** Σ commission of the fills (paid positive). */
  readonly fillsCommission: Decimal;
  /** −Σ COMMISSION income (paid positive). */
  readonly incomeCommission: Decimal;
  /** Σ funding attached to positions plus unattached, every record. */
  readonly ledgerFunding: Decimal;
  /** Σ FUNDING_FEE income, every record. */
  readonly incomeFunding: Decimal;
  /** Whether each pair agrees. */
  readonly agrees: boolean;
}

/** The comparison with the income history. */
export interface IncomeCheck {
  /** Start of the period: the market's first income record, ms. */
  readonly from: number;
  /** End of the period (a little before the sync), ms. */
  readonly to: number;
  /** One row per asset, alphabetical. */
  readonly assets: readonly AssetTotals[];
}

/**
 * The ledger's totals against the income history's, per asset: realized P&L and commissions of
 * the fills against REALIZED_PNL and COMMISSION records from the market's first income record to
 * the sums' cutoff; funding attached to positions plus unattached (from the symbols' summaries)
 * against every FUNDING_FEE record.
 */
export function checkIncome(
  sums: IncomeSums,
  summaries: ReadonlyMap<string, SymbolSummary>,
): IncomeCheck {
  const funding = new Map<string, Decimal>();
  const add = (asset: string, amount: string | null) => {
    if (amount !== null) {
      funding.set(asset, (funding.get(asset) ?? Decimal.ZERO).plus(Decimal.parse(amount)));
    }
  };
  for (const s of summaries.values()) {
    add(s.asset, s.closed.funding);
    for (const p of s.open) add(s.asset, p.funding);
    for (const [asset, total] of Object.entries(s.unattached.totals)) add(asset, total);
  }
  const assets = [...new Set([...Object.keys(sums.assets), ...funding.keys()])].sort();
  return {
    from: sums.fromMs,
    to: sums.cutoffMs,
    assets: assets.map((asset) => {
      const row = sums.assets[asset];
      const d = (text: string | undefined) => Decimal.parse(text ?? "0").normalize();
      const totals = {
        asset,
        fillsPnl: d(row?.fillsPnl),
        incomePnl: d(row?.incomePnl),
        fillsCommission: d(row?.fillsCommission),
        incomeCommission: d(row?.incomeCommission),
        ledgerFunding: (funding.get(asset) ?? Decimal.ZERO).normalize(),
        incomeFunding: d(row?.incomeFunding),
      };
      return {
        ...totals,
        agrees: totals.fillsPnl.eq(totals.incomePnl) &&
          totals.fillsCommission.eq(totals.incomeCommission) &&
          totals.ledgerFunding.eq(totals.incomeFunding),
      };
    }),
  };
}
