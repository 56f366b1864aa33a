/**
 * What a report covers (`--from`, `--to`, `--symbols`): the round trips closed in the period,
 * the positions still open (only when the period runs to now, i.e. without `--to`), and the
 * income records of the period; each limited to the symbols given.
 *
 * @module
 */

import type { IncomeRecord } from "../income.ts";
import { inPeriod, type Period } from "../period.ts";
import type { PositionRecord } from "../storage/positions_file.ts";

/** The report's filters. */
export interface ReportScope {
  /** Round trips by close time, income records (funding...) by record time. */
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
 * The income records in scope, in file order: those of the period (by record time) and, with
 * `--symbols`, of those contracts (an account-wide record, of no contract, is then left out).
 * Of every type: what each one counts as is `export`'s decision (`src/report/period_totals.ts`).
 */
export function incomeInScope(
  records: readonly IncomeRecord[],
  scope: ReportScope,
): IncomeRecord[] {
  return records.filter((r) =>
    inPeriod(r.time, scope.period) &&
    (scope.symbols === undefined || scope.symbols.has(r.symbol))
  );
}
