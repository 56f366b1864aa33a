/**
 * The positions whose realized P&L the export's rule (everything at the close time) may put in
 * another period than the closing fills that realized it: a position closed in the period that
 * opened before it (a part closed before the period began counts in it), and a position open at
 * the period's end that may have closed part of its quantity by then (a part closed within the
 * period counts later): one still open that has closed some, or one closed later by more than one
 * fill (a position of one opening and one closing fill closed nothing before its close). Binance
 * books each closing fill's P&L at its own time (REALIZED_PNL records). The positions file keeps
 * no time per closing fill, so these are the positions that may, not only those that do. Pure.
 *
 * @module
 */

import { inPeriod, type Period } from "../period.ts";
import type { Position } from "../position.ts";

/** Positions across the period's edges (see the module). */
export interface PeriodEdges {
  /** Closed in the period, opened before it (only with a start). */
  readonly openedBefore: number;
  /**
   * Open at the period's end (opened before it, closed after it or not yet) and perhaps partly
   * closed by then: still open with some quantity closed, or closed later with 3 fills or more.
   */
  readonly closedAfter: number;
}

/**
 * The positions of `positions` across the edges of `period`.
 *
 * @example
 * ```ts
 * import { Decimal } from "../decimal.ts";
 * import type { Position } from "../position.ts";
 * import { periodEdges } from "./period_edges.ts";
 * // Period: days 3 to 7. Opened on day 1, closed on day 5: opened before it. Opened at its very
 * // start, closed on day 4: not. Opened on day 4, partly closed, open still: may have closed
 * // some in the period. Opened on day 6, nothing closed yet: neither. Opened on day 6, closed
 * // on day 9 by 1 of its 2 fills: neither; by 2 of its 3 fills: perhaps partly by day 7.
 * const day = 86_400_000;
 * const p = (openTime: number, closeTime: number | undefined, exitQty: string, fills = 2) =>
 *   ({ openTime, closeTime, exitQty: Decimal.parse(exitQty), fills }) as Position;
 * const positions = [
 *   p(1 * day, 5 * day, "2"),
 *   p(3 * day, 4 * day, "1"),
 *   p(4 * day, undefined, "1"),
 *   p(6 * day, undefined, "0"),
 *   p(6 * day, 9 * day, "1"),
 *   p(6 * day, 9 * day, "2", 3),
 * ];
 * const edges = periodEdges(positions, {
 *   from: 3 * day,
 *   to: 7 * day,
 * });
 * if (edges.openedBefore !== 1 || edges.closedAfter !== 2) throw new Error();
 * ```
 */
export function periodEdges(positions: readonly Position[], period: Period): PeriodEdges {
  let openedBefore = 0;
  let closedAfter = 0;
  const end = period.to ?? Infinity;
  for (const p of positions) {
    if (p.closeTime !== undefined && inPeriod(p.closeTime, period)) {
      if (period.from !== undefined && p.openTime < period.from) openedBefore++;
    } else if (p.openTime < end && (p.closeTime === undefined || p.closeTime >= end)) {
      const partly = p.closeTime === undefined ? p.exitQty.sign() > 0 : p.fills >= 3;
      if (partly) closedAfter++;
    }
  }
  return { openedBefore, closedAfter };
}
