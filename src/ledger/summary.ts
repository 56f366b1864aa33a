/**
 * What a sync reports about the whole ledger — per symbol, its totals over every position, its
 * open positions, its PARTIAL positions and its unattached funding — kept up to date from the
 * positions a run builds, so that a sync that continues an earlier run need not read every
 * position again. Pure, no I/O.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { PositionSide } from "../fill.ts";
import { compareIncome, type IncomeRecord } from "../income.ts";
import type { Direction, Position, PositionStatus } from "../position.ts";

/** How many unattached funding records a symbol's summary keeps one by one (the earliest). */
export const LISTED_UNATTACHED = 10;

/**
 * Sums over positions (decimal text), each `null` once a position's part is unknown (a fee
 * without a price, funding before the income history): the total would be wrong, so there is
 * none.
 */
export interface PositionTotals {
  /** Σ realized P&L. */
  readonly realizedPnl: string;
  /** Σ commission, with fees in other assets converted. */
  readonly commission: string | null;
  /** Σ funding attached. */
  readonly funding: string | null;
  /** Σ net P&L. */
  readonly netPnl: string | null;
  /** How many positions. */
  readonly count: number;
  /** How many of them are PARTIAL. */
  readonly partial: number;
}

/** An open position, as the sync's table shows it, with its totals. */
export interface OpenPosition extends PositionTotals {
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
  /** LONG or SHORT. */
  readonly direction: Direction;
  /** OPEN or PARTIAL. */
  readonly status: PositionStatus;
  /** Quantity held. */
  readonly qty: string;
}

/** Unattached funding of a symbol: how many, their totals per asset, and the earliest ones. */
export interface UnattachedTotals {
  /** How many records. */
  readonly count: number;
  /** Σ income per asset. */
  readonly totals: Readonly<Record<string, string>>;
  /** The earliest {@linkcode LISTED_UNATTACHED}, in `compareIncome` order. */
  readonly first: readonly IncomeRecord[];
}

/** One symbol's summary, as data. */
export interface SymbolSummary {
  /** The margin asset of its positions (of its funding, for a symbol without positions). */
  readonly asset: string;
  /** Totals over its closed positions. */
  readonly closed: PositionTotals;
  /** Its open positions, in book order. */
  readonly open: readonly OpenPosition[];
  /** Its unattached funding. */
  readonly unattached: UnattachedTotals;
}

/** Sums that grow in place; `undefined` once unknown. */
class Totals {
  realizedPnl: Decimal;
  commission: Decimal | undefined;
  funding: Decimal | undefined;
  netPnl: Decimal | undefined;
  count: number;
  partial: number;

  constructor(from: PositionTotals = NO_POSITIONS) {
    const d = (text: string | null) => text === null ? undefined : Decimal.parse(text);
    this.realizedPnl = Decimal.parse(from.realizedPnl);
    this.commission = d(from.commission);
    this.funding = d(from.funding);
    this.netPnl = d(from.netPnl);
    this.count = from.count;
    this.partial = from.partial;
  }

  add(p: Position): void {
    this.realizedPnl = this.realizedPnl.plus(p.realizedPnl);
    this.commission = p.commissionConverted === undefined
      ? undefined
      : this.commission?.plus(p.commission).plus(p.commissionConverted);
    this.funding = p.funding === undefined ? undefined : this.funding?.plus(p.funding);
    this.netPnl = p.netPnl === undefined ? undefined : this.netPnl?.plus(p.netPnl);
    this.count++;
    if (p.status === "PARTIAL") this.partial++;
  }

  data(): PositionTotals {
    const text = (d: Decimal | undefined) => d === undefined ? null : d.normalize().toString();
    return {
      realizedPnl: this.realizedPnl.normalize().toString(),
      commission: text(this.commission),
      funding: text(this.funding),
      netPnl: text(this.netPnl),
      count: this.count,
      partial: this.partial,
    };
  }
}

/** The totals of no position. */
export const NO_POSITIONS: PositionTotals = {
  realizedPnl: "0",
  commission: "0",
  funding: "0",
  netPnl: "0",
  count: 0,
  partial: 0,
};

/**
 * One symbol's summary, built from its positions and unattached funding as a run emits them,
 * starting from nothing or (a run that goes on from an earlier one) from the earlier summary:
 * its closed positions and unattached funding are kept, its open positions replaced.
 */
export class SymbolSummaryBuilder {
  #asset: string;
  readonly #closed: Totals;
  readonly #open: OpenPosition[] = [];
  #count: number;
  readonly #unattachedTotals = new Map<string, Decimal>();
  readonly #first: IncomeRecord[];

