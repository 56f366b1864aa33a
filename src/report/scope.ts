/**
 * What a report covers (`--from`, `--to`, `--symbols`): the round trips closed in the period,
 * the positions still open (only when the period runs to now, i.e. without `--to`), and the
 * funding records of the period; each limited to the symbols given.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeRecord } from "../income.ts";
import { inPeriod, type Period } from "../period.ts";
import type { PositionRecord } from "../storage/positions_file.ts";

/** The report's filters. */
export interface ReportScope {
  /** Round trips by close time, funding by record time. */
  readonly period: Period;
  /** Only these contracts; `undefined` for all. */
  readonly symbols?: ReadonlySet<string>;
}

/** Whether the scope is the whole file. */
export function isWhole(scope: ReportScope): boolean {
  return scope.period.from === undefined && scope.period.to === undefined &&
    scope.symbols === undefined;
}

/**
 * The positions in scope, in file order: round trips closed in the period, and open positions
 * when the period has no end.
 */
export function positionsInScope(
  positions: readonly PositionRecord[],
  scope: ReportScope,
): PositionRecord[] {
  return positions.filter((p) =>
    (scope.symbols === undefined || scope.symbols.has(p.symbol)) &&
    (p.closeTime === undefined
      ? scope.period.to === undefined
      : inPeriod(p.closeTime, scope.period))
  );
}

/**
 * The `income` of the FUNDING_FEE records in scope, summed per asset (positive: received,
 * negative: paid), without trailing zeros.
 */
export function fundingTotals(
  records: readonly IncomeRecord[],
  scope: ReportScope,
): Map<string, Decimal> {
  const totals = new Map<string, Decimal>();
  for (const r of records) {
    if (r.incomeType !== "FUNDING_FEE" || !inPeriod(r.time, scope.period)) continue;
    if (scope.symbols !== undefined && !scope.symbols.has(r.symbol)) continue;
    totals.set(r.asset, (totals.get(r.asset) ?? Decimal.ZERO).plus(Decimal.parse(r.income)));
  }
  return new Map([...totals].map(([asset, total]) => [asset, total.normalize()]));
}
