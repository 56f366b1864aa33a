/**
 * The simulated trader on one symbol: orders filled in one or many pieces (many fills in the same
 * millisecond), adds, partial closes, full closes, one-way flips and long holds, with Binance's
 * realized P&L, commissions (partly in BNB) and funding every 8 hours on open positions. Every
 * fill also feeds the ground truth.
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { PositionSide, Side } from "../../src/fill.ts";
import { at } from "../support/indexed.ts";
import type { SymbolSpec } from "./catalog.ts";
import { EntryBook } from "./entry_book.ts";
import { fundingRows } from "./funding.ts";
import { type FeeKind, feeOf } from "./fees.ts";
import { minuteOpenTicks, tradeTicks } from "./price_path.ts";
import { Prng } from "./prng.ts";
import { fixed, type IncomeRow, type TradeRow, units } from "./rows.ts";
import { TruthBook } from "./truth.ts";

/** Base of settlement `tranId`s: above 2^53, as on Binance. */
const SETTLEMENT_TRAN_BASE = 5590321991774044580n;

/** How one symbol is traded. */
export interface TraderSetup {
  /** The contract. */
  readonly spec: SymbolSpec;
  /** Hedge mode (LONG and SHORT books) instead of one-way (BOTH). */
  readonly hedge: boolean;
  /** Seed of this symbol's decisions. */
  readonly seed: number;
  /** Id of the first fill. */
  readonly firstTradeId: number;
  /** USD-M: the BNB contract whose price converts fees paid in BNB. */
  readonly bnb: SymbolSpec | undefined;
  /** Fees are paid in BNB for fills in `[from, to)`. */
  readonly bnbWindow: readonly [number, number];
}

/** One book of the symbol: Binance's entry price and the truth. */
export interface Book {
  /** BOTH, LONG or SHORT. */
  readonly side: PositionSide;
  /** Binance's view (average entry price). */
  readonly entry: EntryBook;
  /** The trader's round trips. */
  readonly truth: TruthBook;
}

/** Generates one symbol's fills, in trade-id order, continuing where it left off. */
export class SymbolTrader {
  /** The contract. */
  readonly spec: SymbolSpec;
  /** The fills so far, by ascending id (and time). */
  readonly rows: TradeRow[] = [];
  /** Funding fee income rows so far. */
  readonly funding: IncomeRow[] = [];
  /** DELIVERED_SETTELMENT income rows: the positions held into the contract's delivery. */
  readonly settlements: IncomeRow[] = [];
  /** BOTH, or LONG and SHORT. */
  readonly books: readonly Book[];
  readonly #setup: TraderSetup;
  readonly #rng: Prng;
  readonly #tradesPerSecond: number;
  #nextTradeId: number;
  #nextOrderId: number;
  #lastTime = 0;
  #fundedUntil = 0;

  /** A trader with flat books. */
  constructor(setup: TraderSetup) {
    this.#setup = setup;
    this.spec = setup.spec;
    this.#rng = new Prng(setup.seed, 200 + setup.spec.index);
    this.#tradesPerSecond = this.#rng.int(1, 30);
    this.#nextTradeId = setup.firstTradeId;
    this.#nextOrderId = this.#rng.int(8_000_000_000, 260_000_000_000);
    const { qtyDecimals, priceDecimals, contractSize, market, symbol, marginAsset } = setup.spec;
    const sides: PositionSide[] = setup.hedge ? ["LONG", "SHORT"] : ["BOTH"];
    const bnb = setup.bnb;
    // What the sync finds in the kline cache: the open of BNBUSDT's minute (fee_prices.ts).
    const feePrice = (asset: string, time: number) =>
      bnb === undefined || asset !== bnb.baseAsset
        ? undefined
        : units(minuteOpenTicks(bnb, Math.floor(time / 60_000)), bnb.priceDecimals);
    this.books = sides.map((side) => ({
      side,
      entry: new EntryBook(qtyDecimals, market === "coinm", contractSize),
      truth: new TruthBook({
        market,
        symbol,
        positionSide: side,
        marginAsset,
        qtyDecimals,
        priceDecimals,
        feePrice,
      }),
    }));
  }

  /** Time of the last fill (0 before any). */
  get lastTime(): number {
    return this.#lastTime;
  }

