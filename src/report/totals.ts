/**
 * Fees, funding and other income totals per asset: commissions over every position (open ones
 * too: their fees are paid), income over the period; and the period's totals as `export`
 * counts them (`period_totals.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeEntryKind } from "../export/income_kinds.ts";
import type { PositionRecord } from "../storage/positions_file.ts";
import type { PeriodTotals } from "./period_totals.ts";

/** Where the funding figures came from. */
export type FundingSource =
  | { readonly kind: "income"; readonly path: string }
  | { readonly kind: "positions" }
  | { readonly kind: "none" };

/** Fees and funding in one asset. */
export interface AssetTotals {
  /** The asset. */
  readonly asset: string;
  /** Commissions paid in this asset (margin-asset commissions and e.g. BNB fees). */
  readonly commission: Decimal;
  /** Net funding in this asset (received positive, paid negative); `undefined` when not synced. */
  readonly funding: Decimal | undefined;
  /**
   * The other income the export counts in this asset (settlements, fees and rebates, rewards),
   * per kind there is; empty without the income file.
   */
  readonly otherIncome: ReadonlyMap<IncomeEntryKind, Decimal>;
}

/** The fees and funding part of the report. */
export interface FeesAndFunding {
  /** One row per asset, in alphabetical order. */
  readonly assets: readonly AssetTotals[];
  /** Where funding came from. */
  readonly source: FundingSource;
  /** The period's totals as the export counts them; `undefined` without the income file. */
  readonly period: PeriodTotals | undefined;
}

/**
 * Totals commissions per asset and takes funding from, in order of preference: the income file's
 * funding (`income`: the export's funding entries of the period), the positions' `funding`
 * column (`hasFundingColumn`), or nowhere ("not synced"); the other income only from the income
 * file.
 */
export function feesAndFunding(
  positions: readonly PositionRecord[],
  options: {
    readonly income?: { readonly path: string; readonly totals: PeriodTotals };
    readonly hasFundingColumn: boolean;
  },
): FeesAndFunding {
  const commission = new Map<string, Decimal>();
  const funding = new Map<string, Decimal>();
  const other = new Map<string, ReadonlyMap<IncomeEntryKind, Decimal>>();
  const add = (into: Map<string, Decimal>, asset: string, amount: Decimal) =>
    into.set(asset, (into.get(asset) ?? Decimal.ZERO).plus(amount));
  let source: FundingSource = { kind: "none" };
  if (options.income !== undefined) {
    source = { kind: "income", path: options.income.path };
    for (const a of options.income.totals.assets) {
      const paid = a.income.get("funding");
      if (paid !== undefined) add(funding, a.asset, paid);
      const kinds = [...a.income].filter(([kind]) => kind !== "funding");
      if (kinds.length > 0) other.set(a.asset, new Map(kinds));
    }
  } else if (options.hasFundingColumn) {
    source = { kind: "positions" };
  }
  for (const p of positions) {
    add(commission, p.marginAsset, p.commission);
    for (const [asset, amount] of p.otherCommission) add(commission, asset, amount);
    if (source.kind === "positions") add(funding, p.marginAsset, p.funding ?? Decimal.ZERO);
  }
  const assets = [...new Set([...commission.keys(), ...funding.keys(), ...other.keys()])].sort();
  return {
    source,
    period: options.income?.totals,
    assets: assets.map((asset) => ({
      asset,
      commission: (commission.get(asset) ?? Decimal.ZERO).normalize(),
      funding: source.kind === "none"
        ? undefined
        : (funding.get(asset) ?? Decimal.ZERO).normalize(),
      otherIncome: other.get(asset) ?? new Map(),
    })),
  };
}
