/**
 * Replaying one book — the fills of one `(market, symbol, positionSide)` in trade-id order — into
 * positions.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { LedgerFill } from "../fill.ts";
import type { BookAnchor } from "./anchor.ts";
import type { Direction, Position } from "../position.ts";
import {
  type BookKey,
  DIVISION_PLACES,
  type LedgerContext,
  PositionBuilder,
} from "./position_builder.ts";
import {
  HedgePriorInference,
  OneWayPriorInference,
  type PriorInference,
} from "./prior_quantity.ts";

/**
 * One book's replay, fed its fills in trade-id order in three phases: {@linkcode observe} every
 * fill (prior-quantity inference), {@linkcode reobserve} every fill again if
 * `inference.needsSecondPass`, then {@linkcode apply} every fill, asking between fills for the
 * {@linkcode openPosition} when funding is due; {@linkcode finish} returns the positions. Phases
 * take fills one at a time so the ledger can interleave books in file order.
 *
 * Or in one pass: a book made for it {@linkcode step}s each fill (observe and apply at once),
 * assuming that no position was held before the data. Afterwards
 * {@linkcode BookReplay.assumptionHolds} says whether the three phases would have assumed the
 * same; when they would, the positions are theirs exactly, as every step was the same.
 *
 * Rules:
 * - An opening fill adds to the position; a reducing one closes part of it; a position is closed
 *   when its quantity is exactly zero.
 * - One-way: a fill that crosses zero is a flip, split into a closing part (all of its realized
 *   P&L, commission pro rata) and an opening part (the rest of the commission); it counts in both.
 * - A book whose data starts mid-position gets a PARTIAL first position; see `prior_quantity.ts`.
 *   With an anchor — what Binance says the book holds, at a time no fill of the book is after —
 *   the quantity held before the data is exact: the anchor minus what the fills did (used when
 *   it meets the hard evidence; otherwise the inference decides).
 */
export class BookReplay {
  readonly #book: BookKey;
  readonly #hedge: boolean;
  /** The prior-quantity inference of this book. */
  readonly inference: PriorInference;
  readonly #positions: Position[] = [];
  readonly #anchor: BookAnchor | undefined;
  readonly #context: LedgerContext;
  #first: LedgerFill | undefined;
  #lastTime = -Infinity;
  #prior: Decimal | undefined | null = null; // null until decided
  #current: PositionBuilder | undefined;
  readonly #onePass: boolean;
  // The last price applied: fills of one order often share it (two in three on the benchmark).
  #priceText = "";
  #price = Decimal.ZERO;

  /**
   * A book with no fills yet, what Binance says it holds (if known), and whether it is fed in one
   * pass ({@linkcode step}) rather than three.
   */
  constructor(book: BookKey, context: LedgerContext, anchor?: BookAnchor, onePass = false) {
    this.#book = book;
    this.#onePass = onePass;
    this.#context = context;
    this.#hedge = book.positionSide !== "BOTH";
    this.inference = this.#hedge ? new HedgePriorInference() : new OneWayPriorInference();
    this.#anchor = anchor;
  }

  /** The contract symbol. */
  get symbol(): string {
    return this.#book.symbol;
  }

  /** Phase 1. @throws {RangeError} for a fill whose quantity is not positive. */
  observe(fill: LedgerFill): void {
    this.#observe(fill, this.#delta(fill));
  }

  #observe(fill: LedgerFill, delta: Decimal): void {
    this.inference.observe(delta, isNonZero(fill.realizedPnl));
    if (fill.time > this.#lastTime) this.#lastTime = fill.time;
    this.#first ??= fill;
  }

  /**
   * The one pass: observes and applies a fill, assuming nothing was held before the data.
   *
   * @throws {RangeError} for a fill whose quantity is not positive.
   */
  step(fill: LedgerFill): void {
    const qty = quantityOf(fill);
    const up = opens(fill);
    this.#observe(fill, up ? qty : qty.neg());
    this.#apply(fill, qty, up);
  }

  /**
   * After the one pass: whether the three phases would also have found nothing held before the
   * data (by the anchor, or else by the inference's first pass).
   */
  get assumptionHolds(): boolean {
    const inference = this.inference;
    const prior = this.#anchored() ??
      (inference.needsSecondPass ? undefined : inference.result());
    return prior !== undefined && prior.isZero();
  }

