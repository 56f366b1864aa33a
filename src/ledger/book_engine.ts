/**
 * Applying one book's fills — the fills of one `(market, symbol, positionSide)` in ledger order
 * (time, then trade id) — to its positions, once what the book held before its first fill in the
 * data is decided.
 *
 * Rules:
 * - An opening fill adds to the position; a reducing one closes part of it; a position is closed
 *   when its quantity is exactly zero.
 * - One-way: a fill that crosses zero is a flip, split into a closing part (all of its realized
 *   P&L, commission pro rata) and an opening part (the rest of the commission); it counts in both.
 * - A book whose data starts mid-position gets a PARTIAL first position, holding the prior
 *   quantity (`prior_quantity.ts` decides it) from before its first fill.
 * - A delivery settlement closes the open position with no fill (`settlement.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { LedgerFill } from "../fill.ts";
import type { Direction, Position } from "../position.ts";
import type { BookKey, LedgerContext } from "./ledger_context.ts";
import { DIVISION_PLACES, PositionBuilder, type SavedPosition } from "./position_builder.ts";

/**
 * What a book held before its first fill in the data, decided before its fills are applied: a
 * quantity (signed on a one-way book, a hedge book's positive), or `inconsistent` when no single
 * quantity fits the data (one-way data with gaps): then a fill that realizes P&L on a flat book
 * is taken to close something unseen of exactly its own quantity.
 */
export type Prior =
  | { readonly kind: "known"; readonly qty: Decimal }
  | { readonly kind: "inconsistent" };

/** Nothing held before the data: what the one pass assumes. */
export const NOTHING_HELD: Prior = { kind: "known", qty: Decimal.ZERO };

/** A book's engine as data, to continue it in a later run. */
export interface SavedEngine {
  /** The prior quantity it was given (text), or `null` when inconsistent. */
  readonly prior: string | null;
  /** Whether the prior is behind it (its first position began). */
  readonly begun: boolean;
  /** The open position, if any. */
  readonly current: SavedPosition | null;
}

/** Receives each position once it is final: closed, or still open at the end. */
export type PositionSink = (position: Position) => void;

/** One book's positions, fed its fills in ledger order (time, then trade id). */
export class BookEngine {
  readonly #book: BookKey;
  readonly #hedge: boolean;
  readonly #context: LedgerContext;
  readonly #prior: Prior;
  readonly #first: LedgerFill | undefined;
  readonly #emit: PositionSink;
  #begun = false;
  #current: PositionBuilder | undefined;
  // The last price applied: fills of one order often share it (two in three on the benchmark).
  #priceText = "";
  #price = Decimal.ZERO;

  /**
   * A book about to apply its fills, holding `prior` before them. `first` is its first fill, if
   * known in advance (three passes): a PARTIAL position is then open before it, for funding.
   */
  constructor(
    book: BookKey,
    context: LedgerContext,
    prior: Prior,
    first: LedgerFill | undefined,
    emit: PositionSink,
  ) {
    this.#book = book;
    this.#hedge = book.positionSide !== "BOTH";
    this.#context = context;
    this.#prior = prior;
    this.#first = first;
    this.#emit = emit;
  }

  /** The prior it was given. */
  get prior(): Prior {
    return this.#prior;
  }

