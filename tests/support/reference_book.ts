/**
 * One book of the reference ledger (`reference_ledger.ts`): its fills applied one by one in
 * trade-id order, by the README's rules, into round trips.
 *
 * @module
 */

import type { LedgerFill, Market, PositionSide } from "../../src/fill.ts";
import { Fraction, ZERO_FRACTION } from "./fraction.ts";
import { type Exact, exact } from "./positions_text.ts";

/** A history the reference does not cover (it would need the unanchored inference). */
export class Unsupported extends Error {}

const ZERO = exact("0");

/** One round trip of a book. */
export interface Round {
  readonly direction: "LONG" | "SHORT";
  readonly openTime: number;
  readonly openTradeId: string;
  readonly marginAsset: string;
  readonly prior: Exact;
  held: Exact;
  max: Exact;
  entryQty: Exact;
  entryNotional: Fraction; // Σ qty × price; COIN-M: Σ qty / price
  exitQty: Exact;
  exitNotional: Fraction;
  pnl: Exact;
  commission: Exact;
  readonly other: Map<string, Exact>;
  converted: Exact;
  readonly unpriced: Map<string, number>;
  funding: Exact;
  fills: number;
  /** What closed it: its last fill, or a delivery settlement (time, no id). */
  closing: { readonly time: number; readonly id: string } | undefined;
  /** The note of the delivery settlement that closed it, if one did. */
  settled: string | undefined;
}

/** One book: its finished rounds, the current one, and the signed quantity held. */
export class Book {
  readonly rounds: Round[] = [];
  current: Round | undefined;
  signed: Exact; // one-way: long positive; hedge: never negative

  constructor(
    readonly market: Market,
    readonly symbol: string,
    readonly side: PositionSide,
    prior: Exact,
    first: LedgerFill,
    readonly prices: ReadonlyMap<string, string>,
  ) {
    this.signed = prior;
    if (!prior.eq(0)) {
      const direction = this.hedge ? this.side as "LONG" | "SHORT" : prior.gt(0) ? "LONG" : "SHORT";
      this.current = newRound(direction, first, prior.abs());
    }
  }

  get hedge(): boolean {
    return this.side !== "BOTH";
  }

  /** The open round, if it holds something. */
  get open(): Round | undefined {
    return this.current !== undefined && this.current.held.gt(0) ? this.current : undefined;
  }

  apply(fill: LedgerFill): void {
    const qty = exact(fill.qty);
    const price = exact(fill.price);
    const fee = exact(fill.commission);
    const pnl = exact(fill.realizedPnl);
    if (!qty.gt(0)) throw new Unsupported(`qty ${fill.qty}`);
    const up = this.side === "SHORT" ? fill.side === "SELL" : fill.side === "BUY";
    const delta = up ? qty : qty.neg();
    if (this.current === undefined) {
      const direction = this.hedge ? this.side as "LONG" | "SHORT" : up ? "LONG" : "SHORT";
      this.current = newRound(direction, fill, ZERO);
    }
    const round = this.current;
    if (this.signed.eq(0) || this.signed.gt(0) === delta.gt(0)) {
      if (this.hedge && !up) throw new Unsupported("a hedge book closing what it does not hold");
      this.#open(round, qty, price);
      this.#charge(round, fill, pnl, fee);
      this.signed = this.signed.plus(delta);
      return;
    }
    const closable = this.signed.abs();
    if (qty.lte(closable)) {
      this.#reduce(round, qty, price);
      this.#charge(round, fill, pnl, fee);
      this.signed = this.signed.plus(delta);
      if (this.signed.eq(0)) this.#close(round, fill);
      return;
    }
    if (this.hedge) throw new Unsupported("a hedge book crossing zero");
    // A flip: the closing part takes the P&L and commission × closable / qty; the opening part
    // the rest of the commission.
    const closingFee = Fraction.of(fee).times(Fraction.of(closable)).div(Fraction.of(qty))
      .rounded();
    this.#reduce(round, closable, price);
    this.#charge(round, fill, pnl, closingFee);
    this.#close(round, fill);
    this.signed = this.signed.plus(delta);
    const next = this.current = newRound(up ? "LONG" : "SHORT", fill, ZERO);
    this.#open(next, qty.minus(closable), price);
    this.#charge(next, fill, ZERO, fee.minus(closingFee));
  }

  #notional(qty: Exact, price: Exact): Fraction {
    const q = Fraction.of(qty);
    const p = Fraction.of(price);
    // COIN-M: each term `qty / price` half-even to 30 places, as the README says.
    return this.market === "coinm" ? q.div(p).roundedTo(30n) : q.times(p);
  }

  #open(round: Round, qty: Exact, price: Exact): void {
    round.entryQty = round.entryQty.plus(qty);
    round.entryNotional = round.entryNotional.plus(this.#notional(qty, price));
    round.held = round.held.plus(qty);
    if (round.held.gt(round.max)) round.max = round.held;
  }

  #reduce(round: Round, qty: Exact, price: Exact): void {
    round.exitQty = round.exitQty.plus(qty);
    round.exitNotional = round.exitNotional.plus(this.#notional(qty, price));
    round.held = round.held.minus(qty);
  }

  #charge(round: Round, fill: LedgerFill, pnl: Exact, fee: Exact): void {
    round.fills++;
    round.pnl = round.pnl.plus(pnl);
    const asset = fill.commissionAsset;
    if (asset === round.marginAsset) {
      round.commission = round.commission.plus(fee);
      return;
    }
    round.other.set(asset, (round.other.get(asset) ?? ZERO).plus(fee));
    if (fee.eq(0)) return;
    const minute = Math.floor(fill.time / 60_000) * 60_000;
    const price = this.prices.get(`${asset}${round.marginAsset}|${minute}`);
    if (price === undefined) round.unpriced.set(asset, (round.unpriced.get(asset) ?? 0) + 1);
    else round.converted = round.converted.plus(fee.times(exact(price)));
  }

  /**
   * Closes the open round by a delivery settlement at `time`: its whole quantity exits with no
   * fill and no price, `pnl` is realized.
   */
  settle(time: number, pnl: Exact, note: string): void {
    const round = this.open;
    if (round === undefined) return;
    round.exitQty = round.exitQty.plus(round.held);
    round.held = ZERO;
    round.pnl = round.pnl.plus(pnl);
    round.settled = note;
    this.#close(round, { time, id: "" });
    this.signed = ZERO;
  }

  #close(round: Round, fill: { readonly time: number; readonly id: string }): void {
    round.closing = fill;
    this.rounds.push(round);
    this.current = undefined;
  }

  /** Every round, the open one last. */
  all(): Round[] {
    return this.current === undefined ? this.rounds : [...this.rounds, this.current];
  }
}

function newRound(direction: "LONG" | "SHORT", first: LedgerFill, prior: Exact): Round {
  return {
    direction,
    openTime: first.time,
    openTradeId: first.id,
    marginAsset: first.marginAsset,
    prior,
    held: prior,
    max: prior,
    entryQty: ZERO,
    entryNotional: ZERO_FRACTION,
    exitQty: ZERO,
    exitNotional: ZERO_FRACTION,
    pnl: ZERO,
    commission: ZERO,
    other: new Map(),
    converted: ZERO,
    unpriced: new Map(),
    funding: ZERO,
    fills: 0,
    closing: undefined,
    settled: undefined,
  };
}
