/**
 * What the ledger's books work with besides their fills: which book a position belongs to, and
 * what the ledger knows that every position shares (fee prices, when the income history begins).
 *
 * @module
 */

import type { Market, PositionSide } from "../fill.ts";
import type { FeePrices } from "./fee_prices.ts";

/** Which book a position belongs to. */
export interface BookKey {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Contract symbol. */
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: PositionSide;
}

/** What the ledger knows besides fills, shared by every position. */
export interface LedgerContext {
  /** Prices that convert fees in other assets; `undefined`: none known. */
  readonly prices: FeePrices | undefined;
  /**
   * Per market, the time of the first record of the income history given to the ledger (funding
   * before it is unknown); `undefined` when no income history was given at all.
   */
  readonly incomeFrom: ReadonlyMap<Market, number> | undefined;
}
