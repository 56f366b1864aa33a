/**
 * The ground truth as a positions file, printed without the project's writer
 * (`positionsCsv`, `writePositionLine`, `LineBytes`, `Decimal.toString`): each value is read
 * exactly from its mantissa and scale and printed by `tests/support/positions_text.ts`, so a bug
 * in the project's formatting makes the sync tests fail instead of agreeing with itself.
 *
 * @module
 */

import type { Decimal } from "../../src/decimal.ts";
import type { Position } from "../../src/position.ts";
import { exactOf, type PositionFields, positionsFileText } from "../support/positions_text.ts";

/** The positions file's text for `positions`, in the order given. */
export function truthPositionsCsv(positions: readonly Position[]): string {
  return positionsFileText(positions.map(fieldsOf));
}

function fieldsOf(p: Position): PositionFields {
  const optional = (
    value: Decimal | undefined,
  ) => (value === undefined ? undefined : exactOf(value));
  return {
    status: p.status,
    symbol: p.symbol,
    direction: p.direction,
    openTime: p.openTime,
    closeTime: p.closeTime,
    entryQty: exactOf(p.entryQty),
    entryVwap: optional(p.entryVwap),
    realizedPnl: exactOf(p.realizedPnl),
    commission: exactOf(p.commission),
    fills: p.fills,
    exitQty: exactOf(p.exitQty),
    exitVwap: optional(p.exitVwap),
    maxQty: exactOf(p.maxQty),
    positionSide: p.positionSide,
    openTradeId: p.openTradeId,
    closeTradeId: p.closeTradeId,
    openQty: exactOf(p.openQty),
    priorQty: exactOf(p.priorQty),
    market: p.market,
    marginAsset: p.marginAsset,
    commissionOther: [...p.otherCommission].map(([asset, amount]) => [asset, exactOf(amount)]),
    note: p.note,
    commissionConverted: optional(p.commissionConverted),
    funding: optional(p.funding),
    netPnl: optional(p.netPnl),
  };
}
