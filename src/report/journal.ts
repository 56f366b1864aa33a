/**
 * The trading-journal figures of one margin asset's round trips: P&L by day, month and year,
 * by hour of day and weekday, holding times of wins and losses, streaks, expectancy, and fees and
 * funding against gross P&L. Pure; exact decimals; every date is the round trip's **close** time,
 * in UTC (the moment its result is realized, as on the equity curve).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import {
  AVERAGE_PLACES,
  netPnl,
  PERCENT_PLACES,
  type RoundTrip,
  sum,
  type Tally,
  tally,
} from "./stats.ts";

/** Net P&L of the round trips closed in one calendar bucket (a day, a month, a year). */
export interface Bucket {
  /** `2025-01-31`, `2025-01` or `2025`. */
  readonly key: string;
  /** Round trips closed in it. */
  readonly count: number;
  /** Their net P&L. */
  readonly net: Decimal;
}

/** How long the round trips of one kind (wins or losses) were held, in ms. */
export interface Holding {
  /** Round trips measured (PARTIAL ones are not: their opening is before the data). */
  readonly count: number;
  /** Mean, rounded to the millisecond; `undefined` for none. */
  readonly average: number | undefined;
  /** Median (the mean of the middle two for an even count); `undefined` for none. */
  readonly median: number | undefined;
  /** Shortest; `undefined` for none. */
  readonly shortest: number | undefined;
  /** Longest; `undefined` for none. */
  readonly longest: number | undefined;
}

/** A run of consecutive wins or losses, in close order. */
export interface Streak {
  /** Round trips in it (0 when there was none). */
  readonly length: number;
  /** Their net P&L. */
  readonly net: Decimal;
  /** Close time of its first and last round trip; `undefined` for an empty streak. */
  readonly from: number | undefined;
  /** Close time of its last round trip. */
  readonly to: number | undefined;
}

/** Fees and funding of the round trips, and their share of gross P&L. */
export interface CostShare {
  /** Σ realizedPnl: Binance's P&L before fees and funding. */
  readonly gross: Decimal;
  /** Σ commission + Σ commission_converted (the latter where known). */
  readonly fees: Decimal;
  /** Round trips whose fees in another asset have no conversion (not in `fees`). */
  readonly unconvertedFees: number;
  /** Σ funding attached to the round trips; `undefined` when the file has none. */
  readonly funding: Decimal | undefined;
  /** −fees / |gross| in percent (a cost: negative); `undefined` when gross is zero. */
  readonly feesPercent: Decimal | undefined;
  /** funding / |gross| in percent (negative: paid); `undefined` without funding or gross. */
  readonly fundingPercent: Decimal | undefined;
}

/** The journal of one margin asset. */
export interface Journal {
  /** Days with round trips, in order. */
  readonly days: readonly Bucket[];
  /** Months with round trips, in order. */
  readonly months: readonly Bucket[];
  /** Years with round trips, in order. */
  readonly years: readonly Bucket[];
  /** By hour of the close, 0–23 UTC. */
  readonly byHour: readonly Tally[];
  /** By weekday of the close, Monday first (ISO order). */
  readonly byWeekday: readonly Tally[];
  /** Holding times of wins and of losses. */
  readonly holding: { readonly wins: Holding; readonly losses: Holding };
  /** The longest runs of wins and of losses (a zero result ends both). */
  readonly streaks: { readonly wins: Streak; readonly losses: Streak };
  /** Net P&L per round trip (AVERAGE_PLACES, half-even); `undefined` without round trips. */
  readonly expectancy: Decimal | undefined;
  /** Fees and funding against gross P&L. */
  readonly costs: CostShare;
}

