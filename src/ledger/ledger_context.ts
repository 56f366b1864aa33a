/**
 * What the ledger's books work with besides their fills: which book a position belongs to, what
 * the ledger knows that every position shares (fee prices, when the income history begins), what
 * every book of a symbol shares (Binance's positions as anchors), and where a run sends what it
 * builds.
 *
 * @module
 */

import type { Market, PositionSide } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { Position } from "../position.ts";
import type { BookAnchor } from "./anchor.ts";
import type { FeePrices } from "./fee_prices.ts";
import type { FundingShare } from "./funding.ts";

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

/**
 * The position sides of a symbol's books, in book order: the order funding is split in
 * (`funding.ts`), and the books are finished and saved in.
 */
export const BOOK_SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];

/** Where a ledger run sends what it builds. */
export interface LedgerSink {
  /** A position, once final (closed, or still open at the end). */
  position(position: Position): void;
  /** A FUNDING_FEE record's part attached to a position. */
  funding(share: FundingShare): void;
  /** A FUNDING_FEE record no open position took. */
  unattached(record: IncomeRecord): void;
}

/** What every book of a symbol shares. */
export interface SymbolContext {
  /** Prices and the start of the income history. */
  readonly ledger: LedgerContext;
  /** Binance's position of a book at the last sync, if known. */
  anchorOf(market: Market, symbol: string, positionSide: PositionSide): BookAnchor | undefined;
  /** Where positions and funding go. */
  readonly sink: LedgerSink;
}
