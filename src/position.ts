/**
 * A position: one round trip of one book, from flat (or from the start of the data) back to flat.
 *
 * @module
 */

import type { Decimal } from "./decimal.ts";
import { compareIds, compareText, type Market, type PositionSide } from "./fill.ts";

/**
 * `OPEN` and `CLOSED` round trips seen whole; `PARTIAL` when it opened before the first fill in
 * the data, so its entry side is incomplete (it may be closed or still open: see `closeTime`).
 */
export type PositionStatus = "OPEN" | "CLOSED" | "PARTIAL";

/** The direction of a position. */
export type Direction = "LONG" | "SHORT";

/** One position, as the ledger rebuilt it from fills. */
export interface Position {
  /** OPEN, CLOSED or PARTIAL. */
  readonly status: PositionStatus;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Contract symbol. */
  readonly symbol: string;
  /** The book: BOTH (one-way), LONG or SHORT (hedge). */
  readonly positionSide: PositionSide;
  /** LONG or SHORT. */
  readonly direction: Direction;
  /** Time of the first fill (for PARTIAL: the first fill in the data), ms since the epoch. */
  readonly openTime: number;
  /**
   * Time of the fill that brought it to zero, or of the delivery settlement that closed it;
   * `undefined` while open.
   */
  readonly closeTime: number | undefined;
  /** Quantity opened by fills in the data (base asset, or contracts on COIN-M). */
  readonly entryQty: Decimal;
  /** Average entry price over `entryQty`; `undefined` when nothing was opened in the data. */
  readonly entryVwap: Decimal | undefined;
  /** Quantity closed. */
  readonly exitQty: Decimal;
  /** Average exit price over `exitQty`; `undefined` when nothing was closed. */
  readonly exitVwap: Decimal | undefined;
  /** Quantity still open (zero when closed). */
  readonly openQty: Decimal;
  /** Largest absolute quantity held at any time. */
  readonly maxQty: Decimal;
  /** For PARTIAL: the quantity inferred as held before the data; zero otherwise. */
  readonly priorQty: Decimal;
  /**
   * Sum of Binance's realizedPnl over the position's fills, in the margin asset, and of the
   * delivery settlement that closed it, if one did.
   */
  readonly realizedPnl: Decimal;
  /** Sum of commissions charged in the margin asset (flip fills split pro rata). */
  readonly commission: Decimal;
  /** Commissions charged in other assets (e.g. BNB), by asset. */
  readonly otherCommission: ReadonlyMap<string, Decimal>;
  /**
   * `otherCommission` converted into the margin asset, each fill's fee at its own price (see
   * `src/ledger/fee_prices.ts`); zero when every fee was in the margin asset; `undefined` when a
   * fee has no price (the sum would be wrong, so there is none: `note` says which).
   */
  readonly commissionConverted: Decimal | undefined;
  /**
   * Funding attached to the position (received positive, paid negative; see
   * `src/ledger/funding.ts`); `undefined` when the ledger was given no income history of its market.
   */
  readonly funding: Decimal | undefined;
  /**
   * `realizedPnl − commission − commissionConverted + funding`, in the margin asset; `undefined`
   * when a part is unknown: a fee without a price, no income history, or funding from before the
   * income history begins (`note` says which).
   */
  readonly netPnl: Decimal | undefined;
  /** The asset P&L is in (`USDT`, `BTC`, ...). */
  readonly marginAsset: string;
  /** Number of fills in the position (a flip fill counts in both positions). */
  readonly fills: number;
  /** Trade id of the first fill (for PARTIAL: the first in the data). */
  readonly openTradeId: string;
  /** Trade id of the closing fill; empty while open, and when a delivery settlement closed it. */
  readonly closeTradeId: string;
  /** Why a position is PARTIAL, and why `commissionConverted` or `netPnl` is empty; or empty. */
  readonly note: string;
}

/**
 * Whether a delivery settlement closed the position (`src/ledger/settlement.ts`): it has a close
 * time and no closing fill, and its realized P&L holds the settlement records of its symbol at
 * that time.
 */
export function closedByDelivery(p: Pick<Position, "closeTime" | "closeTradeId">): boolean {
  return p.closeTime !== undefined && p.closeTradeId === "";
}

/** What orders positions (see {@linkcode comparePositions}). */
export type PositionOrder = Pick<
  Position,
  "openTime" | "symbol" | "market" | "positionSide" | "openTradeId"
>;

/**
 * Output order of positions: by open time, then symbol (then market, book and opening trade id,
 * so equal inputs always give equal outputs).
 */
export function comparePositions(a: PositionOrder, b: PositionOrder): number {
  return a.openTime - b.openTime ||
    compareText(a.symbol, b.symbol) ||
    compareText(a.market, b.market) ||
    compareText(a.positionSide, b.positionSide) ||
    compareIds(a.openTradeId, b.openTradeId);
}