/** Weekday names, Monday first. */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** The journal of `trips`: round trips of one margin asset, in close order. */
export function journal(trips: readonly RoundTrip[]): Journal {
  const iso = (p: RoundTrip) => new Date(p.closeTime).toISOString();
  const nets = trips.map(netPnl);
  return {
    days: buckets(trips, (p) => iso(p).slice(0, 10)),
    months: buckets(trips, (p) => iso(p).slice(0, 7)),
    years: buckets(trips, (p) => iso(p).slice(0, 4)),
    byHour: Array.from(
      { length: 24 },
      (_, h) => tally(trips.filter((p) => new Date(p.closeTime).getUTCHours() === h)),
    ),
    byWeekday: Array.from(
      { length: 7 },
      (_, d) => tally(trips.filter((p) => (new Date(p.closeTime).getUTCDay() + 6) % 7 === d)),
    ),
    holding: {
      wins: holding(trips.filter((p) => netPnl(p).sign() > 0)),
      losses: holding(trips.filter((p) => netPnl(p).sign() < 0)),
    },
    streaks: { wins: longestStreak(trips, 1), losses: longestStreak(trips, -1) },
    expectancy: trips.length === 0
      ? undefined
      : sum(nets).div(new Decimal(trips.length, 0), AVERAGE_PLACES),
    costs: costShare(trips),
  };
}

function buckets(trips: readonly RoundTrip[], key: (p: RoundTrip) => string): Bucket[] {
  const found = new Map<string, RoundTrip[]>();
  for (const p of trips) {
    const k = key(p);
    const group = found.get(k);
    if (group === undefined) found.set(k, [p]);
    else group.push(p);
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, group]) => ({
    key: k,
    count: group.length,
    net: sum(group.map(netPnl)),
  }));
}

function holding(trips: readonly RoundTrip[]): Holding {
  const spans = trips.filter((p) => p.status !== "PARTIAL").map((p) => p.closeTime - p.openTime)
    .sort((a, b) => a - b);
  const n = spans.length;
  const [shortest] = spans;
  const longest = spans.at(-1);
  const middle = median(spans);
  if (shortest === undefined || longest === undefined || middle === undefined) {
    return {
      count: 0,
      average: undefined,
      median: undefined,
      shortest: undefined,
      longest: undefined,
    };
  }
  return {
    count: n,
    average: Math.round(spans.reduce((a, b) => a + b, 0) / n),
    median: Math.round(middle),
    shortest,
    longest,
  };
}

/** The median of `sorted` (ascending): the mean of the middle two for an even count. */
function median(sorted: readonly number[]): number | undefined {
  const n = sorted.length;
  const upper = sorted[n >> 1];
  if (n % 2 === 1) return upper;
  const lower = sorted[(n >> 1) - 1];
  return upper === undefined || lower === undefined ? undefined : (lower + upper) / 2;
}

function longestStreak(trips: readonly RoundTrip[], sign: 1 | -1): Streak {
  let best: Streak = { length: 0, net: Decimal.ZERO, from: undefined, to: undefined };
  let run: RoundTrip[] = []; // the current run of round trips of `sign`
  const end = () => {
    const [first] = run;
    const last = run.at(-1);
    if (first !== undefined && last !== undefined && run.length > best.length) {
      best = {
        length: run.length,
        net: sum(run.map(netPnl)),
        from: first.closeTime,
        to: last.closeTime,
      };
    }
    run = [];
  };
  for (const trip of trips) {
    if (netPnl(trip).sign() === sign) run.push(trip);
    else end();
  }
  end();
  return best;
}

function costShare(trips: readonly RoundTrip[]): CostShare {
  const gross = sum(trips.map((p) => p.realizedPnl));
  const fees = sum(trips.map((p) => p.commission.plus(p.commissionConverted ?? Decimal.ZERO)));
  const fundings = trips.flatMap((p) => (p.funding === undefined ? [] : [p.funding]));
  const funding = fundings.length === 0 ? undefined : sum(fundings);
  const share = (part: Decimal | undefined) =>
    part === undefined || gross.isZero()
      ? undefined
      : part.times(new Decimal(100, 0)).div(gross.abs(), PERCENT_PLACES);
  return {
    gross,
    fees,
    unconvertedFees:
      trips.filter((p) => p.otherCommission.size > 0 && p.commissionConverted === undefined).length,
    funding,
    feesPercent: share(fees.neg()),
    fundingPercent: share(funding),
  };
}
