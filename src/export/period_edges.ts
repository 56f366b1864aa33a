/**
 * The positions whose realized P&L the export's rule (everything at the close time) may put in
 * another period than the closing fills that realized it: a position closed in the period that
 * opened before it (a part closed before the period began counts in it), and a position partly
 * closed that is still open at the period's end or closed after it (a part closed within the
 * period counts later). Binance books each closing fill's P&L at its own time (REALIZED_PNL
 * records). The positions file keeps no time per closing fill, so these are the positions that
 * may, not only those that do. Pure.
 *
 * @module
 */

import { inPeriod, type Period } from "../period.ts";
import type { Position } from "../position.ts";

/** Positions across the period's edges (see the module). */
export interface PeriodEdges {
  /** Closed in the period, opened before it (only with a start). */
  readonly openedBefore: number;
  /** Opened before the period's end, partly closed, and open at its end or closed after it. */
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
 * // start, closed on day 4: not. Opened on day 4, partly closed, open still: closed after it.
 * // Opened on day 6, nothing closed yet: neither.
 * const day = 86_400_000;
 * const p = (openTime: number, closeTime: number | undefined, exitQty: string) =>
 *   ({ openTime, closeTime, exitQty: Decimal.parse(exitQty) }) as Position;
 * const positions = [
 *   p(1 * day, 5 * day, "2"),
 *   p(3 * day, 4 * day, "1"),
 *   p(4 * day, undefined, "1"),
 *   p(6 * day, undefined, "0"),
 * ];
 * const edges = periodEdges(positions, {
 *   from: 3 * day,
 *   to: 7 * day,
 * });
 * if (edges.openedBefore !== 1 || edges.closedAfter !== 1) throw new Error();
 * ```
 */
export function periodEdges(positions: readonly Position[], period: Period): PeriodEdges {
  let openedBefore = 0;
  let closedAfter = 0;
  const end = period.to ?? Infinity;
  for (const p of positions) {
    if (p.closeTime !== undefined && inPeriod(p.closeTime, period)) {
      if (period.from !== undefined && p.openTime < period.from) openedBefore++;
    } else if (
      p.openTime < end && (p.closeTime === undefined || p.closeTime >= end) &&
      p.exitQty.sign() > 0
    ) {
      closedAfter++;
    }
  }
  return { openedBefore, closedAfter };
}
