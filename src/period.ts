/**
 * A span of time that `export` and `report` are limited to (`--from` / `--to`).
 *
 * @module
 */

/** A half-open span of time, `[from, to)` in ms since the epoch; an undefined end is open. */
export interface Period {
  /** First millisecond included. */
  readonly from?: number;
  /** First millisecond no longer included. */
  readonly to?: number;
}

const DAY_MS = 86_400_000;

/**
 * The period from the start of the UTC day `from` to the end of the UTC day `to` (both
 * included), each given as ms at its midnight; either may be absent.
 *
 * @example
 * ```ts
 * import { periodOfDays } from "./period.ts";
 * const p = periodOfDays(Date.UTC(2025, 0, 1), Date.UTC(2025, 11, 31));
 * if (p.to !== Date.UTC(2026, 0, 1)) throw new Error("to is the next midnight");
 * ```
 */
export function periodOfDays(from: number | undefined, to: number | undefined): Period {
  return { from, to: to === undefined ? undefined : to + DAY_MS };
}

/** Whether `time` is in `period`. */
export function inPeriod(time: number, period: Period): boolean {
  return (period.from === undefined || time >= period.from) &&
    (period.to === undefined || time < period.to);
}
