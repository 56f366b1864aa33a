/**
 * The ground truth's own funding split (`src/ledger/funding.ts` documents the rule; this is an
 * independent implementation of it over the generator's integer steps and ticks).
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import { at } from "../support/indexed.ts";

/** An open round's stake in a funding record (quantities in steps). */
export interface FundingStake {
  /** Open quantity, in steps. */
  readonly held: number;
  /** Quantity opened so far, in steps. */
  readonly entrySteps: number;
  /** Σ qty·price (COIN-M: Σ qty/price to 30 places) of the opening fills so far. */
  readonly entryNotional: Decimal;
  /** Adds a part of a funding record to the round. */
  readonly fund: (amount: Decimal) => void;
}

/**
 * Splits a funding `amount` among the open rounds of one symbol (book order): by `held × entry
 * price` (COIN-M: `held / entry price`), i.e. `heldᵢ × Nᵢ × Π_{j≠i} entryStepsⱼ`; every part but
 * the last rounded half-even to 12 places, the last the remainder.
 */
export function splitFundingAmong(stakes: readonly FundingStake[], amount: Decimal): void {
  if (stakes.length === 1) {
    at(stakes, 0).fund(amount);
    return;
  }
  const weights = stakes.map((s, i) =>
    stakes.reduce(
      (w, other, j) => (j === i ? w : w.times(new Decimal(other.entrySteps, 0))),
      new Decimal(s.held, 0).times(s.entryNotional),
    )
  );
  const total = weights.reduce((a, b) => a.plus(b));
  let rest = amount;
  stakes.forEach((s, i) => {
    const part = i === stakes.length - 1 ? rest : amount.times(at(weights, i)).div(total, 12);
    rest = rest.minus(part);
    s.fund(part);
  });
}
