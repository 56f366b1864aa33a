/**
 * The running totals of one position while the ledger replays its book.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { DecimalSum } from "./decimal_sum.ts";
import type { LedgerFill, Market, PositionSide } from "../fill.ts";
import type { Direction, Position } from "../position.ts";

/** Decimal places of a division's result (VWAPs, split commissions): half-even. */
export const DIVISION_PLACES = 12;

/** Places kept in each `qty / price` term of an inverse (COIN-M) notional before summing. */
const INVERSE_TERM_PLACES = 30;

/** Which book a position belongs to. */
export interface BookKey {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Contract symbol. */
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
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
  readonly #entryQty = new DecimalSum();
  readonly #entryNotional = new DecimalSum();
  readonly #exitQty = new DecimalSum();
  readonly #exitNotional = new DecimalSum();
  readonly #realizedPnl = new DecimalSum();
  readonly #commission = new DecimalSum();
  #otherCommission = new Map<string, Decimal>();
  #fills = 0;

  /**
   * Starts a position at `first` (its first fill). `priorQty` > 0 means it was already held
   * before the data began (a PARTIAL position).
   */
  constructor(book: BookKey, direction: Direction, first: LedgerFill, priorQty: Decimal) {
    this.#book = book;
    this.#direction = direction;
    this.#marginAsset = first.marginAsset;
    this.#openTime = first.time;
    this.#openTradeId = first.id;
    this.#priorQty = priorQty;
    this.#inverse = book.market === "coinm";
    this.#qty = priorQty;
    this.#maxQty = priorQty;
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
    this.#entryNotional.add(this.#notional(qty, price));
    this.#qty = this.#qty.plus(qty);
    if (this.#qty.cmp(this.#maxQty) > 0) this.#maxQty = this.#qty;
  }

  /** Closes `qty` (at most the open quantity) at `price`. */
  reduce(qty: Decimal, price: Decimal): void {
    this.#exitQty.add(qty);
    this.#exitNotional.add(this.#notional(qty, price));
    this.#qty = this.#qty.minus(qty);
  }

  /** Books a fill (or a flip fill's share of it): one more fill, its P&L and commission. */
  charge(realizedPnl: Decimal, commission: Decimal, commissionAsset: string): void {
    this.#fills++;
    this.#realizedPnl.add(realizedPnl);
    if (commissionAsset === this.#marginAsset) {
      this.#commission.add(commission);
    } else {
      const before = this.#otherCommission.get(commissionAsset) ?? Decimal.ZERO;
      this.#otherCommission.set(commissionAsset, before.plus(commission));
    }
  }

  /** The finished position; `closing` is the fill that brought it to zero, if any. */
  build(closing: LedgerFill | undefined): Position {
    const partial = this.#priorQty.sign() > 0;
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
      exitVwap: this.#vwap(this.#exitQty.value, this.#exitNotional.value),
      openQty: this.#qty.normalize(),
      maxQty: this.#maxQty.normalize(),
      priorQty: this.#priorQty.normalize(),
      realizedPnl: this.#realizedPnl.value.normalize(),
      commission: this.#commission.value.normalize(),
      otherCommission: new Map(
        [...this.#otherCommission].sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([asset, amount]) => [asset, amount.normalize()]),
      ),
      marginAsset: this.#marginAsset,
      fills: this.#fills,
      openTradeId: this.#openTradeId,
      closeTradeId: closing?.id ?? "",
      note: partial
        ? `opened before the first fill in the data; ${this.#priorQty} inferred as held then`
        : "",
    };
  }

  /** Linear: `qty × price`. Inverse (COIN-M): `qty / price`, so VWAP is the harmonic mean. */
  #notional(qty: Decimal, price: Decimal): Decimal {
    return this.#inverse ? qty.div(price, INVERSE_TERM_PLACES) : qty.times(price);
  }

  #vwap(qty: Decimal, notional: Decimal): Decimal | undefined {
    if (qty.isZero()) return undefined;
    return this.#inverse ? qty.div(notional, DIVISION_PLACES) : notional.div(qty, DIVISION_PLACES);
  }
}
