/**
 * The running totals of one position while the ledger replays its book.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { DecimalSum } from "./decimal_sum.ts";
import type { FundingClaim } from "./funding.ts";
import type { BookKey, LedgerContext } from "./ledger_context.ts";
import type { LedgerFill } from "../fill.ts";
import {
  feesIn,
  type OtherFees,
  restoreOtherFees,
  type SavedOtherFees,
  saveOtherFees,
  unpricedFees,
} from "./other_fees.ts";
import type { Direction, Position } from "../position.ts";
import { formatTime } from "../time.ts";

/** Decimal places of a division's result (VWAPs, split commissions): half-even. */
export const DIVISION_PLACES = 12;

/** Places kept in each `qty / price` term of an inverse (COIN-M) notional before summing. */
const INVERSE_TERM_PLACES = 30;

/**
 * A position being rebuilt, as plain data (decimals as exact text): what a checkpoint keeps to
 * continue it in a later run ({@linkcode PositionBuilder.save}, {@linkcode PositionBuilder.restore}).
 */
export interface SavedPosition {
  readonly direction: Direction;
  readonly marginAsset: string;
  readonly openTime: number;
  readonly openTradeId: string;
  readonly priorQty: string;
  readonly qty: string;
  readonly maxQty: string;
  readonly entryQty: string;
  readonly entryNotional: string;
  readonly exitQty: string;
  readonly exitNotional: string;
  readonly realizedPnl: string;
  readonly commission: string;
  readonly others: readonly SavedOtherFees[];
  readonly converted: string;
  readonly funding: string;
  readonly fills: number;
}

/** Mutable totals of a position being rebuilt; {@linkcode PositionBuilder.build} freezes them. */
export class PositionBuilder {
  readonly #book: BookKey;
  readonly #direction: Direction;
  readonly #marginAsset: string;
  readonly #openTime: number;
  readonly #openTradeId: string;
  readonly #priorQty: Decimal;
  readonly #inverse: boolean;
  #qty: Decimal;
  #maxQty: Decimal;
  #entryQty = new DecimalSum();
  #entryNotional = new DecimalSum();
  #exitQty = new DecimalSum();
  #exitNotional = new DecimalSum();
  #realizedPnl = new DecimalSum();
  #commission = new DecimalSum();
  /** Fees in assets other than the margin asset: usually none, or one (BNB). */
  #others: OtherFees[] | undefined;
  #converted = new DecimalSum();
  #funding = new DecimalSum();
  readonly #context: LedgerContext;
  #fills = 0;
  /** The note of the settlement that closed it, if one did (`settlement.ts`). */
  #settled: string | undefined;

  /**
   * Starts a position at `first` (its first fill). `priorQty` > 0 means it was already held
   * before the data began (a PARTIAL position).
   */
  constructor(
    book: BookKey,
    direction: Direction,
    first: LedgerFill,
    priorQty: Decimal,
    context: LedgerContext,
  ) {
    this.#book = book;
    this.#context = context;
    this.#direction = direction;
    this.#marginAsset = first.marginAsset;
    this.#openTime = first.time;
    this.#openTradeId = first.id;
    this.#priorQty = priorQty;
    this.#inverse = book.market === "coinm";
    this.#qty = priorQty;
    this.#maxQty = priorQty;
  }

