/**
 * Telling the reader of an export or a report that its period begins before the files do: a tax
 * year the files cover only in part (Binance's API serves 3 months) looks the same as one with no
 * trading in its first months.
 *
 * @module
 */

import type { IncomeRecord } from "../income.ts";
import type { Period } from "../period.ts";
import type { Position } from "../position.ts";
import { formatTime } from "../time.ts";

/** The earliest time of the files read: a position's opening, an income record's time. */
export function earliestTime(
  positions: readonly Pick<Position, "openTime">[],
  income: readonly Pick<IncomeRecord, "time">[],
): number {
  let first = Infinity;
  for (const p of positions) if (p.openTime < first) first = p.openTime;
  for (const r of income) if (r.time < first) first = r.time;
  return first;
}

/**
 * The note for a period starting on a day before that of `first`, the earliest time in the
 * files read (a position's opening, an income record); `undefined` when the period starts within
 * the files' first day or later, or has no start (the whole files), or the files hold nothing.
 *
 * @example
 * ```ts
 * import { dataStartNote } from "./data_start_note.ts";
 * const note = dataStartNote({ from: Date.UTC(2025, 0, 1) }, Date.UTC(2025, 9, 5, 8));
 * if (note === undefined || !note.startsWith("note: the files hold nothing before 2025-10-05")) {
 *   throw new Error(note);
 * }
 * if (dataStartNote({ from: Date.UTC(2025, 9, 6) }, Date.UTC(2025, 9, 5)) !== undefined) {
 *   throw new Error();
 * }
 * ```
 */
export function dataStartNote(period: Period, first: number): string | undefined {
  if (period.from === undefined || !Number.isFinite(first)) return undefined;
  // By day: files that begin on the period's first day are not worth a note.
  const from = formatTime(period.from).slice(0, 10);
  if (formatTime(first).slice(0, 10) <= from) return undefined;
  return `note: the files hold nothing before ${formatTime(first).slice(0, 10)} ` +
    `(${formatTime(first)}): if there was trading from ${from} to then, it is missing here, ` +
    `not absent. Binance's API serves 3 months; sync --from ${from} fetches the older ` +
    'history (README: "Your whole history")';
}
