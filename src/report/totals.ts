/**
 * Fees and funding totals per asset, over every position (open ones too: their fees are paid).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { PositionRecord } from "../storage/positions_file.ts";

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
}

/** The fees and funding part of the report. */
export interface FeesAndFunding {
  /** One row per asset, in alphabetical order. */
  readonly assets: readonly AssetTotals[];
  /** Where funding came from. */
  readonly source: FundingSource;
}

/**
 * Totals commissions per asset and takes funding from, in order of preference: the income file's
 * FUNDING_FEE totals (`incomeFunding`), the positions' `funding` column (`hasFundingColumn`), or
 * nowhere ("not synced").
 */
export function feesAndFunding(
  positions: readonly PositionRecord[],
  options: {
    readonly incomeFunding?: { readonly path: string; readonly totals: Map<string, Decimal> };
    readonly hasFundingColumn: boolean;
  },
): FeesAndFunding {
  const commission = new Map<string, Decimal>();
  const funding = new Map<string, Decimal>();
  const add = (into: Map<string, Decimal>, asset: string, amount: Decimal) =>
    into.set(asset, (into.get(asset) ?? Decimal.ZERO).plus(amount));
  let source: FundingSource = { kind: "none" };
  if (options.incomeFunding !== undefined) {
    source = { kind: "income", path: options.incomeFunding.path };
    for (const [asset, amount] of options.incomeFunding.totals) add(funding, asset, amount);
  } else if (options.hasFundingColumn) {
    source = { kind: "positions" };
  }
  for (const p of positions) {
    add(commission, p.marginAsset, p.commission);
    for (const [asset, amount] of p.otherCommission) add(commission, asset, amount);
    if (source.kind === "positions") add(funding, p.marginAsset, p.funding ?? Decimal.ZERO);
  }
  const assets = [...new Set([...commission.keys(), ...funding.keys()])].sort();
  return {
    source,
    assets: assets.map((asset) => ({
      asset,
      commission: (commission.get(asset) ?? Decimal.ZERO).normalize(),
      funding: source.kind === "none"
        ? undefined
        : (funding.get(asset) ?? Decimal.ZERO).normalize(),
    })),
  };
}
