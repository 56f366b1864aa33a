/**
 * The report's statistics: pure functions of the positions, exact decimals, one group per margin
 * asset (USDT, USDC and BTC amounts are never added together).
 *
 * A *round trip* here is a position that was closed: CLOSED, or PARTIAL with a close time. Its
 * net P&L is the `net_pnl` column when the file has it (after fees and funding), else
 * `net_pnl_after_fees`. A win has net P&L > 0, a loss < 0; a zero result is neither, but counts
 * in the win rate's denominator.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Direction } from "../position.ts";
import { comparePositions } from "../position.ts";
import type { PositionRecord } from "../storage/positions_file.ts";

/** Decimals of averages (half-even). */
export const AVERAGE_PLACES = 8;
/** Decimals of the profit factor (half-even). */
export const RATIO_PLACES = 4;
/** Decimals of percentages (half-even). */
export const PERCENT_PLACES = 2;

/** Counts and net P&L of a group of round trips. */
export interface Tally {
  /** Round trips. */
  readonly count: number;
  /** Round trips with net P&L > 0. */
  readonly wins: number;
  /** Round trips with net P&L < 0. */
  readonly losses: number;
  /** Sum of their net P&L. */
  readonly net: Decimal;
  /** wins / count in percent, or `undefined` for no round trips. */
  readonly winRate: Decimal | undefined;
}

/** A point of the equity curve: after one round trip closed. */
export interface EquityPoint {
  /** Close time, ms since the epoch. */
  readonly time: number;
  /** Cumulative net P&L. */
  readonly equity: Decimal;
  /** Equity minus its highest value so far (the peak starts at 0); zero or negative. */
  readonly drawdown: Decimal;
}

/** One round trip singled out (largest win or loss). */
export interface Extreme {
  /** Its net P&L. */
  readonly net: Decimal;
  /** Its symbol. */
  readonly symbol: string;
  /** Its close time, ms since the epoch. */
  readonly closeTime: number;
}

/** Statistics of the round trips of one margin asset. */
export interface AssetStats {
  /** The margin asset every amount here is in. */
  readonly asset: string;
  /** All round trips. */
  readonly total: Tally;
  /** Sum of the wins' net P&L. */
  readonly grossProfit: Decimal;
  /** Sum of the losses' net P&L, as a positive amount. */
  readonly grossLoss: Decimal;
  /** grossProfit / grossLoss; `undefined` when there is no loss. */
  readonly profitFactor: Decimal | undefined;
  /** grossProfit / wins; `undefined` without wins. */
  readonly averageWin: Decimal | undefined;
  /** −grossLoss / losses (negative); `undefined` without losses. */
  readonly averageLoss: Decimal | undefined;
  /** The round trip with the highest net P&L, if it is a win. */
  readonly largestWin: Extreme | undefined;
  /** The round trip with the lowest net P&L, if it is a loss. */
  readonly largestLoss: Extreme | undefined;
  /** Open time of the first round trip, where the equity curve starts from 0. */
  readonly since: number;
  /** The most negative drawdown (zero when equity never fell). */
  readonly maxDrawdown: Decimal;
  /** The equity curve, by close time. */
  readonly equity: readonly EquityPoint[];
  /** By symbol, highest net P&L first. */
  readonly bySymbol: readonly (Tally & { readonly symbol: string })[];
  /** Long and short round trips. */
  readonly byDirection: Readonly<Record<Direction, Tally>>;
  /** The round trips, by close time. */
  readonly trips: readonly RoundTrip[];
}

/** A position that was closed: one with a close time. */
export type RoundTrip = PositionRecord & { readonly closeTime: number };

/** Net P&L of a position: `net_pnl` when the file has it, else `net_pnl_after_fees`. */
export function netPnl(p: PositionRecord): Decimal {
  return p.netPnl ?? p.netPnlAfterFees;
}

/** Whether the position is a closed round trip (CLOSED, or PARTIAL and closed). */
export function isRoundTrip(p: PositionRecord): p is RoundTrip {
  return p.closeTime !== undefined;
}

