/**
 * A position's commissions in assets other than its margin asset — usually none, or one (BNB):
 * summed per asset, with a count of those that have no price to convert them at
 * (`fee_prices.ts`). The position converts the others into its margin asset as they come
 * (`position_builder.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { DecimalSum } from "./decimal_sum.ts";

/** A position's fees in one asset other than its margin asset. */
export interface OtherFees {
  /** The asset they are in. */
  readonly asset: string;
  /** Their sum, in `asset`. */
  readonly sum: DecimalSum;
  /** How many of them have no price to convert them at. */
  unpriced: number;
}

/** {@linkcode OtherFees} as plain data (the sum as exact text), for a checkpoint. */
export interface SavedOtherFees {
  /** The asset they are in. */
  readonly asset: string;
  /** Their sum, exact text. */
  readonly sum: string;
  /** How many of them have no price to convert them at. */
  readonly unpriced: number;
}

/** The fees in `asset` among `others`, added (at zero) when there are none yet. */
export function feesIn(others: OtherFees[], asset: string): OtherFees {
  for (const fees of others) if (fees.asset === asset) return fees;
  const fees = { asset, sum: new DecimalSum(), unpriced: 0 };
  others.push(fees);
  return fees;
}

/** `others` as data. */
export function saveOtherFees(others: readonly OtherFees[]): SavedOtherFees[] {
  return others.map((o) => ({ ...o, sum: o.sum.value.toString() }));
}

/**
 * The fees {@linkcode saveOtherFees} saved; `undefined` for none.
 *
 * @throws {DecimalSyntaxError} for a damaged checkpoint.
 */
export function restoreOtherFees(saved: readonly SavedOtherFees[]): OtherFees[] | undefined {
  return saved.length === 0 ? undefined : saved.map((o) => ({
    asset: o.asset,
    sum: DecimalSum.of(Decimal.parse(o.sum)),
    unpriced: o.unpriced,
  }));
}

/** The fees of `unpriced` with no price, for a note: `2 BNB fees, 1 ETH fee`. */
export function unpricedFees(unpriced: readonly OtherFees[]): string {
  return unpriced.map(({ asset, unpriced: n }) => `${n} ${asset} fee${n === 1 ? "" : "s"}`)
    .join(", ");
}
