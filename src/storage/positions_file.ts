/**
 * `futures_positions.csv`: the columns and the file.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { Decimal } from "../decimal.ts";
import type { Position } from "../position.ts";
import { formatTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Column order of `futures_positions.csv`: the original pipeline's columns first. */
export const POSITION_COLUMNS = [
  "status",
  "symbol",
  "direction",
  "open_time",
  "close_time",
  "entry_qty",
  "entry_vwap",
  "realizedPnl",
  "commission",
  "net_pnl_after_fees",
  "fills",
  "exit_qty",
  "exit_vwap",
  "max_qty",
  "position_side",
  "open_trade_id",
  "close_trade_id",
  "open_qty",
  "prior_qty",
  "market",
  "margin_asset",
  "commission_other",
  "note",
] as const;

const text = (value: Decimal | undefined) => value?.toString() ?? "";

/** One position as row fields, in {@linkcode POSITION_COLUMNS} order. */
export function formatPositionRow(p: Position): string[] {
  return [
    p.status,
    p.symbol,
    p.direction,
    formatTime(p.openTime),
    p.closeTime === undefined ? "" : formatTime(p.closeTime),
    text(p.entryQty),
    text(p.entryVwap),
    text(p.realizedPnl),
    text(p.commission),
    text(p.realizedPnl.minus(p.commission).normalize()),
    String(p.fills),
    text(p.exitQty),
    text(p.exitVwap),
    text(p.maxQty),
    p.positionSide,
    p.openTradeId,
    p.closeTradeId,
    text(p.openQty),
    text(p.priorQty),
    p.market,
    p.marginAsset,
    [...p.otherCommission].map(([asset, amount]) => `${amount} ${asset}`).join("; "),
    p.note,
  ];
}

/** The positions file's whole text. */
export function positionsCsv(positions: readonly Position[]): string {
  return [...positionsLines(positions)].join("");
}

/** Replaces the positions file atomically, streaming its lines. */
export async function writePositionsFile(
  path: string,
  positions: readonly Position[],
): Promise<void> {
  await writeFileAtomic(path, positionsLines(positions));
}

function* positionsLines(positions: readonly Position[]): Generator<string> {
  yield csvLine(POSITION_COLUMNS);
  for (const position of positions) yield csvLine(formatPositionRow(position));
}