  /** After phase 1: whether phase 2 is needed (no usable anchor, and the inference asks). */
  get needsSecondPass(): boolean {
    return this.#anchored() === undefined && this.inference.needsSecondPass;
  }

  /** Phase 2, only if `inference.needsSecondPass`. */
  reobserve(fill: LedgerFill): void {
    this.inference.reobserve(this.#delta(fill), isNonZero(fill.realizedPnl));
  }

  /**
   * Phase 3, between fills: the position open now, if any — also a PARTIAL one before its first
   * fill, which was held before the data.
   */
  openPosition(): PositionBuilder | undefined {
    if (this.#current === undefined && this.#prior === null) {
      const first = this.#first!;
      const delta = this.#delta(first);
      const held = this.#held(first, delta);
      if (!held.isZero()) this.#begin(first, held, delta);
    }
    const current = this.#current;
    return current !== undefined && current.qty.sign() > 0 ? current : undefined;
  }

  /** Phase 3: books the fill into the current position, opening or closing positions. */
  apply(fill: LedgerFill): void {
    this.#apply(fill, quantityOf(fill), opens(fill));
  }

  #apply(fill: LedgerFill, qty: Decimal, up: boolean): void {
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
        this.#positions.push(current.build(fill));
        this.#current = undefined;
      }
      return;
    }
    // A flip (one-way only: a hedge book never goes below zero after prior inference).
    const closingFee = fee.times(closable).div(qty, DIVISION_PLACES);
    current.reduce(closable, price);
    current.charge(pnl, closingFee, fill.commissionAsset, fill.time);
    this.#positions.push(current.build(fill));
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
   * What the book held before `fill` when no position is current: the prior quantity before the
   * book's first fill (decided then; zero in one pass), else zero — except that without a
   * consistent prior quantity (one-way data with gaps) a fill that realizes P&L on a flat book
   * closes something unseen, assumed to be exactly its own quantity.
   */
  #held(fill: LedgerFill, delta: Decimal): Decimal {
    let held = Decimal.ZERO;
    if (this.#prior === null) {
      this.#prior = this.#onePass ? Decimal.ZERO : this.#anchored() ?? this.inference.result();
      held = this.#prior ?? Decimal.ZERO;
    }
    if (this.#prior === undefined && isNonZero(fill.realizedPnl)) held = delta.neg();
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

  /** The book's positions, the last one still open if it is. */
  finish(): Position[] {
    if (this.#current !== undefined) this.#positions.push(this.#current.build(undefined));
    this.#current = undefined;
    return this.#positions;
  }

  /** The quantity held before the data according to the anchor, if it is usable and fits. */
  #anchored(): Decimal | undefined {
    const anchor = this.#anchor;
    if (anchor === undefined || this.#lastTime > anchor.time) return undefined;
    // positionRisk signs a short negative; a SHORT hedge book counts it positive.
    const now = this.#book.positionSide === "SHORT" ? anchor.amount.neg() : anchor.amount;
    const held = now.minus(this.inference.total());
    return this.inference.fits(held) ? held.normalize() : undefined;
  }

  /** Signed quantity: one-way BUY +, SELL −; hedge + opens (BUY on LONG, SELL on SHORT). */
  #delta(fill: LedgerFill): Decimal {
    const qty = quantityOf(fill);
    return opens(fill) ? qty : qty.neg();
  }

  #directionOf(signed: Decimal): Direction {
    if (this.#hedge) return this.#book.positionSide as Direction;
    return signed.sign() > 0 ? "LONG" : "SHORT";
  }
}

/** A fill's quantity. @throws {RangeError} when it is not positive. */
function quantityOf(fill: LedgerFill): Decimal {
  const qty = Decimal.parse(fill.qty);
  if (qty.sign() <= 0) {
    throw new RangeError(`fill ${fill.symbol} #${fill.id}: qty must be positive`);
  }
  return qty;
}

/** Whether a fill counts positive: one-way BUY; hedge, a fill that opens (BUY on LONG, SELL on SHORT). */
function opens(fill: LedgerFill): boolean {
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
function isNonZero(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}
