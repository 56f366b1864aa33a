/**
 * The ledger: fills in, positions out. Pure functions, no I/O.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import {
  compareIds,
  compareText,
  type LedgerFill,
  type Market,
  type PositionSide,
} from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { Position } from "../position.ts";
import { anchorOf, type PositionSnapshot } from "./anchor.ts";
import { BookReplay } from "./book.ts";
import type { FeePrices } from "./fee_prices.ts";
import { type FundingShare, splitFunding } from "./funding.ts";
import type { LedgerContext, PositionBuilder } from "./position_builder.ts";

/** What the ledger may be given besides fills. */
export interface LedgerInputs {
  /** Binance's open positions at a moment, per market: they anchor each book of their market. */
  readonly snapshots?: readonly PositionSnapshot[];
  /**
   * The income history (any types; FUNDING_FEE records are attached to positions, and the first
   * record of each market says from when funding is known). Without it, funding is unknown.
   */
  readonly income?: readonly IncomeRecord[];
  /** Prices that convert fees in other assets (`fee_prices.ts`). Without them, none converts. */
  readonly prices?: FeePrices;
}

/** What the ledger builds. */
export interface Ledger {
  /** Every position, in {@linkcode comparePositions} order. */
  readonly positions: Position[];
  /** Each FUNDING_FEE record's parts, as attached to positions (a split record has two). */
  readonly fundingShares: FundingShare[];
  /** FUNDING_FEE records no open position took (`funding.ts`), in time order. */
  readonly unattachedFunding: IncomeRecord[];
}

/**
 * Rebuilds every position from fills given in any order, attaching funding and converting fees
 * when `inputs` allow.
 *
 * Fills are grouped by `(market, symbol)` — trade ids are unique only there — and taken in
 * trade-id order; a fill whose id was already seen in its group is ignored (the first one
 * counts). Each `(market, symbol, positionSide)` is a book replayed by {@linkcode BookReplay}.
 * Each symbol's FUNDING_FEE records are streamed in time order between its fills, so the open
 * positions at each record's time are known (`funding.ts`). The result is sorted by open time,
 * then symbol (then market, book and opening trade id, so equal inputs always give equal outputs).
 *
 * Input already in trade-id order per symbol (as the fills file is) is streamed in its own order,
 * which keeps memory access sequential; anything else is sorted first.
 *
 * @throws {RangeError} for a fill whose quantity is not positive.
 */
export function buildLedger(fills: Iterable<LedgerFill>, inputs: LedgerInputs = {}): Ledger {
  let ordered = Array.isArray(fills) ? fills as LedgerFill[] : [...fills];
  if (!inIdOrder(ordered)) ordered = sortedUnique(ordered);

  const context: LedgerContext = {
    prices: inputs.prices,
    incomeFrom: inputs.income === undefined ? undefined : firstTimes(inputs.income),
  };
  const books = new BookIndex(inputs.snapshots ?? [], context, inputs.income ?? []);
  for (const fill of ordered) books.get(fill).observe(fill);
  const again = books.all().filter((b) => b.needsSecondPass);
  if (again.length > 0) {
    const wanted = new Set(again);
    for (const fill of ordered) {
      const book = books.get(fill);
      if (wanted.has(book)) book.reobserve(fill);
    }
  }
  for (const fill of ordered) books.apply(fill);
  books.fundRest();
  return {
    positions: books.all().flatMap((b) => b.finish()).sort(comparePositions),
    fundingShares: books.shares,
    unattachedFunding: books.unattached.sort((a, b) => a.time - b.time),
  };
}

/** The positions of {@linkcode buildLedger} with neither income nor prices: fills alone. */
export function aggregatePositions(
  fills: Iterable<LedgerFill>,
  snapshots: readonly PositionSnapshot[] = [],
): Position[] {
  return buildLedger(fills, { snapshots }).positions;
}

/** Output order of positions. */
export function comparePositions(a: Position, b: Position): number {
  return a.openTime - b.openTime ||
    compareText(a.symbol, b.symbol) ||
    compareText(a.market, b.market) ||
    compareText(a.positionSide, b.positionSide) ||
    compareIds(a.openTradeId, b.openTradeId);
}

const SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];

/** One `(market, symbol)`: its books and its FUNDING_FEE records not yet attached. */
interface SymbolBooks {
  readonly sides: Map<PositionSide, BookReplay>;
  readonly funding: readonly IncomeRecord[];
  next: number;
}

/** The books, found by market, symbol and position side, with each symbol's funding. */
class BookIndex {
  readonly #bySymbol = new Map<string, SymbolBooks>();
  readonly #all: BookReplay[] = [];
  readonly #snapshots: readonly PositionSnapshot[];
  readonly #context: LedgerContext;
  readonly #funding = new Map<string, IncomeRecord[]>();
  /** Funding attached so far. */
  readonly shares: FundingShare[] = [];
  /** Funding no position took so far. */
  readonly unattached: IncomeRecord[] = [];