  /** Books a fill into the current position, opening or closing positions. */
  apply(fill: LedgerFill): void {
    const qty = quantityOf(fill);
    const up = opens(fill);
    let current = this.#current;
    if (current === undefined) {
      const delta = up ? qty : qty.neg();
      current = this.#begin(fill, this.#held(fill, delta), delta);
    }
    if (fill.price !== this.#priceText) {
      this.#price = Decimal.parse(fill.price);
      this.#priceText = fill.price;
    }
    const price = this.#price;
    const pnl = isZeroText(fill.realizedPnl) ? Decimal.ZERO : Decimal.parse(fill.realizedPnl);
    const fee = Decimal.parse(fill.commission);
    if (this.#hedge || current.direction === "LONG" ? up : !up) {
      current.open(qty, price);
      current.charge(pnl, fee, fill.commissionAsset, fill.time);
      return;
    }
    const closable = current.qty;
    if (qty.cmp(closable) <= 0) {
      current.reduce(qty, price);
      current.charge(pnl, fee, fill.commissionAsset, fill.time);
      if (current.qty.isZero()) {
        this.#emit(current.build(fill));
        this.#current = undefined;
      }
      return;
    }
    // A flip (one-way only: a hedge book never goes below zero after prior inference).
    const closingFee = fee.times(closable).div(qty, DIVISION_PLACES);
    current.reduce(closable, price);
    current.charge(pnl, closingFee, fill.commissionAsset, fill.time);
    this.#emit(current.build(fill));
    const next = this.#current = new PositionBuilder(
      this.#book,
      this.#directionOf(up ? qty : qty.neg()),
      fill,
      Decimal.ZERO,
      this.#context,
    );
    next.open(qty.minus(closable), price);
    next.charge(Decimal.ZERO, fee.minus(closingFee), fill.commissionAsset, fill.time);
  }

  /**
   * The position open now, if any — also a PARTIAL one before the book's first fill (when it is
   * known), which was held before the data.
   */
  openPosition(): PositionBuilder | undefined {
    const first = this.#first;
    if (this.#current === undefined && !this.#begun && first !== undefined) {
      const delta = opens(first) ? quantityOf(first) : quantityOf(first).neg();
      const held = this.#held(first, delta);
      if (!held.isZero()) this.#begin(first, held, delta);
    }
    const current = this.#current;
    return current !== undefined && current.qty.sign() > 0 ? current : undefined;
  }

  /**
   * Closes the position open now by a delivery settlement at `time` of P&L `pnl`
   * (`settlement.ts`), and emits it; nothing when none is open.
   */
  settle(time: number, pnl: Decimal, note: string): void {
    const current = this.openPosition();
    if (current === undefined) return;
    current.settle(pnl, note);
    this.#emit(current.build({ time, id: "" }));
    this.#current = undefined;
  }

  /** Emits the position still open, if any. Call once, after the last fill. */
  finish(): void {
    if (this.#current !== undefined) this.#emit(this.#current.build(undefined));
    this.#current = undefined;
  }

  /** The engine as data (call before {@linkcode BookEngine.finish}). */
  save(): SavedEngine {
    const prior = this.#prior;
    return {
      prior: prior.kind === "known" ? prior.qty.toString() : null,
      begun: this.#begun,
      current: this.#current?.save() ?? null,
    };
  }

  /** The engine {@linkcode BookEngine.save} saved, continued. */
  static restore(
    book: BookKey,
    context: LedgerContext,
    saved: SavedEngine,
    emit: PositionSink,
  ): BookEngine {
    const prior: Prior = saved.prior === null
      ? { kind: "inconsistent" }
      : { kind: "known", qty: Decimal.parse(saved.prior) };
    const engine = new BookEngine(book, context, prior, undefined, emit);
    engine.#begun = saved.begun;
    if (saved.current !== null) {
      engine.#current = PositionBuilder.restore(book, saved.current, context);
    }
    return engine;
  }

  /**
   * What the book held before `fill` when no position is current: the prior quantity before the
   * book's first position, else zero — except with an inconsistent prior, where a fill that
   * realizes P&L on a flat book closes something unseen of its own quantity.
   */
  #held(fill: LedgerFill, delta: Decimal): Decimal {
    let held = Decimal.ZERO;
    if (!this.#begun) {
      this.#begun = true;
      if (this.#prior.kind === "known") held = this.#prior.qty;
    }
    if (this.#prior.kind === "inconsistent" && isNonZero(fill.realizedPnl)) held = delta.neg();
    return held;
  }

  /** Starts the current position at `fill`, with `held` (signed) already in it. */
  #begin(fill: LedgerFill, held: Decimal, delta: Decimal): PositionBuilder {
    const direction = this.#directionOf(held.isZero() ? delta : held);
    return this.#current = new PositionBuilder(
      this.#book,
      direction,
      fill,
      held.abs(),
      this.#context,
    );
  }

  #directionOf(signed: Decimal): Direction {
    if (this.#hedge) return this.#book.positionSide as Direction;
    return signed.sign() > 0 ? "LONG" : "SHORT";
  }
}

/** A fill's quantity. @throws {RangeError} when it is not positive. */
export function quantityOf(fill: LedgerFill): Decimal {
  const qty = Decimal.parse(fill.qty);
  if (qty.sign() <= 0) {
    throw new RangeError(`fill ${fill.symbol} #${fill.id}: qty must be positive`);
  }
  return qty;
}

/** Whether a fill counts positive: one-way BUY; hedge, one that opens (BUY on LONG, SELL on SHORT). */
export function opens(fill: LedgerFill): boolean {
  return fill.positionSide === "SHORT" ? fill.side === "SELL" : fill.side === "BUY";
}

/** Whether decimal text is a plain zero (`0`, `-0.00`), without parsing it. */
function isZeroText(text: string): boolean {
  const length = text.length;
  let i = length > 0 && text.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < length && text.charCodeAt(i) === 48) i++;
  if (i === start) return false;
  if (i === length) return true;
  if (text.charCodeAt(i++) !== 46 || i === length) return false;
  while (i < length && text.charCodeAt(i) === 48) i++;
  return i === length;
}

/** Whether decimal text is non-zero, without parsing it. */
export function isNonZero(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}
