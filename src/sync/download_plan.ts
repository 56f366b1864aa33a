/**
 * Which bulk downloads to ask for: the part of a range that no download of the kind already
 * covers or is on its way, cut into requests Binance accepts (at most 365 days each, as
 * `MAX_DOWNLOAD_RANGE_MS`: "the time between startTime and endTime can not be longer than 1
 * year"); and when the monthly quota starts afresh. Pure.
 *
 * Ranges are inclusive, in whole ms: `[from, to]`.
 *
 * @module
 */

import { MAX_DOWNLOAD_RANGE_MS } from "../binance/bulk_download.ts";
import type { DownloadKind, DownloadRecord } from "../storage/download_records.ts";

/** An inclusive time range, ms. */
export interface TimeRange {
  /** First ms. */
  readonly from: number;
  /** Last ms. */
  readonly to: number;
}

/**
 * The parts of `target` that no record of `kind` covers (whatever its status: a range asked for
 * once is never asked for again by planning; see `downloads.ts` for expiry and refusals), each
 * cut into windows of at most `maxMs` (endTime − startTime), oldest first.
 *
 * @example
 * ```ts
 * import { uncoveredWindows } from "./download_plan.ts";
 * const merged = { kind: "trade", status: "merged", from_ms: 100, to_ms: 199 } as const;
 * const windows = uncoveredWindows({ from: 0, to: 399 }, [merged], "trade", 150);
 * // [0, 99], then [200, 350] and [351, 399]
 * if (JSON.stringify(windows) !== '[{"from":0,"to":99},{"from":200,"to":350},{"from":351,"to":399}]') {
 *   throw new Error(JSON.stringify(windows));
 * }
 * ```
 */
export function uncoveredWindows(
  target: TimeRange,
  records: readonly Pick<DownloadRecord, "kind" | "from_ms" | "to_ms">[],
  kind: DownloadKind,
  maxMs: number = MAX_DOWNLOAD_RANGE_MS,
): TimeRange[] {
  if (target.from > target.to) return [];
  const covered = records.filter((r) => r.kind === kind)
    .map((r) => ({ from: r.from_ms, to: r.to_ms }))
    .sort((a, b) => a.from - b.from);
  const gaps: TimeRange[] = [];
  let next = target.from;
  for (const range of covered) {
    if (next > target.to) break;
    if (range.to < next) continue;
    if (range.from > next) gaps.push({ from: next, to: Math.min(range.from - 1, target.to) });
    next = Math.max(next, range.to + 1);
  }
  if (next <= target.to) gaps.push({ from: next, to: target.to });
  const windows: TimeRange[] = [];
  for (const gap of gaps) {
    for (let from = gap.from; from <= gap.to; from += maxMs + 1) {
      windows.push({ from, to: Math.min(from + maxMs, gap.to) });
    }
  }
  return windows;
}

/**
 * When the download quota of the month of `now` starts afresh: the first ms of the next
 * calendar month, UTC (Binance says "5 times per month" without saying which month; a calendar
 * month of UTC is the reading the fake exchange models, and the message says it is an estimate).
 *
 * @example
 * ```ts
 * import { quotaResetsAt } from "./download_plan.ts";
 * if (quotaResetsAt(Date.UTC(2026, 11, 31, 23)) !== Date.UTC(2027, 0, 1)) throw new Error();
 * ```
 */
export function quotaResetsAt(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whether `earlier` and `later` fall in the same calendar month (UTC). */
export function sameQuotaMonth(earlier: number, later: number): boolean {
  return quotaResetsAt(earlier) === quotaResetsAt(later);
}
