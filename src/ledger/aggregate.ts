/**
 * The ledger: fills in, positions out. Pure functions, no I/O.
 *
 * @module
 */

import { compareIds, compareText, fillKey, type LedgerFill } from "../fill.ts";
import type { Position } from "../position.ts";
import type { PositionSnapshot } from "./anchor.ts";
import {
  combineLedgers,
  type Ledger,
  LedgerCollector,
  type LedgerInputs,
  LedgerStream,
} from "./ledger_stream.ts";
import type { SavedSymbol } from "./symbol_books.ts";
import { ThreePasses } from "./three_passes.ts";

/**
 * Rebuilds every position from fills given in any order, attaching funding and converting fees
 * when `inputs` allow.
 *
 * Fills are grouped by `(market, symbol)` — trade ids are unique only there — and taken in time
 * order, then trade-id order (Binance's trade ids grow with time, so this is their order; a fill
 * from an export without trade ids has one made from its time: see `src/archive/`); a fill whose
 * id was already seen in its group is ignored (the first one counts). Each
 * `(market, symbol, positionSide)` is a book (`book_engine.ts`). Each symbol's FUNDING_FEE records
 * are streamed in time order between its fills, so the open positions at each record's time are
 * known (`funding.ts`). The result is sorted by open time, then symbol (then
 * market, book and opening trade id, so equal inputs always give equal outputs).
 *
 * Fills go through a {@linkcode LedgerStream} first, in the order given: one pass settles every
 * symbol whose fills are in ledger order and whose books held nothing before the data. The
 * others are sorted and rebuilt in three passes, the first two inferring what was held.
 *
 * @throws {RangeError} for a fill whose quantity is not positive.
 */
export function buildLedger(fills: Iterable<LedgerFill>, inputs: LedgerInputs = {}): Ledger {
  return ledgerAndBooks(fills, inputs).ledger;
}

/** A ledger, and each symbol's books as data (by `symbolKey`), for a later run to continue. */
export interface LedgerAndBooks {
  /** The ledger. */
  readonly ledger: Ledger;
  /** Every symbol's books, as {@linkcode LedgerStream.restore} takes them. */
  readonly saved: Map<string, SavedSymbol>;
}

/** {@linkcode buildLedger}, with every symbol's books saved. */
export function ledgerAndBooks(fills: Iterable<LedgerFill>, inputs: LedgerInputs): LedgerAndBooks {
  const all = Array.isArray(fills) ? fills as LedgerFill[] : [...fills];
  const collector = new LedgerCollector();
  const stream = new LedgerStream(inputs, collector);
  for (const fill of all) stream.push(fill);
  const { unsettled, saved } = stream.finish();
  const isUnsettled = (symbol: string) => unsettled.has(symbol);
  const settled = collector.ledger(isUnsettled);
  if (unsettled.size === 0) return { ledger: settled, saved };
  const rest = all.filter((fill) => unsettled.has(fill.symbol));
  const passes = threePasses(rest, { ...inputs, symbols: isUnsettled });
  for (const [key, books] of passes.saved) saved.set(key, books);
  return { ledger: combineLedgers(settled, passes.ledger), saved };
}

/**
 * {@linkcode buildLedger} without the one pass: the fills sorted per symbol (time, trade id), then
 * three passes over them (`three_passes.ts`). What `buildLedger` does for the symbols the one
 * pass leaves unsettled, and the reference the one pass is tested against.
 */
export function ledgerInThreePasses(fills: readonly LedgerFill[], inputs: LedgerInputs): Ledger {
  return threePasses(fills, inputs).ledger;
}

function threePasses(fills: readonly LedgerFill[], inputs: LedgerInputs): LedgerAndBooks {
  const { symbols } = inputs;
  const ordered = sortedUnique(
    symbols === undefined ? fills : fills.filter((fill) => symbols(fill.symbol)),
  );
  const collector = new LedgerCollector();
  const passes = new ThreePasses(inputs, collector);
  for (const fill of ordered) passes.observe(fill);
  if (passes.needsSecondPass) { for (const fill of ordered) passes.reobserve(fill); }
  for (const fill of ordered) passes.apply(fill);
  const saved = passes.finish();
  return { ledger: collector.ledger(), saved };
}

/** The positions of {@linkcode buildLedger} with neither income nor prices: fills alone. */
export function aggregatePositions(
  fills: Iterable<LedgerFill>,
  snapshots: readonly PositionSnapshot[] = [],
): Position[] {
  return buildLedger(fills, { snapshots }).positions;
}

/**
 * Sorted by market and symbol, then in ledger order (time, then trade id), keeping the first fill
 * of each trade id.
 */
export function sortedUnique(fills: readonly LedgerFill[]): LedgerFill[] {
  const sorted = [...fills].sort((a, b) =>
    compareText(a.market, b.market) || compareText(a.symbol, b.symbol) || a.time - b.time ||
    compareIds(a.id, b.id)
  ); // stable: of equal fills, the first in the input stays first
  const seen = new Set<string>();
  return sorted.filter((fill) => {
    const key = fillKey(fill);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
