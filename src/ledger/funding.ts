/**
 * Attaching funding to positions. Binance charges funding on the positions open at each funding
 * time (https://www.binance.com/en/support/faq/introduction-to-binance-futures-funding-rates-360033525031)
 * and books it as FUNDING_FEE income records with a symbol but no position side
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History).
 *
 * Rules, for each FUNDING_FEE record of `(market, symbol)` at time `T` (its `time`):
 * - **Which positions:** those of the symbol's books open at `T`, after every fill with time
 *   `< T` and before every fill with time `≥ T` (a fill in the very millisecond of the record
 *   comes after it: the record is booked after Binance's snapshot). A book whose data starts
 *   mid-position (PARTIAL) was open before its first fill.
 * - **One open position** (one-way, or one hedge side): it gets the whole amount.
 * - **Several** (hedge LONG and SHORT): the amount is split by notional at entry price: weight
 *   `qty × entry` (COIN-M: `qty / entry`, the value in the coin) with `qty` the open quantity at `T`
 *   and `entry` the position's entry VWAP over its opening fills up to `T` (the `entry_vwap`
 *   column as it stood then), computed exactly (no rounded price in between). The parts in book
 *   order BOTH, LONG, SHORT are `amount × weight / Σ weights` rounded half-even to 12 places,
 *   except the last, which gets the remainder, so the parts sum to the amount exactly. If an open
 *   position has no entry price yet (a PARTIAL one before any opening fill, or a COIN-M one whose
 *   notional rounds to zero), the weights are the open quantities.
 * - **None open, or the record's asset is not the position's margin asset:** the record is
 *   *unattached*: reported, and kept in its own total, so that position funding + unattached =
 *   the income history's funding, always.
 *
 * Binance settles funding within about a minute of the funding time, so a fill in that minute
 * can fall on the other side of `T` than it did for Binance's own snapshot: the record then goes
 * to the position this rule finds (or is unattached). That is the one approximation here.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeRecord } from "../income.ts";
import type { Market, PositionSide } from "../fill.ts";

/** Decimal places of a split funding part (half-even). */
export const FUNDING_PLACES = 12;

/** What an open position offers the split: its open quantity and its entry so far. */
export interface FundingClaim {
  /** Open quantity at the funding time (positive). */
  readonly qty: Decimal;
  /** Σ quantity of its opening fills so far. */
  readonly entryQty: Decimal;
  /** Σ `qty × price` of its opening fills so far (COIN-M: Σ `qty / price`). */
  readonly entryNotional: Decimal;
}

/** Which position a funding share went to. */
export interface PositionRef {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Contract symbol. */
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
  /** The position's opening trade id (the first in the data for PARTIAL positions). */
  readonly openTradeId: string;
}

/** One part of a funding record attached to one position. */
export interface FundingShare {
  /** The FUNDING_FEE record. */
  readonly record: IncomeRecord;
  /** The position. */
  readonly position: PositionRef;
  /** Its part of the record's income. */
  readonly amount: Decimal;
}

/** Splits `amount` among `claims` (in book order) by the module's rule; the parts sum to it. */
export function splitFunding(amount: Decimal, claims: readonly FundingClaim[]): Decimal[] {
  if (claims.length === 1) return [amount];
  const priced = claims.every((c) => c.entryQty.sign() > 0 && c.entryNotional.sign() > 0);
  // weightᵢ = qtyᵢ × Nᵢ / Qᵢ; scaled by Π Q so that no division happens before the last one.
  const weights = claims.map((claim, i) => {
    if (!priced) return claim.qty;
    let weight = claim.qty.times(claim.entryNotional);
    claims.forEach((other, j) => {
      if (j !== i) weight = weight.times(other.entryQty);
    });
    return weight;
  });
  const total = weights.reduce((sum, w) => sum.plus(w), Decimal.ZERO);
  const parts: Decimal[] = [];
  let given = Decimal.ZERO;
  for (const weight of weights.slice(0, -1)) {
    const part = amount.times(weight).div(total, FUNDING_PLACES);
    parts.push(part);
    given = given.plus(part);
  }
  parts.push(amount.minus(given));
  return parts;
}
