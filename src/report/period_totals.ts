/**
 * The report's totals for its scope as `export` counts them, per asset: the round trips'
 * realized P&L and commissions, the income records that become an entry (funding, and the other
 * income the export writes: settlements, fees and rebates, rewards), and the records it leaves
 * out with a warning. Pure.
 *
 * The figures are the sums of the export's own entries (`exportEntries`), so the report's net
 * for a period is, per asset, the total `export` prints for it. What an income type counts as
 * is decided in one place, `incomeTreatment` (`src/export/income_kinds.ts`, through
 * `exportEntries` and `leftOutIncome`): the report names no type, so when that rule changes,
 * the report follows.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { exportEntries, type LeftOutIncome, leftOutIncome } from "../export/entries.ts";
import type { IncomeEntryKind } from "../export/income_kinds.ts";
import type { IncomeRecord } from "../income.ts";
import type { PositionRecord } from "../storage/positions_file.ts";
import { incomeInScope, positionsInScope, type ReportScope } from "./scope.ts";

/** One asset's totals for the period. */
export interface AssetPeriodTotals {
  /** The asset. */
  readonly asset: string;
  /** Σ realized P&L of the round trips whose margin asset it is (before fees). */
  readonly realized: Decimal;
  /** Σ commissions of the round trips paid in it, signed: negative (paid) or zero. */
  readonly commission: Decimal;
  /** Σ of each kind of income entry in it (funding, settlement, fee, reward), where there is any. */
  readonly income: ReadonlyMap<IncomeEntryKind, Decimal>;
  /** realized + commission + Σ income: the export's total for the asset. */
  readonly net: Decimal;
}

/** What the export would count for the scope, and what it would leave out. */
export interface PeriodTotals {
  /** One per asset with an entry, alphabetical. */
  readonly assets: readonly AssetPeriodTotals[];
  /** The income records in scope the export leaves out with a warning (not counted here). */
  readonly notCounted: readonly LeftOutIncome[];
}

/**
 * The totals of `scope`: the export's entries of the round trips and income records in scope,
 * summed per asset and kind, exact and without trailing zeros. With `--symbols`, an account-wide
 * income record (of no contract) is out of scope, as its funding is (`incomeInScope`).
 *
 * @example
 * ```ts
 * import { periodTotals } from "./period_totals.ts";
 * const { assets, notCounted } = periodTotals([], [
 *   { market: "usdm", time: 0, symbol: "", incomeType: "COMMISSION_REBATE", income: "0.5",
 *     asset: "USDT", info: "", tranId: "1", tradeId: "" },
 *   { market: "usdm", time: 0, symbol: "", incomeType: "OPTIONS_PREMIUM_FEE", income: "-2",
 *     asset: "USDT", info: "", tranId: "2", tradeId: "" },
 * ], { period: {} });
 * if (`${assets[0]?.income.get("fee")}` !== "0.5" || `${assets[0]?.net}` !== "0.5") throw 0;
 * if (notCounted[0]?.incomeType !== "OPTIONS_PREMIUM_FEE") throw 1;
 * ```
 */
export function periodTotals(
  positions: readonly PositionRecord[],
  income: readonly IncomeRecord[],
  scope: ReportScope,
): PeriodTotals {
  const records = incomeInScope(income, scope);
  const entries = exportEntries(positionsInScope(positions, scope), records, scope.period);
  const byAsset = new Map<
    string,
    { realized: Decimal; commission: Decimal; income: Map<IncomeEntryKind, Decimal> }
  >();
  for (const e of entries) {
    const totals = byAsset.get(e.asset) ??
      { realized: Decimal.ZERO, commission: Decimal.ZERO, income: new Map() };
    byAsset.set(e.asset, totals);
    if (e.kind === "realized") totals.realized = totals.realized.plus(e.amount);
    else if (e.kind === "commission") totals.commission = totals.commission.plus(e.amount);
    else totals.income.set(e.kind, (totals.income.get(e.kind) ?? Decimal.ZERO).plus(e.amount));
  }
  const assets = [...byAsset].sort(([a], [b]) => (a < b ? -1 : 1)).map(([asset, t]) => {
    const income = [...t.income.values()].reduce((sum, d) => sum.plus(d), Decimal.ZERO);
    return {
      asset,
      realized: t.realized.normalize(),
      commission: t.commission.normalize(),
      income: new Map([...t.income].map(([kind, amount]) => [kind, amount.normalize()])),
      net: t.realized.plus(t.commission).plus(income).normalize(),
    };
  });
  return { assets, notCounted: leftOutIncome(records, scope.period) };
}
