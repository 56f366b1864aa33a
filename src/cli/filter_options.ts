/**
 * The filters `export` and `report` take: `--from` / `--to` (UTC days, both included) and
 * `--symbols`.
 *
 * @module
 */

import { SYMBOL } from "../fill.ts";
import { type Period, periodOfDays } from "../period.ts";
import { formatTime, parseDate } from "../time.ts";
import { UsageError } from "./command.ts";

/**
 * The period of `--from DATE` and `--to DATE` (`YYYY-MM-DD`, UTC, both days included).
 *
 * @throws {UsageError} for a malformed date or a `--to` before `--from`.
 */
export function periodOption(from: string | undefined, to: string | undefined): Period {
  const day = (option: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = parseDate(text);
    if (ms === undefined) {
      throw new UsageError(`${option} must be a date YYYY-MM-DD, not "${text}"`);
    }
    return ms;
  };
  const start = day("--from", from);
  const end = day("--to", to);
  if (start !== undefined && end !== undefined && end < start) {
    throw new UsageError(`--to ${to} is before --from ${from}`);
  }
  return periodOfDays(start, end);
}

/** The period for people: `2025-01-01 to 2025-12-31 (UTC)`, `from 2025-01-01`, `all time`. */
export function describePeriod(period: Period): string {
  const day = (ms: number) => formatTime(ms).slice(0, 10);
  const last = period.to === undefined ? undefined : day(period.to - 1);
  if (period.from === undefined && last === undefined) return "all time";
  if (period.from === undefined) return `up to ${last} (UTC)`;
  if (last === undefined) return `from ${day(period.from)} (UTC)`;
  return `${day(period.from)} to ${last} (UTC)`;
}

/**
 * The contracts of `--symbols A,B` (`undefined` when not given), upper-cased.
 *
 * @throws {UsageError} for an empty list or something that is not a symbol.
 */
export function symbolsOption(text: string | undefined): ReadonlySet<string> | undefined {
  if (text === undefined) return undefined;
  const symbols = text.split(",").map((s) => s.trim().toUpperCase());
  if (symbols.some((s) => !SYMBOL.test(s))) {
    throw new UsageError(`--symbols ${text}: expected symbols like BTCUSDT,ETHUSDT`);
  }
  return new Set(symbols);
}
