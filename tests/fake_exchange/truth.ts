/**
 * The ground truth: the round-trip positions as the simulated trader knows them, kept
 * independently of the ledger (`src/ledger`) but by the same documented rules, so a test can
 * compare the two byte for byte.
 *
 * Rules (see `src/ledger/position_builder.ts` and `book_engine.ts`): a position runs from flat back to
 * flat; a one-way fill that crosses zero is split — the closing part gets all its realized P&L
 * and `commission × closeQty / qty` (half-even, 12 places), the opening part the rest, and it
 * counts in both positions; VWAPs are `Σ(qty·price)/Σqty` (COIN-M: `Σqty/Σ(qty/price)`, each
 * term to 30 places), divided half-even to 12 places; decimals are normalized. A fee in another
 * asset converts at the open of its minute's kline (`src/ledger/fee_prices.ts`); funding goes to
 * the positions open at its time, split between hedge sides by notional at entry price
 * (`src/ledger/funding.ts`, re-implemented in `truth_funding.ts`); `net_pnl` is
 * left empty for a position opened before the first income record.
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { Market, PositionSide, Side } from "../../src/fill.ts";
import type { Direction, Position } from "../../src/position.ts";
import { timeText } from "../support/positions_text.ts";
import { units } from "./rows.ts";
import type { FundingStake } from "./truth_funding.ts";

/** What the truth needs from one fill. */
export interface TruthFill {
  /** Trade id. */
  readonly id: string;
  /** Execution time, ms. */
  readonly time: number;
  /** BUY or SELL. */
  readonly side: Side;
  /** Quantity in steps (integer). */
  readonly steps: number;
  /** Quantity as a decimal. */
  readonly qty: Decimal;
  /** Price as a decimal. */
  readonly price: Decimal;
  /** Price in ticks (integer). */
  readonly priceTicks: number;
  /** Binance's realized P&L of the fill. */
  readonly realizedPnl: Decimal;
  /** Commission paid (negative: rebate). */
  readonly commission: Decimal;
  /** Asset of the commission. */
  readonly commissionAsset: string;
}

/** Identity and units of one book. */
export interface TruthBookKey {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Contract symbol. */
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
  /** Margin asset. */
  readonly marginAsset: string;
  /** Decimals of a quantity step. */
  readonly qtyDecimals: number;
  /** Decimals of a price tick. */
  readonly priceDecimals: number;
  /** The price of a fee asset in the margin asset at a time, when one is served. */
  readonly feePrice: (asset: string, time: number) => Decimal | undefined;
}

interface Round {
  readonly direction: Direction;
  readonly openTime: number;
  readonly openTradeId: string;
  held: number;
  maxHeld: number;
  entrySteps: number;
  exitSteps: number;
  entryLinear: bigint;
  exitLinear: bigint;
  entryInverse: Decimal;
  exitInverse: Decimal;
  pnl: Decimal;
  fee: Decimal;
  other: Map<string, Decimal>;
  converted: Decimal;
  unpriced: Map<string, number>;
  funding: Decimal;
  fills: number;
  /** What closed it: its last fill, or a delivery settlement (its time, no id). */
  closing: { readonly time: number; readonly id: string } | undefined;
  /** The note of the delivery settlement that closed it, if one did. */
  settled: string | undefined;
}

/** One book's positions, fed fill by fill in trade-id order. */
export class TruthBook {
  readonly #key: TruthBookKey;
  readonly #closed: Round[] = [];
  #round: Round | undefined;
  #signed = 0; // one-way: long > 0; hedge: ≥ 0

  /** An empty book. */
  constructor(key: TruthBookKey) {
    this.#key = key;
  }

  /** Signed open quantity in steps (one-way: long positive; hedge: never negative). */
  get signedSteps(): number {
    return this.#signed;
  }