  /**
   * Adds about `fills` fills between `from` and `to`; with `flatAtEnd`, keeps fills in reserve
   * to close every book by `to`.
   */
  run(fills: number, from: number, to: number, flatAtEnd: boolean): void {
    const rng = this.#rng;
    let budget = fills;
    let t = Math.max(from, this.#lastTime + 1);
    if (this.#fundedUntil === 0) this.#fundedUntil = t;
    while (budget > 0) {
      const reserve = flatAtEnd ? this.books.filter((b) => b.truth.signedSteps !== 0).length : 0;
      if (budget <= reserve) break;
      const room = Math.max(0, to - t);
      let gap = rng.exp(room / (budget / 4.5 + 1));
      if (rng.chance(0.03)) gap = Math.min(gap * 12, room / 2); // a long hold
      t = Math.min(to, t + 1 + Math.floor(gap));
      budget -= this.#act(t, budget - reserve);
    }
    for (const book of this.books) {
      const held = book.truth.signedSteps;
      if (!flatAtEnd || held === 0 || budget === 0) continue;
      t = Math.min(to, t + 1 + rng.int(0, 60_000));
      this.#order(book, this.#reducingSide(book), Math.abs(held), t, 1);
      budget--;
    }
  }

  /** Funding rows up to `time` (so open positions keep paying after the last fill). */
  fundUntil(time: number): void {
    this.funding.push(...fundingRows(this.spec, this.books, this.#fundedUntil, time));
    if (time > this.#fundedUntil) this.#fundedUntil = time;
  }

  /**
   * The contract's delivery at `time` (a quarterly's, 08:00 UTC of its delivery date): every
   * position still held is closed at the settlement price with no fill, and its P&L booked as a
   * DELIVERED_SETTELMENT income record in the margin asset; Binance lists no position of it
   * after. https://www.binance.com/en/support/faq/a3401595e1734084959c61491bc0dbe3 (delivery at
   * 08:00 UTC, positions settled at the delivery price),
   * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History
   * (the DELIVERED_SETTELMENT type). The settlement price is the price path's at `time` (Binance
   * takes an average index price before it; any price serves the ledger), and no delivery fee is
   * modelled. Binance does not document whether a hedge account gets one record per side, so the
   * trader first closes all but one book by trade: the one position held into delivery is the
   * case `src/ledger/settlement.ts` attaches.
   */
  deliver(time: number): void {
    const held = this.books.filter((b) => b.truth.signedSteps !== 0);
    for (const book of held.slice(1)) {
      const t = Math.max(this.#lastTime + 1, time - 1_800_000);
      this.#order(book, this.#reducingSide(book), Math.abs(book.truth.signedSteps), t, 1);
    }
    this.fundUntil(time);
    const [book] = held;
    if (book === undefined) return;
    const { spec } = this;
    const price = units(tradeTicks(spec, time), spec.priceDecimals);
    const steps = book.truth.signedSteps;
    const long = book.side === "BOTH" ? steps > 0 : book.side === "LONG";
    const pnl = book.entry.close(Math.abs(steps), price, long).round(8);
    const tranId = String(SETTLEMENT_TRAN_BASE + BigInt(spec.index));
    this.settlements.push({
      symbol: spec.symbol,
      incomeType: "DELIVERED_SETTELMENT",
      income: fixed(pnl, 8),
      asset: spec.marginAsset,
      info: "DELIVERED_SETTELMENT",
      time,
      tranId,
      tradeId: "",
    });
    book.truth.settle(time, pnl, tranId);
  }

  #act(t: number, maxFills: number): number {
    const rng = this.#rng;
    const open = this.books.filter((b) => b.truth.signedSteps !== 0);
    const book = open.length > 0 && rng.chance(0.6) ? rng.pick(open) : rng.pick(this.books);
    const held = book.truth.signedSteps;
    const abs = Math.abs(held);
    const lot = this.spec.lotSteps;
    const size = (f: number) => Math.max(1, Math.round(lot * f * (0.5 + rng.next())));
    const hedge = book.side !== "BOTH";
    let side: Side;
    let steps: number;
    const r = rng.next();
    if (held === 0) {
      side = hedge ? (book.side === "LONG" ? "BUY" : "SELL") : rng.chance(0.5) ? "BUY" : "SELL";
      steps = size(1.5);
    } else if (r < 0.3 && abs < lot * 20) {
      side = this.#reducingSide(book) === "BUY" ? "SELL" : "BUY";
      steps = size(1);
    } else if (r < 0.62 && abs > 1) {
      side = this.#reducingSide(book);
      steps = 1 + Math.floor((abs - 1) * rng.next() * 0.9);
    } else if (r < 0.85 || hedge) {
      side = this.#reducingSide(book);
      steps = abs;
    } else {
      side = this.#reducingSide(book); // a flip: close and open the other way in one order
      steps = abs + size(1);
    }
    const p = rng.next();
    const pieces = p < 0.65 ? rng.int(1, 2) : p < 0.93 ? rng.int(3, 8) : rng.int(9, 60);
    return this.#order(book, side, steps, t, Math.min(pieces, maxFills));
  }

  #reducingSide(book: Book): Side {
    if (book.side === "LONG") return "SELL";
    if (book.side === "SHORT") return "BUY";
    return book.truth.signedSteps > 0 ? "SELL" : "BUY";
  }

  /** One order of `steps` filled in up to `pieces` fills at time `t`; returns the fills made. */
  #order(book: Book, side: Side, steps: number, t: number, pieces: number): number {
    const rng = this.#rng;
    this.fundUntil(t);
    const elapsed = Math.max(0, t - this.#lastTime) / 1000;
    if (this.#lastTime > 0) {
      this.#nextTradeId += Math.floor(elapsed * this.#tradesPerSecond * rng.next());
      this.#nextOrderId += 1 + Math.floor(elapsed * this.#tradesPerSecond * rng.next() * 3);
    }
    this.#lastTime = t;
    const k = Math.max(1, Math.min(pieces, steps));
    const weights = Array.from({ length: k }, () => rng.next() + 0.05);
    const total = weights.reduce((a, b) => a + b, 0);
    const split = weights.map((w) => 1 + Math.floor(((steps - k) * w) / total));
    split[k - 1] = at(split, k - 1) + (steps - split.reduce((a, b) => a + b, 0));
    const maker = rng.chance(0.4);
    const fee = rng.chance(0.01) ? "zero" : maker && rng.chance(0.03) ? "rebate" : "normal";
    const base = tradeTicks(this.spec, t);
    const orderId = String(this.#nextOrderId++);
    for (let j = 0; j < k; j++) {
      const drift = maker ? 0 : Math.floor(j / 3) * (side === "BUY" ? 1 : -1);
      this.#fill(book, side, at(split, j), Math.max(1, base + drift), t, orderId, maker, fee);
      this.#nextTradeId += 1 + (rng.chance(0.2) ? rng.int(1, 3) : 0);
    }
    return k;
  }

  #fill(
    book: Book,
    side: Side,
    steps: number,
    ticks: number,
    time: number,
    orderId: string,
    maker: boolean,
    feeKind: FeeKind,
  ): void {
    const spec = this.spec;
    const price = units(ticks, spec.priceDecimals);
    const qty = units(steps, spec.qtyDecimals);
    const held = book.truth.signedSteps;
    const up = book.side === "SHORT" ? side === "SELL" : side === "BUY";
    let pnl = Decimal.ZERO;
    let realizes = false;
    if (held !== 0 && (held > 0) !== up) {
      const closing = Math.min(steps, Math.abs(held));
      const long = book.side === "BOTH" ? held > 0 : book.side === "LONG";
      pnl = book.entry.close(closing, price, long).round(8);
      realizes = true;
      if (steps > closing) book.entry.open(steps - closing, price);
    } else book.entry.open(steps, price);

    const coinm = spec.market === "coinm";
    const size = new Decimal(spec.contractSize, 0);
    const notional = coinm ? qty.times(size) : qty.times(price);
    const [bnbFrom, bnbTo] = this.#setup.bnbWindow;
    const bnb = time >= bnbFrom && time < bnbTo ? this.#setup.bnb : undefined;
    const { amount: commission, asset: commissionAsset } = feeOf(
      spec,
      notional,
      price,
      time,
      maker,
      feeKind,
      bnb,
    );
    const id = String(this.#nextTradeId);
    const realizedPnl = realizes ? fixed(pnl, 8) : "0";
    const fee = fixed(commission, 8);
    const buyer = side === "BUY";
    const positionSide = book.side;
    const { symbol, marginAsset } = spec;
    this.rows.push(
      coinm
        ? {
          symbol,
          id,
          orderId,
          pair: spec.pair,
          side,
          price: price.toString(),
          qty: qty.toString(),
          realizedPnl,
          marginAsset,
          baseQty: fixed(notional.div(price, 8), 8),
          commission: fee,
          commissionAsset,
          time,
          positionSide,
          buyer,
          maker,
        }
        : {
          symbol,
          id,
          orderId,
          side,
          price: price.toString(),
          qty: qty.toString(),
          realizedPnl,
          marginAsset,
          quoteQty: notional.normalize().toString(),
          commission: fee,
          commissionAsset,
          time,
          positionSide,
          buyer,
          maker,
        },
    );
    book.truth.apply({
      id,
      time,
      side,
      steps,
      qty,
      price,
      priceTicks: ticks,
      realizedPnl: pnl,
      commission,
      commissionAsset,
    });
  }
}
