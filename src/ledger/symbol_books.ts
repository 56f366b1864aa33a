/**
 * The books of one `(market, symbol)` — one per position side — and the symbol's FUNDING_FEE
 * and DELIVERED_SETTELMENT records, taken between its fills (`symbol_funding.ts`): a settlement
 * closes the position it settles (`settlement.ts`).
 *
 * Each book is an engine (`book_engine.ts`) that applies fills once what the book held before the
 * data is decided, and the evidence that decides it (`prior_quantity.ts`), with Binance's position
 * at the last sync as an anchor when there is one.
 *
 * Fed in one of two ways:
 * - **One pass** ({@linkcode SymbolBooks.step}): each new book assumes it held nothing; each fill
 *   is observed and applied at once. Afterwards {@linkcode SymbolBooks.holds} says whether what
 *   every book assumed is what the evidence decides; if so the positions are exactly those of
 *   three passes. A one pass can also continue the books of an earlier run, restored from their
 *   saved state ({@linkcode SymbolBooks.restore}), over new fills only.
 * - **Three passes**: {@linkcode SymbolBooks.observe} every fill, {@linkcode SymbolBooks.reobserve}
 *   every fill again if {@linkcode SymbolBooks.needsSecondPass}, {@linkcode SymbolBooks.decide},
 *   then {@linkcode SymbolBooks.apply} every fill.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import { defined } from "../defined.ts";
import { compareIds, type LedgerFill, type Market, type PositionSide } from "../fill.ts";
import { type IncomeRecord, SETTLEMENT } from "../income.ts";
import { priorFromAnchor } from "./anchor.ts";
import { settleBooks } from "./settlement.ts";
import {
  BookEngine,
  isNonZero,
  NOTHING_HELD,
  opens,
  type Prior,
  quantityOf,
  type SavedEngine,
} from "./book_engine.ts";
import { BOOK_SIDES, type BookKey, type SymbolContext } from "./ledger_context.ts";
import { type PriorInference, priorInference, type SavedEvidence } from "./prior_quantity.ts";
import { SymbolFunding } from "./symbol_funding.ts";

/** Ledger order of a fill at `time` with `id` against `fill`: by time, then trade id. */
function compareLedgerOrder(time: number, id: string, fill: LedgerFill): number {
  return time - fill.time || compareIds(id, fill.id);
}

/** One book of a symbol as data. */
export interface SavedBook {
  /** Its engine. */
  readonly engine: SavedEngine;
  /** What its fills showed so far (first pass). */
  readonly evidence: SavedEvidence;
  /** Time of its last fill, ms. */
  readonly lastTime: number;
}

/** A symbol's books as data: what a later run needs to go on from here with new fills only. */
export interface SavedSymbol {
  /** Trade id of the last fill. */
  readonly lastId: string;
  /** Time of the last fill, ms. */
  readonly lastTime: number;
  /** Its books, by position side. */
  readonly books: Readonly<Partial<Record<PositionSide, SavedBook>>>;
  /**
   * The time of the last funding record taken (attached, or left unattached) after the last fill,
   * if any: a fill before it, arriving later, would have changed where that funding went.
   */
  readonly fundedTime?: number;
  /**
   * The time of the symbol's first delivery settlement, if it had one: every book was flat after
   * it, so the evidence of what a book held before the data ends there (`settlement.ts`).
   */
  readonly settledFrom?: number;
}

interface Book {
  readonly key: BookKey;
  readonly evidence: PriorInference;
  engine: BookEngine | undefined;
  first: LedgerFill | undefined;
  lastTime: number;
}

/** The books and funding of one `(market, symbol)`. */
export class SymbolBooks {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** The contract. */
  readonly symbol: string;
  readonly #context: SymbolContext;
  readonly #books = new Map<PositionSide, Book>();
  readonly #funding: SymbolFunding;
  #lastId: string | undefined;
  #lastTime = -Infinity;
  #disordered = false;
  #fundedTime = -Infinity;
  // The time of the first settlement among the symbol's records (`settlement.ts`).
  #settledFrom: number;
  // The last fill's book: fills of one order come together.
  #lastSide: PositionSide | undefined;
  #lastBook: Book | undefined;