  /** Applies one fill. */
  apply(f: TruthFill): void {
    const hedge = this.#key.positionSide !== "BOTH";
    const up = this.#key.positionSide === "SHORT" ? f.side === "SELL" : f.side === "BUY";
    const delta = up ? f.steps : -f.steps;
    if (this.#round === undefined) {
      const direction: Direction = hedge
        ? this.#key.positionSide as Direction
        : delta > 0
        ? "LONG"
        : "SHORT";
      this.#round = this.#start(direction, f);
    }
    const round = this.#round;
    if (this.#signed === 0 || (this.#signed > 0) === (delta > 0)) {
      this.#open(round, f.steps, f);
      this.#charge(round, f.realizedPnl, f.commission, f.commissionAsset, f.time);
      this.#signed += delta;
      return;
    }
    const closable = Math.abs(this.#signed);
    if (f.steps <= closable) {
      this.#reduce(round, f.steps, f);
      this.#charge(round, f.realizedPnl, f.commission, f.commissionAsset, f.time);
      this.#signed += delta;
      if (this.#signed === 0) this.#finish(f);
      return;
    }
    if (hedge) throw new RangeError(`${this.#key.symbol}: a hedge book cannot flip`);
    const closingFee = f.commission.times(units(closable, this.#key.qtyDecimals))
      .div(f.qty, 12);
    this.#reduce(round, closable, f);
    this.#charge(round, f.realizedPnl, closingFee, f.commissionAsset, f.time);
    this.#finish(f);
    this.#signed += delta;
    const next = this.#start(this.#signed > 0 ? "LONG" : "SHORT", f);
    this.#round = next;
    this.#open(next, f.steps - closable, f);
    this.#charge(next, Decimal.ZERO, f.commission.minus(closingFee), f.commissionAsset, f.time);
  }

  /**
   * Closes the open round by its contract's delivery at `time`, with no fill: its whole quantity
   * exits, `pnl` (Binance's DELIVERED_SETTELMENT income, `tranId`) is realized, and no exit price
   * is known (`src/ledger/settlement.ts`).
   */
  settle(time: number, pnl: Decimal, tranId: string): void {
    const round = this.#round;
    if (round === undefined || round.held === 0) return;
    round.exitSteps += round.held;
    round.held = 0;
    round.pnl = round.pnl.plus(pnl);
    round.settled = `closed by delivery settlement at ${timeText(time)} ` +
      `(DELIVERED_SETTELMENT tranId ${tranId}), no closing fill: exit_vwap left empty`;
    this.#finish({ time, id: "" });
    this.#signed = 0;
  }

  /** The open round's stake in a funding split, or `undefined` when flat. */
  get stake(): FundingStake | undefined {
    const r = this.#round;
    if (r === undefined || r.held === 0) return undefined;
    return {
      held: r.held,
      entrySteps: r.entrySteps,
      entryNotional: this.#key.market === "coinm"
        ? r.entryInverse
        : new Decimal(r.entryLinear, this.#key.qtyDecimals + this.#key.priceDecimals),
      fund: (amount) => (r.funding = r.funding.plus(amount)),
    };
  }

  /**
   * Closed positions, then the open one (if any); `incomeFrom` is the time of the first income
   * record (funding unknown without one).
   */
  positions(incomeFrom: number | undefined): Position[] {
    const all = this.#round === undefined ? this.#closed : [...this.#closed, this.#round];
    return all.map((round) => this.#build(round, incomeFrom));
  }

  #start(direction: Direction, f: TruthFill): Round {
    return {
      direction,
      openTime: f.time,
      openTradeId: f.id,
      held: 0,
      maxHeld: 0,
      entrySteps: 0,
      exitSteps: 0,
      entryLinear: 0n,
      exitLinear: 0n,
      entryInverse: Decimal.ZERO,
      exitInverse: Decimal.ZERO,
      pnl: Decimal.ZERO,
      fee: Decimal.ZERO,
      other: new Map(),
      converted: Decimal.ZERO,
      unpriced: new Map(),
      funding: Decimal.ZERO,
      fills: 0,
      closing: undefined,
      settled: undefined,
    };
  }

  #open(round: Round, steps: number, f: TruthFill): void {
    round.entrySteps += steps;
    if (this.#key.market === "coinm") {
      round.entryInverse = round.entryInverse.plus(this.#inverse(steps, f));
    } else round.entryLinear += BigInt(steps) * BigInt(f.priceTicks);
    round.held += steps;
    if (round.held > round.maxHeld) round.maxHeld = round.held;
  }

  #reduce(round: Round, steps: number, f: TruthFill): void {
    round.exitSteps += steps;
    if (this.#key.market === "coinm") {
      round.exitInverse = round.exitInverse.plus(this.#inverse(steps, f));
    } else round.exitLinear += BigInt(steps) * BigInt(f.priceTicks);
    round.held -= steps;
  }

  #inverse(steps: number, f: TruthFill): Decimal {
    return units(steps, this.#key.qtyDecimals).div(f.price, 30);
  }

  #charge(round: Round, pnl: Decimal, fee: Decimal, asset: string, time: number): void {
    round.fills++;
    round.pnl = round.pnl.plus(pnl);
    if (asset === this.#key.marginAsset) {
      round.fee = round.fee.plus(fee);
      return;
    }
    round.other.set(asset, (round.other.get(asset) ?? Decimal.ZERO).plus(fee));
    if (fee.isZero()) return;
    const price = this.#key.feePrice(asset, time);
    if (price === undefined) round.unpriced.set(asset, (round.unpriced.get(asset) ?? 0) + 1);
    else round.converted = round.converted.plus(fee.times(price));
  }

  #finish(closing: { readonly time: number; readonly id: string }): void {
    this.#closed.push({ ...this.#round!, closing });
    this.#round = undefined;
  }

  #build(r: Round, incomeFrom: number | undefined): Position {
    const closing = r.closing;
    const { qtyDecimals: qd, priceDecimals: pd } = this.#key;
    const vwap = (steps: number, linear: bigint, inverse: Decimal): Decimal | undefined => {
      if (steps === 0) return undefined;
      const qty = units(steps, qd);
      return this.#key.market === "coinm"
        ? qty.div(inverse, 12)
        : new Decimal(linear, qd + pd).div(qty, 12);
    };
    const other = [...r.other.keys()].sort().map((a) => [a, r.other.get(a)!.normalize()] as const);
    const notes: string[] = r.settled === undefined ? [] : [r.settled];
    let converted: Decimal | undefined = r.converted.normalize();
    if (r.unpriced.size > 0) {
      converted = undefined;
      const missing = [...r.unpriced.keys()].sort().map((a) => {
        const n = r.unpriced.get(a)!;
        return `${n} ${a} fee${n === 1 ? "" : "s"}`;
      });
      notes.push(
        `no price in ${this.#key.marginAsset} for ${missing.join(", ")}: ` +
          "commission_converted and net_pnl left empty",
      );
    }
    const funding = incomeFrom === undefined ? undefined : r.funding.normalize();
    if (incomeFrom !== undefined && r.openTime < incomeFrom) {
      notes.push(
        `funding before ${timeText(incomeFrom)} is not in the income history: net_pnl left empty`,
      );
    }
    const net = converted === undefined || funding === undefined ||
        (incomeFrom !== undefined && r.openTime < incomeFrom)
      ? undefined
      : r.pnl.minus(r.fee).minus(converted).plus(funding).normalize();
    return {
      status: closing === undefined ? "OPEN" : "CLOSED",
      market: this.#key.market,
      symbol: this.#key.symbol,
      positionSide: this.#key.positionSide,
      direction: r.direction,
      openTime: r.openTime,
      closeTime: closing?.time,
      entryQty: units(r.entrySteps, qd).normalize(),
      entryVwap: vwap(r.entrySteps, r.entryLinear, r.entryInverse),
      exitQty: units(r.exitSteps, qd).normalize(),
      exitVwap: r.settled === undefined
        ? vwap(r.exitSteps, r.exitLinear, r.exitInverse)
        : undefined,
      openQty: units(r.held, qd).normalize(),
      maxQty: units(r.maxHeld, qd).normalize(),
      priorQty: Decimal.ZERO,
      realizedPnl: r.pnl.normalize(),
      commission: r.fee.normalize(),
      otherCommission: new Map(other),
      commissionConverted: converted,
      funding,
      netPnl: net,
      marginAsset: this.#key.marginAsset,
      fills: r.fills,
      openTradeId: r.openTradeId,
      closeTradeId: closing?.id ?? "",
      note: notes.join("; "),
    };
  }
}
