/**
 * An archive's rows as rows of the fills and income files (`source` `archive`), each once, never
 * a second copy of what the API already gave. Pure.
 *
 * - **Ids.** A row with a trade id (or transaction id) keeps it: the files hold each id once, and
 *   where both have a row, the API's is kept. A row without one is compared with the API's rows
 *   of its period (`match.ts`: market, symbol, time to the export's precision, side, price and
 *   quantity; income: type, symbol, time, amount and asset): a row the API has is left out, and
 *   a trade inside the API's period that the API does not have is an error (the export's time
 *   zone is likely wrong); so are income rows there that the API has a zone's shift away. The
 *   others get an id made from their time (`madeId`); should the API give the same fill later (a
 *   row of its last 3 months), its row replaces the archive's (`src/storage/sorted_update.ts`).
 * - **Position side.** A row that does not say is decided by `position_side.ts`: `BOTH` in
 *   one-way mode, inferred from the book in hedge mode (refused when the evidence does not
 *   settle it), with a note per inferred row.
 *
 * @module
 */

import { type Fill, inferMarginAsset, type LedgerFill, madeId, type Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { incomeRows } from "./income_rows.ts";
import { matchArchiveTrades } from "./match.ts";
import { checkNoOverlap } from "./overlap.ts";
import type { OtherPrecision } from "./other_precision.ts";
import { decidePositionSides, type PositionMode } from "./position_side.ts";
import {
  type ArchiveContents,
  ArchiveError,
  type ArchiveNote,
  type ArchiveTrade,
} from "./types.ts";

/** What the files already hold, and how far back Binance serves. */
export interface RowsContext {
  /** The API's fills of the files over the archive's period (source `api`). */
  readonly apiFills: readonly LedgerFill[];
  /** The API's income records of the files over the archive's period. */
  readonly apiIncome: readonly IncomeRecord[];
  /** The position mode of a symbol's rows that do not say, if known. */
  modeOf(market: Market, symbol: string): PositionMode | undefined;
  /** The files' rows of earlier imports, for an export of the same rows at another precision. */
  readonly imported?: OtherPrecision;
  /** `"flat"`: no hedge book was open before the archive's first row (default: unknown). */
  readonly start?: "flat";
}

/** The rows to add, and what was left out and why. */
export interface ArchiveRows {
  /** Fills to add (each not in the files by id). */
  readonly fills: Fill[];
  /** Income records to add. */
  readonly income: IncomeRecord[];
  /** Rows without an id that the API has: left out. */
  readonly matched: number;
  /** Remarks (position sides inferred, assumptions of the reader). */
  readonly notes: ArchiveNote[];
}

/**
 * The archive's rows for the files.
 *
 * @throws {ArchiveError} for rows inside the API's period that the API does not have, a row
 *   whose position side cannot be told, or files whose rows without ids overlap (`overlap.ts`).
 */
export function archiveRows(contents: ArchiveContents, context: RowsContext): ArchiveRows {
  checkNoOverlap(
    contents.trades.filter((t) => t.id === undefined),
    contents.files.map((f) => f.source),
  );
  checkNoOverlap(contents.income.filter((r) => r.tranId === undefined));
  const notes = [...contents.notes];
  const precision = Math.max(1, ...contents.files.map((f) => f.timePrecisionMs));
  const sided = withSides(contents.trades, context, notes);
  const times = context.apiFills.map((f) => f.time);
  const apiFrom = times.length === 0 ? Infinity : Math.min(...times);
  const apiTo = times.length === 0 ? -Infinity : Math.max(...times);
  const result = matchArchiveTrades(sided, context.apiFills, {
    apiFrom,
    apiTo,
    precisionMs: precision,
  });
  // Rows with an id the API does not have are added whatever their time (the file may lack the
  // API's row); without an id, a row among the API's fills that matches none is suspect.
  const withId = [...result.archiveOnly, ...result.unmatchedInApiPeriod]
    .filter((t): t is TradeWithId => t.id !== undefined);
  const suspect = result.unmatchedInApiPeriod.filter((t) => t.id === undefined);
  const [row] = suspect;
  if (row !== undefined) {
    throw new ArchiveError(
      row.source,
      `${suspect.length} rows without a trade id fall in the period of the ` +
        "fills the API gave but match none of them: is the export's time zone right " +
        "(--utc-offset)?",
      row.line,
    );
  }
  // A file without seconds: its rows' made ids say so, for their API twins (`madeIdReachMs`).
  const minutes = new Set(
    contents.files.filter((f) => f.timePrecisionMs >= 60_000).map((f) => f.source),
  );
  // Without an id, a row the files hold from the same export at another precision is left out.
  let again = 0;
  const idless = result.archiveOnly.filter((t) => {
    if (t.id !== undefined) return false;
    const taken = context.imported?.takeTrade(t, minutes.has(t.source)) ?? false;
    if (taken) again++;
    return !taken;
  });
  const fills = [...withId, ...withMadeIds(idless, isNewestFirst(contents.trades), minutes)].map(
    fillOf,
  );
  const income = incomeRows(contents.income, context, precision, minutes);
  return {
    fills,
    income: income.rows,
    matched: result.matched.length + again + income.matched,
    notes,
  };
}

/** The trades, each with a position side. */
function withSides(
  trades: readonly ArchiveTrade[],
  context: RowsContext,
  notes: ArchiveNote[],
): ArchiveTrade[] {
  const unsided = trades.filter((t) => t.positionSide === undefined);
  if (unsided.length === 0) return [...trades];
  const decided = decidePositionSides(trades, {
    start: context.start,
    mode: (t) => {
      const mode = context.modeOf(t.market, t.symbol);
      if (mode !== undefined) return mode;
      throw new ArchiveError(
        t.source,
        `the file does not say ${t.symbol}'s position side, and the fills file does not tell ` +
          "whether it was traded in one-way or hedge mode: give --position-mode one-way|hedge",
        t.line,
      );
    },
  });
  notes.push(...decided.notes);
  return decided.trades;
}

/**
 * Whether the files list their rows newest first (as Binance's bulk downloads do): each file's
 * first row is at least as late as its last, and one is later.
 */
function isNewestFirst(rows: readonly ArchiveTrade[]): boolean {
  const ends = new Map<string, { first: number; last: number }>();
  for (const row of rows) {
    const end = ends.get(row.source);
    if (end === undefined) ends.set(row.source, { first: row.time, last: row.time });
    else end.last = row.time;
  }
  const spans = [...ends.values()];
  return spans.every((e) => e.first >= e.last) && spans.some((e) => e.first > e.last);
}

/**
 * Rows without an id, each with one made from its time and its place in that millisecond: rows
 * of the same time in the order they happened, which is file order, or its reverse in files
 * listed newest first (`newestFirst`; their parts too).
 */
function withMadeIds(
  rows: readonly ArchiveTrade[],
  newestFirst: boolean,
  minutes: ReadonlySet<string>,
): TradeWithId[] {
  const fileOrder = (a: ArchiveTrade, b: ArchiveTrade) =>
    a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line;
  const sorted = [...rows].sort((a, b) =>
    a.time - b.time || (newestFirst ? fileOrder(b, a) : fileOrder(a, b))
  );
  const places = new Map<string, number>();
  return sorted.map((row) => {
    const key = `${row.market}|${row.symbol}|${row.time}`;
    const place = places.get(key) ?? 0;
    places.set(key, place + 1);
    return { ...row, id: madeId(row.time, place, minutes.has(row.source)) };
  });
}

/** A trade with its id, Binance's or made (`withMadeIds`). */
type TradeWithId = ArchiveTrade & { readonly id: string };

/** A trade as a fill of the fills file. */
function fillOf(t: TradeWithId): Fill {
  return {
    market: t.market,
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId ?? "",
    time: t.time,
    side: t.side,
    positionSide: t.positionSide ?? "BOTH",
    qty: t.qty,
    price: t.price,
    commission: t.commission,
    commissionAsset: t.commissionAsset,
    realizedPnl: t.realizedPnl,
    marginAsset: t.marginAsset ?? inferMarginAsset(t.symbol, t.market),
    maker: t.maker,
    quoteQty: t.quoteQty ?? "",
    baseQty: t.baseQty ?? "",
    pair: t.market === "coinm" ? t.symbol.split("_")[0] ?? "" : "", // (a split has a first part)
    source: "archive",
  };
}
