/**
 * The books of one ledger run: one {@linkcode BookReplay} per `(market, symbol, positionSide)`,
 * and each symbol's FUNDING_FEE records attached between its fills.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { compareIds, type LedgerFill, type Market, type PositionSide } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { anchorOf, type PositionSnapshot } from "./anchor.ts";
import { BookReplay } from "./book.ts";
import { type FundingShare, splitFunding } from "./funding.ts";
import type { LedgerContext, PositionBuilder } from "./position_builder.ts";

const SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];

/** One `(market, symbol)`: its books and its FUNDING_FEE records not yet attached. */
interface SymbolBooks {
  readonly symbol: string;
  readonly sides: Map<PositionSide, BookReplay>;
  readonly funding: readonly IncomeRecord[];
  next: number;
  /** One pass: the trade id of the last fill stepped. */
  lastId: string | undefined;
  /** One pass: a fill came out of trade-id order, or twice. */
  disordered: boolean;
}

/**
 * The books, found by market, symbol and position side, with each symbol's funding.
 *
 * Fed in one of two ways. Three passes over fills in trade-id order: {@linkcode BookIndex.get}
 * each book to `observe` (and maybe `reobserve`) every fill, then {@linkcode BookIndex.apply}
 * every fill. Or one pass, with books that assume no position was held before the data:
 * {@linkcode BookIndex.step} every fill, then {@linkcode BookIndex.unsettled} names the symbols
 * where that assumption, or the trade-id order the pass relies on, did not hold.
 */
export class BookIndex {
  readonly #bySymbol = new Map<string, SymbolBooks>();
  readonly #all: BookReplay[] = [];
  readonly #snapshots: readonly PositionSnapshot[];
  readonly #context: LedgerContext;
  readonly #funding = new Map<string, IncomeRecord[]>();
  /** Funding attached so far. */
  readonly shares: FundingShare[] = [];
  /** Funding no position took so far. */
  readonly unattached: IncomeRecord[] = [];

  readonly #onePass: boolean;
  // The last fill's group and book: fills of one order come together, so they often repeat.
  #lastFill: LedgerFill | undefined;
  #lastGroup: SymbolBooks | undefined;
  #lastBook: BookReplay | undefined; // of #lastGroup, on side #lastSide
  #lastSide: PositionSide | undefined;

  /** `funding`: the FUNDING_FEE records to attach; `onePass`: fed by `step` (see above). */
  constructor(
    snapshots: readonly PositionSnapshot[],
    context: LedgerContext,
    funding: readonly IncomeRecord[],
    onePass: boolean,
  ) {
    this.#snapshots = snapshots;
    this.#context = context;
    this.#onePass = onePass;
    for (const record of funding) {
      const key = symbolKey(record.market, record.symbol);
      const list = this.#funding.get(key);
      if (list === undefined) this.#funding.set(key, [record]);
      else list.push(record);
    }
    for (const list of this.#funding.values()) list.sort((a, b) => a.time - b.time);
  }

  /** The book of a fill (created on its first fill). */
  get(fill: LedgerFill): BookReplay {
    return this.#bookOf(this.#groupOf(fill), fill);
  }

  /** Phase 3 for one fill: first the symbol's funding due before it, then the fill. */
  apply(fill: LedgerFill): void {
    const group = this.#groupOf(fill);
    this.#fundUntil(group, fill.time);
    this.#bookOf(group, fill).apply(fill);
  }

  /**
   * The one pass, for each fill in file order: the symbol's funding due before it, then the fill
   * (see `BookReplay.step`). A fill whose trade id is not above the last one of its symbol makes
   * the symbol unsettled, and the rest of its fills are not looked at.
   */
  step(fill: LedgerFill): void {
    const group = this.#groupOf(fill);
    if (group.disordered) return;
    if (group.lastId !== undefined && compareIds(group.lastId, fill.id) >= 0) {
      group.disordered = true;
      return;
    }
    group.lastId = fill.id;
    this.#fundUntil(group, fill.time);
    this.#bookOf(group, fill).step(fill);
  }

  /** After the last fill: the funding after every symbol's last fill, and of symbols without fills. */
  fundRest(): void {
    for (const group of this.#bySymbol.values()) {
      if (group.disordered) continue;
      this.#fundUntil(group, Infinity);
    }
    for (const [key, records] of this.#funding) {
      if (!this.#bySymbol.has(key)) this.unattached.push(...records);
    }
  }

  /** Every book, in the order of their first fills. */
  all(): BookReplay[] {
    return this.#all;
  }

  /**
   * After a pass of `step`: the symbols whose positions that pass did not settle, because a book
   * of theirs held a position before the data (or may have: `BookReplay.assumptionHolds`) or
   * their fills were not in trade-id order. Their positions and funding must be rebuilt.
   */
  unsettled(): Set<string> {
    const symbols = new Set<string>();
    for (const group of this.#bySymbol.values()) {
      if (group.disordered || [...group.sides.values()].some((b) => !b.assumptionHolds)) {
        symbols.add(group.symbol);
      }
    }
    return symbols;
  }

  #fundUntil(group: SymbolBooks, time: number): void {
    const { funding } = group;
    while (group.next < funding.length && funding[group.next].time <= time) {
      this.#fund(group, funding[group.next++]);
    }
  }

  #groupOf(fill: LedgerFill): SymbolBooks {
    const last = this.#lastFill;
    if (last !== undefined && fill.symbol === last.symbol && fill.market === last.market) {
      return this.#lastGroup!;
    }
    const key = symbolKey(fill.market, fill.symbol);
    let group = this.#bySymbol.get(key);
    if (group === undefined) {
      group = {
        symbol: fill.symbol,
        sides: new Map(),
        funding: this.#funding.get(key) ?? [],
        next: 0,
        lastId: undefined,
        disordered: false,
      };
      this.#bySymbol.set(key, group);
    }
    this.#lastFill = fill;
    this.#lastGroup = group;
    this.#lastBook = undefined;
    return group;
  }

  #bookOf(group: SymbolBooks, fill: LedgerFill): BookReplay {
    if (this.#lastBook !== undefined && fill.positionSide === this.#lastSide) return this.#lastBook;
    let book = group.sides.get(fill.positionSide);
    if (book === undefined) {
      const { market, symbol, positionSide } = fill;
      const anchor = anchorOf(this.#snapshots, market, symbol, positionSide);
      const key = { market, symbol, positionSide };
      book = new BookReplay(key, this.#context, anchor, this.#onePass);
      group.sides.set(positionSide, book);
      this.#all.push(book);
    }
    this.#lastBook = book;
    this.#lastSide = fill.positionSide;
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