/** Statistics per margin asset, assets in alphabetical order; assets without round trips omitted. */
export function roundTripStats(positions: readonly PositionRecord[]): AssetStats[] {
  const byAsset = groupBy(positions.filter(isRoundTrip), (p) => p.marginAsset);
  return [...byAsset].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([asset, trips]) => assetStats(asset, trips));
}

function assetStats(asset: string, trips: RoundTrip[]): AssetStats {
  const ordered = [...trips].sort((a, b) => a.closeTime - b.closeTime || comparePositions(a, b));
  const nets = ordered.map(netPnl);
  const wins = nets.filter((n) => n.sign() > 0);
  const losses = nets.filter((n) => n.sign() < 0);
  const grossProfit = sum(wins);
  const grossLoss = sum(losses).neg();
  const bySymbol = groupBy(ordered, (p) => p.symbol);
  return {
    asset,
    total: tally(ordered),
    grossProfit,
    grossLoss,
    profitFactor: losses.length === 0 ? undefined : grossProfit.div(grossLoss, RATIO_PLACES),
    averageWin: wins.length === 0 ? undefined : grossProfit.div(int(wins.length), AVERAGE_PLACES),
    averageLoss: losses.length === 0
      ? undefined
      : grossLoss.neg().div(int(losses.length), AVERAGE_PLACES),
    largestWin: extreme(ordered, 1),
    largestLoss: extreme(ordered, -1),
    since: ordered.reduce((first, p) => Math.min(first, p.openTime), Infinity),
    ...equityCurve(ordered),
    bySymbol: [...bySymbol].map(([symbol, group]) => ({ symbol, ...tally(group) }))
      .sort((a, b) => b.net.cmp(a.net) || (a.symbol < b.symbol ? -1 : 1)),
    byDirection: {
      LONG: tally(ordered.filter((p) => p.direction === "LONG")),
      SHORT: tally(ordered.filter((p) => p.direction === "SHORT")),
    },
    trips: ordered,
  };
}

function equityCurve(
  ordered: readonly RoundTrip[],
): { equity: EquityPoint[]; maxDrawdown: Decimal } {
  const equity: EquityPoint[] = [];
  let total = Decimal.ZERO;
  let peak = Decimal.ZERO;
  let maxDrawdown = Decimal.ZERO;
  for (const trip of ordered) {
    total = total.plus(netPnl(trip));
    if (total.cmp(peak) > 0) peak = total;
    const drawdown = total.minus(peak).normalize();
    if (drawdown.cmp(maxDrawdown) < 0) maxDrawdown = drawdown;
    equity.push({ time: trip.closeTime, equity: total.normalize(), drawdown });
  }
  return { equity, maxDrawdown };
}

/** The round trip with the highest (`sign` 1) or lowest (−1) net P&L, if it has that sign. */
function extreme(trips: readonly RoundTrip[], sign: 1 | -1): Extreme | undefined {
  let best: RoundTrip | undefined;
  for (const p of trips) {
    if (netPnl(p).sign() !== sign) continue;
    if (best === undefined || netPnl(p).cmp(netPnl(best)) === sign) best = p;
  }
  return best && { net: netPnl(best), symbol: best.symbol, closeTime: best.closeTime };
}

/** Count, wins, losses, net P&L and win rate of `trips`. */
export function tally(trips: readonly PositionRecord[]): Tally {
  const nets = trips.map(netPnl);
  const wins = nets.filter((n) => n.sign() > 0).length;
  return {
    count: trips.length,
    wins,
    losses: nets.filter((n) => n.sign() < 0).length,
    net: sum(nets),
    winRate: trips.length === 0
      ? undefined
      : int(wins * 100).div(int(trips.length), PERCENT_PLACES),
  };
}

/** Exact sum, without trailing zeros. */
export function sum(values: Iterable<Decimal>): Decimal {
  let total = Decimal.ZERO;
  for (const v of values) total = total.plus(v);
  return total.normalize();
}

function int(n: number): Decimal {
  return new Decimal(n, 0);
}

/** Groups in first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