  /** The position as data, to continue it in a later run. */
  save(): SavedPosition {
    const text = (sum: DecimalSum) => sum.value.toString();
    return {
      direction: this.#direction,
      marginAsset: this.#marginAsset,
      openTime: this.#openTime,
      openTradeId: this.#openTradeId,
      priorQty: this.#priorQty.toString(),
      qty: this.#qty.toString(),
      maxQty: this.#maxQty.toString(),
      entryQty: text(this.#entryQty),
      entryNotional: text(this.#entryNotional),
      exitQty: text(this.#exitQty),
      exitNotional: text(this.#exitNotional),
      realizedPnl: text(this.#realizedPnl),
      commission: text(this.#commission),
      others: saveOtherFees(this.#others ?? []),
      converted: text(this.#converted),
      funding: text(this.#funding),
      fills: this.#fills,
    };
  }

  /**
   * The position {@linkcode PositionBuilder.save} saved, continued in `book` with `context`.
   *
   * @throws {DecimalSyntaxError} for a damaged checkpoint.
   */
  static restore(book: BookKey, saved: SavedPosition, context: LedgerContext): PositionBuilder {
    const d = Decimal.parse;
    const first = {
      marginAsset: saved.marginAsset,
      time: saved.openTime,
      id: saved.openTradeId,
    } as LedgerFill;
    const p = new PositionBuilder(book, saved.direction, first, d(saved.priorQty), context);
    p.#qty = d(saved.qty);
    p.#maxQty = d(saved.maxQty);
    p.#entryQty = DecimalSum.of(d(saved.entryQty));
    p.#entryNotional = DecimalSum.of(d(saved.entryNotional));
    p.#exitQty = DecimalSum.of(d(saved.exitQty));
    p.#exitNotional = DecimalSum.of(d(saved.exitNotional));
    p.#realizedPnl = DecimalSum.of(d(saved.realizedPnl));
    p.#commission = DecimalSum.of(d(saved.commission));
    p.#others = restoreOtherFees(saved.others);
    p.#converted = DecimalSum.of(d(saved.converted));
    p.#funding = DecimalSum.of(d(saved.funding));
    p.#fills = saved.fills;
    return p;
  }

  /** Quantity currently open (never negative). */
  get qty(): Decimal {
    return this.#qty;
  }

  /** LONG or SHORT. */
  get direction(): Direction {
    return this.#direction;
  }

  /** Adds `qty` at `price` to the position. */
  open(qty: Decimal, price: Decimal): void {
    this.#entryQty.add(qty);
    this.#addNotional(this.#entryNotional, qty, price);
    this.#qty = this.#qty.plus(qty);
    if (this.#qty.cmp(this.#maxQty) > 0) this.#maxQty = this.#qty;
  }

  /** Closes `qty` (at most the open quantity) at `price`. */
  reduce(qty: Decimal, price: Decimal): void {
    this.#exitQty.add(qty);
    this.#addNotional(this.#exitNotional, qty, price);
    this.#qty = this.#qty.minus(qty);
  }

  /** The asset P&L is in. */
  get marginAsset(): string {
    return this.#marginAsset;
  }

  /** The trade id of the position's first fill (in the data). */
  get openTradeId(): string {
    return this.#openTradeId;
  }

  /** What the position offers a funding split now (see `funding.ts`). */
  get claim(): FundingClaim {
    return {
      qty: this.#qty,
      entryQty: this.#entryQty.value,
      entryNotional: this.#entryNotional.value,
    };
  }

  /**
   * Books a fill (or a flip fill's share of it) at `time`: one more fill, its P&L and commission.
   * A commission in another asset is also converted at its price, if known (`fee_prices.ts`).
   */
  charge(realizedPnl: Decimal, commission: Decimal, commissionAsset: string, time: number): void {
    this.#fills++;
    this.#realizedPnl.add(realizedPnl);
    if (commissionAsset === this.#marginAsset) {
      this.#commission.add(commission);
      return;
    }
    const fees = feesIn(this.#others ??= [], commissionAsset);
    fees.sum.add(commission);
    if (commission.isZero()) return;
    const price = this.#context.prices?.priceOf(commissionAsset, this.#marginAsset, time);
    if (price !== undefined) this.#converted.addProduct(commission, price);
    else fees.unpriced++;
  }

  /**
   * Closes the whole open quantity with no fill, as a delivery settlement does (`settlement.ts`):
   * its `pnl` is realized, and `note` says why the position has no exit price.
   */
  settle(pnl: Decimal, note: string): void {
    this.#exitQty.add(this.#qty);
    this.#qty = Decimal.ZERO;
    this.#realizedPnl.add(pnl);
    this.#settled = note;
  }

  /** Attaches a funding amount (received positive, paid negative). */
  fund(amount: Decimal): void {
    this.#funding.add(amount);
  }

  /**
   * The finished position; `closing` is the fill that brought it to zero (a settlement: its time
   * and an empty id), if any.
   */
  build(closing: Pick<LedgerFill, "time" | "id"> | undefined): Position {
    const partial = this.#priorQty.sign() > 0;
    const notes: string[] = [];
    if (partial) {
      notes.push(
        `opened before the first fill in the data; ${this.#priorQty.normalize()} inferred as held then`,
      );
    }
    if (this.#settled !== undefined) notes.push(this.#settled);
    const realizedPnl = this.#realizedPnl.value.normalize();
    const commission = this.#commission.value.normalize();
    let converted: Decimal | undefined = this.#converted.value.normalize();
    const others = (this.#others ?? []).sort((a, b) => (a.asset < b.asset ? -1 : 1));
    const unpriced = others.filter((fees) => fees.unpriced > 0);
    if (unpriced.length > 0) {
      converted = undefined;
      const missing = unpricedFees(unpriced);
      notes.push(
        `no price in ${this.#marginAsset} for ${missing}: commission_converted and net_pnl left empty`,
      );
    }
    const from = this.#context.incomeFrom?.get(this.#book.market);
    const funding = from === undefined ? undefined : this.#funding.value.normalize();
    const fundingKnown = from !== undefined && this.#openTime >= from;
    if (from !== undefined && !fundingKnown) {
      notes.push(
        `funding before ${formatTime(from)} is not in the income history: net_pnl left empty`,
      );
    }
    const netPnl = converted === undefined || funding === undefined || !fundingKnown
      ? undefined
      : realizedPnl.minus(commission).minus(converted).plus(funding).normalize();
    return {
      status: partial ? "PARTIAL" : closing === undefined ? "OPEN" : "CLOSED",
      market: this.#book.market,
      symbol: this.#book.symbol,
      positionSide: this.#book.positionSide,
      direction: this.#direction,
      openTime: this.#openTime,
      closeTime: closing?.time,
      entryQty: this.#entryQty.value.normalize(),
      entryVwap: this.#vwap(this.#entryQty.value, this.#entryNotional.value),
      exitQty: this.#exitQty.value.normalize(),
      exitVwap: this.#settled === undefined
        ? this.#vwap(this.#exitQty.value, this.#exitNotional.value)
        : undefined,
      openQty: this.#qty.normalize(),
      maxQty: this.#maxQty.normalize(),
      priorQty: this.#priorQty.normalize(),
      realizedPnl,
      commission,
      otherCommission: new Map(others.map((fees) => [fees.asset, fees.sum.value.normalize()])),
      commissionConverted: converted,
      funding,
      netPnl,
      marginAsset: this.#marginAsset,
      fills: this.#fills,
      openTradeId: this.#openTradeId,
      closeTradeId: closing?.id ?? "",
      note: notes.join("; "),
    };
  }

  /**
   * Adds to `sum` the notional of `qty` at `price`. Linear: `qty × price`. Inverse (COIN-M):
   * `qty / price`, so VWAP is the harmonic mean.
   */
  #addNotional(sum: DecimalSum, qty: Decimal, price: Decimal): void {
    if (this.#inverse) sum.add(qty.div(price, INVERSE_TERM_PLACES));
    else sum.addProduct(qty, price);
  }

  /** Empty when no quantity, or when an inverse notional's terms all round to zero (a price
   * over 1e30: none is real, but the file may say so). */
  #vwap(qty: Decimal, notional: Decimal): Decimal | undefined {
    if (qty.isZero() || notional.isZero()) return undefined;
    return this.#inverse ? qty.div(notional, DIVISION_PLACES) : notional.div(qty, DIVISION_PLACES);
  }
}