  constructor(
    snapshots: readonly PositionSnapshot[],
    context: LedgerContext,
    income: readonly IncomeRecord[],
  ) {
    this.#snapshots = snapshots;
    this.#context = context;
    for (const record of income) {
      if (record.incomeType !== "FUNDING_FEE") continue;
      const key = symbolKey(record.market, record.symbol);
      const list = this.#funding.get(key);
      if (list === undefined) this.#funding.set(key, [record]);
      else list.push(record);
    }
    for (const list of this.#funding.values()) list.sort((a, b) => a.time - b.time);
  }

  get(fill: LedgerFill): BookReplay {
    return this.#bookOf(this.#groupOf(fill), fill);
  }

  /** Phase 3 for one fill: first the symbol's funding due before it, then the fill. */
  apply(fill: LedgerFill): void {
    const group = this.#groupOf(fill);
    const { funding } = group;
    while (group.next < funding.length && funding[group.next].time <= fill.time) {
      this.#fund(group, funding[group.next++]);
    }
    this.#bookOf(group, fill).apply(fill);
  }

  /** After phase 3: the funding after every symbol's last fill, and of symbols without fills. */
  fundRest(): void {
    for (const group of this.#bySymbol.values()) {
      while (group.next < group.funding.length) this.#fund(group, group.funding[group.next++]);
    }
    for (const [key, records] of this.#funding) {
      if (!this.#bySymbol.has(key)) this.unattached.push(...records);
    }
  }

  all(): BookReplay[] {
    return this.#all;
  }

  #groupOf(fill: LedgerFill): SymbolBooks {
    const key = symbolKey(fill.market, fill.symbol);
    let group = this.#bySymbol.get(key);
    if (group === undefined) {
      group = { sides: new Map(), funding: this.#funding.get(key) ?? [], next: 0 };
      this.#bySymbol.set(key, group);
    }
    return group;
  }

  #bookOf(group: SymbolBooks, fill: LedgerFill): BookReplay {
    let book = group.sides.get(fill.positionSide);
    if (book === undefined) {
      const { market, symbol, positionSide } = fill;
      const anchor = anchorOf(this.#snapshots, market, symbol, positionSide);
      book = new BookReplay({ market, symbol, positionSide }, this.#context, anchor);
      group.sides.set(positionSide, book);
      this.#all.push(book);
    }
    return book;
  }

  #fund(group: SymbolBooks, record: IncomeRecord): void {
    const open: [PositionSide, PositionBuilder][] = [];
    for (const side of SIDES) {
      const position = group.sides.get(side)?.openPosition();
      if (position !== undefined) open.push([side, position]);
    }
    if (open.length === 0 || open.some(([, p]) => p.marginAsset !== record.asset)) {
      this.unattached.push(record);
      return;
    }
    const parts = splitFunding(Decimal.parse(record.income), open.map(([, p]) => p.claim));
    open.forEach(([positionSide, position], i) => {
      position.fund(parts[i]);
      const { market, symbol } = record;
      this.shares.push({
        record,
        position: { market, symbol, positionSide, openTradeId: position.openTradeId },
        amount: parts[i],
      });
    });
  }
}

/** The key of a `(market, symbol)` group. */
function symbolKey(market: Market, symbol: string): string {
  return market === "usdm" ? symbol : market + "|" + symbol;
}

/** Per market, the time of its first income record. */
function firstTimes(income: readonly IncomeRecord[]): Map<Market, number> {
  const first = new Map<Market, number>();
  for (const record of income) {
    const known = first.get(record.market);
    if (known === undefined || record.time < known) first.set(record.market, record.time);
  }
  return first;
}

/** Whether each `(market, symbol)`'s fills appear in strictly increasing trade-id order. */
function inIdOrder(fills: readonly LedgerFill[]): boolean {
  const last = new Map<string, string>();
  for (const fill of fills) {
    const key = symbolKey(fill.market, fill.symbol);
    const previous = last.get(key);
    if (previous !== undefined && compareIds(previous, fill.id) >= 0) return false;
    last.set(key, fill.id);
  }
  return true;
}

/** Sorted by market, symbol and trade id, keeping the first fill of each id. */
function sortedUnique(fills: readonly LedgerFill[]): LedgerFill[] {
  const sorted = [...fills].sort((a, b) =>
    compareText(a.market, b.market) || compareText(a.symbol, b.symbol) || compareIds(a.id, b.id)
  ); // stable: of equal ids, the first in the input stays first
  return sorted.filter((fill, i) => {
    const previous = sorted[i - 1];
    return i === 0 || previous.id !== fill.id || previous.symbol !== fill.symbol ||
      previous.market !== fill.market;
  });
}
