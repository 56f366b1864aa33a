/**
 * Binance's side of one book: the open quantity and average entry price from which it reports
 * `realizedPnl` on every reducing fill (fees and funding excluded).
 * https://www.binance.com/en/support/faq/how-to-calculate-profit-and-loss-for-futures-contracts-3a55a23768cb416fb404f06ffedde4b2
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import { units } from "./rows.ts";

const AVG_PLACES = 12;
const PNL_PLACES = 8;
const INNER_PLACES = 24;

/** Open quantity (in steps, never negative) and average entry price of one book. */
export class EntryBook {
  readonly #qtyDecimals: number;
  readonly #inverse: boolean;
  readonly #contractSize: Decimal;
  /** Open quantity in steps. */
  steps = 0;
  /** Average entry price; `undefined` while flat. */
  avg: Decimal | undefined;

  /** An empty book; `inverse` for COIN-M (P&L in the coin, per `contractSize` USD contracts). */
  constructor(qtyDecimals: number, inverse: boolean, contractSize: number) {
    this.#qtyDecimals = qtyDecimals;
    this.#inverse = inverse;
    this.#contractSize = new Decimal(contractSize, 0);
  }

  /** Adds `steps` at `price`: the average entry is weighted by quantity (harmonic on COIN-M). */
  open(steps: number, price: Decimal): void {
    if (this.avg === undefined || this.steps === 0) {
      this.avg = price;
      this.steps = steps;
      return;
    }
    const held = units(this.steps, this.#qtyDecimals);
    const add = units(steps, this.#qtyDecimals);
    const total = held.plus(add);
    this.avg = this.#inverse
      ? total.div(
        held.div(this.avg, INNER_PLACES).plus(add.div(price, INNER_PLACES)),
        AVG_PLACES,
      )
      : held.times(this.avg).plus(add.times(price)).div(total, AVG_PLACES);
    this.steps += steps;
  }

  /**
   * Closes `steps` at `price` of a position that is long (`long`) or short; returns the realized
   * P&L rounded half-even to 8 places: linear `(exit − entry) × qty`, inverse
   * `qty × contractSize × (1/entry − 1/exit)`, negated for shorts.
   */
  close(steps: number, price: Decimal, long: boolean): Decimal {
    const avg = this.avg!;
    const qty = units(steps, this.#qtyDecimals);
    let pnl: Decimal;
    if (this.#inverse) {
      pnl = qty.times(this.#contractSize).times(price.minus(avg)).div(
        avg.times(price),
        PNL_PLACES,
      );
    } else pnl = price.minus(avg).times(qty).round(PNL_PLACES);
    this.steps -= steps;
    if (this.steps === 0) this.avg = undefined;
    return long ? pnl : pnl.neg();
  }
}
