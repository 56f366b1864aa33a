/**
 * Reconciliation after a sync, pure: the ledger's open positions against Binance's
 * (`positionRisk`), and the ledger's realized P&L, commissions and funding against the income
 * history's own totals for the same period.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { LedgerFill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { Ledger } from "../ledger/ledger_stream.ts";
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

/** Compares `market`'s open positions in the ledger with Binance's (`onExchange`). */
export function checkPositions(
  ledger: Ledger,
  onExchange: PositionMap,
  market: Market,
): PositionCheck {
  const ours = ledgerPositions(ledger.positions, market);
  const mismatches: PositionMismatch[] = [];
  for (const key of [...new Set([...onExchange.keys(), ...ours.keys()])].sort()) {
    const exchange = onExchange.get(key) ?? "0";
    const held = ours.get(key) ?? "0";
    if (exchange === held) continue;
    const [symbol, positionSide] = key.split("|");
    mismatches.push({ symbol, positionSide, exchange, ledger: held });
  }
  const partial = ledger.positions.filter((p) => p.market === market && p.status === "PARTIAL");
  const partialOpen = partial.filter((p) => p.closeTime === undefined).length;
  return { mismatches, partialOpen, partialClosed: partial.length - partialOpen };
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
  /** Σ funding attached to positions plus unattached. */
  readonly ledgerFunding: Decimal;
  /** Σ FUNDING_FEE income. */
  readonly incomeFunding: Decimal;
  /** Whether each pair agrees. */
  readonly agrees: boolean;
}

/** The comparison with the income history. */
export interface IncomeCheck {
  /** Start of the period: the market's first income record, ms. */
  readonly from: number;
  /** End of the period: the sync's server time, ms. */
  readonly to: number;
  /** One row per asset, alphabetical. */
  readonly assets: readonly AssetTotals[];
}

/**
 * Totals realized P&L and commissions over `market`'s fills, and funding over the ledger, next
 * to the income history's REALIZED_PNL, COMMISSION and FUNDING_FEE totals, per asset, for the
 * period the income history covers (its first record of `market` to `to`). `undefined` without
 * income records of the market.
 */
export function checkIncome(
  fills: readonly LedgerFill[],
  income: readonly IncomeRecord[],
  ledger: Ledger,
  market: Market,
  to: number,
): IncomeCheck | undefined {
  const records = income.filter((r) => r.market === market && r.time <= to);
  if (records.length === 0) return undefined;
  const from = Math.min(...records.map((r) => r.time));
  const sums = new Map<string, Decimal[]>();
  const add = (asset: string, column: number, amount: Decimal) => {
    let row = sums.get(asset);
    if (row === undefined) sums.set(asset, row = Array(6).fill(Decimal.ZERO));
    row[column] = row[column].plus(amount);
  };
  for (const fill of fills) {
    if (fill.market !== market || fill.time < from || fill.time > to) continue;
    add(fill.marginAsset, 0, Decimal.parse(fill.realizedPnl));
    add(fill.commissionAsset, 2, Decimal.parse(fill.commission));
  }
  for (const r of records) {
    if (r.incomeType === "REALIZED_PNL") add(r.asset, 1, Decimal.parse(r.income));
    if (r.incomeType === "COMMISSION") add(r.asset, 3, Decimal.parse(r.income).neg());
    if (r.incomeType === "FUNDING_FEE") add(r.asset, 5, Decimal.parse(r.income));
  }
  const inPeriod = (r: IncomeRecord) => r.market === market && r.time >= from && r.time <= to;
  for (const share of ledger.fundingShares) {
    if (inPeriod(share.record)) add(share.record.asset, 4, share.amount);
  }
  for (const r of ledger.unattachedFunding) {
    if (inPeriod(r)) add(r.asset, 4, Decimal.parse(r.income));
  }
  const assets = [...sums.keys()].sort().map((asset) => {
    const [fillsPnl, incomePnl, fillsCommission, incomeCommission, ledgerFunding, incomeFunding] =
      sums.get(asset)!.map((d) => d.normalize());
    return {
      asset,
      fillsPnl,
      incomePnl,
      fillsCommission,
      incomeCommission,
      ledgerFunding,
      incomeFunding,
      agrees: fillsPnl.eq(incomePnl) && fillsCommission.eq(incomeCommission) &&
        ledgerFunding.eq(incomeFunding),
    };
  });
  return { from, to, assets };
}