  /** A summary of nothing, or going on from `from`. */
  constructor(from?: SymbolSummary) {
    this.#asset = from?.asset ?? "";
    this.#closed = new Totals(from?.closed);
    this.#count = from?.unattached.count ?? 0;
    for (const [asset, total] of Object.entries(from?.unattached.totals ?? {})) {
      this.#unattachedTotals.set(asset, Decimal.parse(total));
    }
    this.#first = [...(from?.unattached.first ?? [])];
  }

  /** A position, once final. */
  position(p: Position): void {
    this.#asset = p.marginAsset;
    if (p.closeTime !== undefined) return this.#closed.add(p);
    const totals = new Totals();
    totals.add(p);
    this.#open.push({
      positionSide: p.positionSide,
      direction: p.direction,
      status: p.status,
      qty: p.openQty.normalize().toString(),
      ...totals.data(),
    });
  }

  /** A funding record no position took. */
  unattached(r: IncomeRecord): void {
    if (this.#asset === "") this.#asset = r.asset;
    this.#count++;
    const total = this.#unattachedTotals.get(r.asset) ?? Decimal.ZERO;
    this.#unattachedTotals.set(r.asset, total.plus(Decimal.parse(r.income)));
    this.#first.push(r);
    if (this.#first.length > 4 * LISTED_UNATTACHED) this.#trim();
  }

  /** The summary. */
  build(): SymbolSummary {
    this.#trim();
    const order = ["BOTH", "LONG", "SHORT"];
    return {
      asset: this.#asset,
      closed: this.#closed.data(),
      open: this.#open.sort((a, b) =>
        order.indexOf(a.positionSide) - order.indexOf(b.positionSide)
      ),
      unattached: {
        count: this.#count,
        totals: Object.fromEntries(
          [...this.#unattachedTotals].sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([asset, total]) => [asset, total.normalize().toString()]),
        ),
        first: [...this.#first],
      },
    };
  }

  #trim(): void {
    this.#first.sort(compareIncome);
    this.#first.length = Math.min(this.#first.length, LISTED_UNATTACHED);
  }
}

/** Σ of `totals` (every one's parts known, else that part unknown). */
export function sumTotals(totals: Iterable<PositionTotals>): PositionTotals {
  const sum = new Totals();
  for (const t of totals) {
    const part = new Totals(t);
    sum.realizedPnl = sum.realizedPnl.plus(part.realizedPnl);
    sum.commission = part.commission === undefined
      ? undefined
      : sum.commission?.plus(part.commission);
    sum.funding = part.funding === undefined ? undefined : sum.funding?.plus(part.funding);
    sum.netPnl = part.netPnl === undefined ? undefined : sum.netPnl?.plus(part.netPnl);
    sum.count += part.count;
    sum.partial += part.partial;
  }
  return sum.data();
}

/** The unattached funding of several symbols as one (the earliest records of all of them). */
export function combineUnattached(all: Iterable<UnattachedTotals>): UnattachedTotals {
  let count = 0;
  const totals = new Map<string, Decimal>();
  const first: IncomeRecord[] = [];
  for (const u of all) {
    count += u.count;
    for (const [asset, total] of Object.entries(u.totals)) {
      totals.set(asset, (totals.get(asset) ?? Decimal.ZERO).plus(Decimal.parse(total)));
    }
    first.push(...u.first);
  }
  return {
    count,
    totals: Object.fromEntries(
      [...totals].sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, total]) => [asset, total.normalize().toString()]),
    ),
    first: first.sort(compareIncome).slice(0, LISTED_UNATTACHED),
  };
}

/** How many positions of each status the summaries count. */
export function statusCounts(
  summaries: Iterable<SymbolSummary>,
): { open: number; closed: number; partial: number } {
  let open = 0;
  let closed = 0;
  let partial = 0;
  for (const s of summaries) {
    closed += s.closed.count - s.closed.partial;
    partial += s.closed.partial;
    for (const p of s.open) {
      if (p.status === "PARTIAL") partial++;
      else open++;
    }
  }
  return { open, closed, partial };
}

/** One market's positions and unattached funding (in ledger order), summarized by symbol. */
export function summarize(
  positions: Iterable<Position>,
  unattached: Iterable<IncomeRecord>,
): Map<string, SymbolSummary> {
  const builders = new Map<string, SymbolSummaryBuilder>();
  const of = (symbol: string) => {
    let b = builders.get(symbol);
    if (b === undefined) builders.set(symbol, b = new SymbolSummaryBuilder());
    return b;
  };
  for (const p of positions) of(p.symbol).position(p);
  for (const r of unattached) of(r.symbol).unattached(r);
  return new Map([...builders].map(([symbol, b]) => [symbol, b.build()]));
}
