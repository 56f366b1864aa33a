/**
 * Trading fees: a rate of the notional (USD-M maker 0.02%, taker 0.05%; COIN-M maker 0.01%,
 * taker 0.05%), in the margin asset, or — with the BNB discount on — 10% less, paid in BNB
 * converted at the close of the BNBUSDT 1-minute kline of the fill's minute. Now and then a fill
 * is free or a maker earns a rebate (a negative commission).
 * https://www.binance.com/en/fee/futureFee
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { SymbolSpec } from "./catalog.ts";
import { minuteOpenTicks } from "./price_path.ts";
import { units } from "./rows.ts";

/** How an order is charged. */
export type FeeKind = "zero" | "rebate" | "normal";

const RATE = {
  usdm: { maker: new Decimal(2, 4), taker: new Decimal(5, 4) },
  coinm: { maker: new Decimal(1, 4), taker: new Decimal(5, 4) },
};
const REBATE = new Decimal(-5, 5);
const BNB_DISCOUNT = new Decimal(9, 1);

/** One fill's commission and its asset. */
export interface Fee {
  /** Amount, rounded half-even to 8 places (negative: a rebate). */
  readonly amount: Decimal;
  /** Asset charged. */
  readonly asset: string;
}

/**
 * The fee of a fill of notional `notional` (USD-M: quote asset; COIN-M: USD, converted to the
 * coin at `price`); `bnb` is the BNB contract when the discount applies to this fill.
 */
export function feeOf(
  spec: SymbolSpec,
  notional: Decimal,
  price: Decimal,
  time: number,
  maker: boolean,
  kind: FeeKind,
  bnb: SymbolSpec | undefined,
): Fee {
  const rate = kind === "zero"
    ? Decimal.ZERO
    : kind === "rebate"
    ? REBATE
    : RATE[spec.market][maker ? "maker" : "taker"];
  if (spec.market === "coinm") {
    return { amount: notional.times(rate).div(price, 8), asset: spec.marginAsset };
  }
  if (bnb !== undefined && kind === "normal") {
    const close = units(minuteOpenTicks(bnb, Math.floor(time / 60_000) + 1), bnb.priceDecimals);
    return { amount: notional.times(rate).times(BNB_DISCOUNT).div(close, 8), asset: "BNB" };
  }
  return { amount: notional.times(rate).round(8), asset: spec.marginAsset };
}