  /**
   * A symbol with no fills yet; `funding`: its FUNDING_FEE and DELIVERED_SETTELMENT records, in
   * time order (of one time, the funding first).
   */
  constructor(
    market: Market,
    symbol: string,
    funding: readonly IncomeRecord[],
    context: SymbolContext,
  ) {
    this.market = market;
    this.symbol = symbol;
    this.#context = context;
    this.#settledFrom = funding.find((r) => r.incomeType === SETTLEMENT)?.time ?? Infinity;
    this.#funding = new SymbolFunding(
      funding,
      (side) => this.#books.get(side)?.engine?.openPosition(),
      (records) => this.#settle(records),
      context.sink,
    );
  }

  /**
   * The books `saved` describes, to go on with the fills after them. `funding`: the symbol's
   * FUNDING_FEE and DELIVERED_SETTELMENT records not taken yet, in time order.
   *
   * @throws {DecimalSyntaxError} for a damaged checkpoint.
   */
  static restore(
    market: Market,
    symbol: string,
    saved: SavedSymbol,
    funding: readonly IncomeRecord[],
    context: SymbolContext,
  ): SymbolBooks {
    const group = new SymbolBooks(market, symbol, funding, context);
    group.#lastId = saved.lastId;
    group.#lastTime = saved.lastTime;
    group.#fundedTime = saved.fundedTime ?? -Infinity;
    group.#settledFrom = Math.min(saved.settledFrom ?? Infinity, group.#settledFrom);
    // A record at or before the last fill belonged to positions as they were then: out of order.
    // So does one at or before the last record a settled symbol took: a settlement changed its
    // positions at its time (a funding record of that millisecond came before it).
    const taken = saved.settledFrom === undefined
      ? saved.lastTime
      : Math.max(saved.lastTime, saved.fundedTime ?? -Infinity);
    group.#disordered = funding.some((record) => record.time <= taken);
    for (const side of BOOK_SIDES) {
      const book = saved.books[side];
      if (book === undefined) continue;
      const key = { market, symbol, positionSide: side };
      const emit = context.sink.position;
      group.#books.set(side, {
        key,
        evidence: priorInference(side !== "BOTH", book.evidence),
        engine: BookEngine.restore(key, context.ledger, book.engine, emit),
        first: undefined,
        lastTime: book.lastTime,
      });
    }
    return group;
  }

  /**
   * Whether a fill came out of order (by time, then trade id), or twice, or (continuing an
   * earlier run) a new funding record is not after its last fill: the one pass ignored the rest.
   */
  get disordered(): boolean {
    return this.#disordered;
  }

  /**
   * The one pass, for each fill in file order: the funding due before it, then the fill, observed
   * and applied by its book (a new book assumes it held nothing). A fill not after the last one
   * (by time, then trade id), or before a funding record taken past the last one (it would have
   * changed where that funding went), makes the symbol disordered, and the rest of its fills are
   * ignored.
   *
   * @throws {RangeError} for a fill whose quantity is not positive.
   */
  step(fill: LedgerFill): void {
    if (this.#disordered) return;
    if (
      fill.time < this.#fundedTime ||
      (this.#lastId !== undefined && compareLedgerOrder(this.#lastTime, this.#lastId, fill) >= 0)
    ) {
      this.#disordered = true;
      return;
    }
    this.#lastId = fill.id;
    this.#funding.attachUntil(fill.time);
    const book = this.#bookOf(fill);
    this.#observe(book, fill);
    book.engine ??= new BookEngine(
      book.key,
      this.#context.ledger,
      NOTHING_HELD,
      undefined,
      this.#context.sink.position,
    );
    book.engine.apply(fill);
  }

  /** Three passes, the first: every fill, in ledger order (time, then trade id). */
  observe(fill: LedgerFill): void {
    this.#lastId = fill.id;
    this.#observe(this.#bookOf(fill), fill);
  }

  /** After the first pass: whether a book needs its fills again to decide its prior. */
  get needsSecondPass(): boolean {
    return [...this.#books.values()].some((b) =>
      this.#anchored(b) === undefined && b.evidence.needsSecondPass
    );
  }

  /** Three passes, the second (only if needed): every fill again. */
  reobserve(fill: LedgerFill): void {
    const book = this.#bookOf(fill);
    if (this.#anchored(book) !== undefined || !book.evidence.needsSecondPass) return;
    if (fill.time >= this.#settledFrom) return;
    book.evidence.reobserve(signedQuantity(fill), isNonZero(fill.realizedPnl));
  }

  /** After the evidence passes: each book's prior, decided. */
  decide(): void {
    for (const book of this.#books.values()) {
      const qty = this.#anchored(book) ?? book.evidence.result();
      const prior: Prior = qty === undefined ? { kind: "inconsistent" } : { kind: "known", qty };
      book.engine = new BookEngine(
        book.key,
        this.#context.ledger,
        prior,
        book.first,
        this.#context.sink.position,
      );
    }
  }

  /** Three passes, the third: the funding due before each fill, then the fill. */
  apply(fill: LedgerFill): void {
    this.#funding.attachUntil(fill.time);
    // `decide`, between the passes, gave every book its engine.
    defined(this.#bookOf(fill).engine, "the engine of a book").apply(fill);
  }

  /** After the last fill: the funding after it. */
  fundRest(): void {
    if (!this.#disordered) this.#funding.attachUntil(Infinity);
  }

  /**
   * After a one pass: whether every book's prior is what its evidence and anchor decide now —
   * then its positions are exactly those of three passes over all of its fills. Never for a
   * disordered symbol, nor where deciding would need the fills again (no usable anchor).
   */
  holds(): boolean {
    if (this.#disordered) return false;
    for (const book of this.#books.values()) {
      const decided = this.#anchored(book) ??
        (book.evidence.needsSecondPass ? undefined : book.evidence.result());
      const prior = book.engine?.prior;
      if (decided === undefined || prior?.kind !== "known" || !prior.qty.eq(decided)) return false;
    }
    return true;
  }

  /** The positions still open, emitted. Call once, last. */
  finish(): void {
    for (const side of BOOK_SIDES) this.#books.get(side)?.engine?.finish();
  }

  /** The books as data (call before {@linkcode SymbolBooks.finish}). */
  save(): SavedSymbol {
    const books: Partial<Record<PositionSide, SavedBook>> = {};
    for (const side of BOOK_SIDES) {
      const book = this.#books.get(side);
      if (book?.engine === undefined) continue;
      books[side] = {
        engine: book.engine.save(),
        evidence: book.evidence.save(),
        lastTime: book.lastTime,
      };
    }
    const fundedTime = Math.max(this.#fundedTime, this.#funding.lastTime);
    const settledFrom = this.#settledFrom;
    return {
      lastId: this.#lastId ?? "",
      lastTime: this.#lastTime,
      books,
      ...(fundedTime > this.#lastTime ? { fundedTime } : {}),
      ...(settledFrom < Infinity ? { settledFrom } : {}),
    };
  }

  /** The settlement `records` of one time, applied to the books (`settlement.ts`). */
  #settle(records: readonly IncomeRecord[]): void {
    settleBooks(BOOK_SIDES.map((side) => this.#books.get(side)?.engine), records);
  }

  #observe(book: Book, fill: LedgerFill): void {
    // After a settlement the book was flat: its fills say nothing of what it held before the data.
    if (fill.time < this.#settledFrom) {
      book.evidence.observe(signedQuantity(fill), isNonZero(fill.realizedPnl));
    }
    if (fill.time > book.lastTime) book.lastTime = fill.time;
    if (fill.time > this.#lastTime) this.#lastTime = fill.time;
    book.first ??= fill;
  }

  #bookOf(fill: LedgerFill): Book {
    if (this.#lastBook !== undefined && fill.positionSide === this.#lastSide) return this.#lastBook;
    let book = this.#books.get(fill.positionSide);
    if (book === undefined) {
      const key = { market: this.market, symbol: this.symbol, positionSide: fill.positionSide };
      const evidence = priorInference(fill.positionSide !== "BOTH");
      book = { key, evidence, engine: undefined, first: undefined, lastTime: -Infinity };
      this.#books.set(fill.positionSide, book);
    }
    this.#lastSide = fill.positionSide;
    this.#lastBook = book;
    return book;
  }

  /**
   * The quantity held before the data according to the anchor, if it is usable and fits. Never
   * for a symbol settled in the data: Binance's position after the settlement is nothing,
   * whatever the book held before the data.
   */
  #anchored(book: Book): Decimal | undefined {
    if (this.#settledFrom < Infinity) return undefined;
    const { market, symbol, positionSide } = book.key;
    return priorFromAnchor(this.#context.anchorOf(market, symbol, positionSide), book);
  }
}

/** Signed quantity: one-way BUY +, SELL −; hedge + opens (BUY on LONG, SELL on SHORT). */
function signedQuantity(fill: LedgerFill): Decimal {
  const qty = quantityOf(fill);
  return opens(fill) ? qty : qty.neg();
}
