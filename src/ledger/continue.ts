/**
 * Going on from an earlier run: each symbol's books, as that run saved them, continued over the
 * fills and funding that came since — so a daily sync costs what is new, not the whole history.
 *
 * A symbol is continued only where the result is exactly what a run over all of its fills would
 * build; otherwise it is named, to be rebuilt from all of its fills:
 * - its new fills must all come after its last one (trade ids above it) and after the last
 *   funding or settlement record it took, and its new FUNDING_FEE and DELIVERED_SETTELMENT records
 *   after its last fill (a record is taken by the positions open at its time);
 * - after the new fills, what each book held before the data must still be what the evidence and
 *   Binance's position decide (`SymbolBooks.holds`), as it is for a symbol without new data too:
 *   Binance's position is read again at every sync.
 * Pure, no I/O.
 *
 * @module
 */

import type { LedgerFill } from "../fill.ts";
import { type IncomeRecord, LEDGER_INCOME_TYPES } from "../income.ts";
import type { PositionSnapshot } from "./anchor.ts";
import type { FeePrices } from "./fee_prices.ts";
import type { Market } from "../fill.ts";
import {
  type Ledger,
  LedgerCollector,
  LedgerStream,
  splitKey,
  symbolContext,
  symbolKey,
} from "./ledger_stream.ts";
import { type SavedSymbol, SymbolBooks } from "./symbol_books.ts";

/** What continuing needs besides the new fills. */
export interface ContinueInputs {
  /** Each symbol's books as the earlier run saved them, by `symbolKey`. */
  readonly saved: ReadonlyMap<string, SavedSymbol>;
  /**
   * The income records that came since (not taken by the earlier run): the FUNDING_FEE and
   * DELIVERED_SETTELMENT ones are attached, the others ignored.
   */
  readonly income: readonly IncomeRecord[];
  /** Binance's positions now. */
  readonly snapshots: readonly PositionSnapshot[];
  /** Per market, when the income history begins (as in the earlier run). */
  readonly incomeFrom: ReadonlyMap<Market, number> | undefined;
  /** Prices that convert fees in other assets. */
  readonly prices?: FeePrices;
}

/** What continuing built, and what it could not. */
export interface Continued {
  /**
   * The positions of the continued symbols that changed — the ones open before (continued) and
   * the ones opened since — with the new funding: what replaces the continued symbols' open
   * positions. Funding of symbols without fills is unattached here.
   */
  readonly ledger: Ledger;
  /** The continued symbols (by `symbolKey`): their positions open before are in `ledger`. */
  readonly continued: ReadonlySet<string>;
  /** Symbols (by `symbolKey`) to rebuild from all of their fills; nothing of theirs is above. */
  readonly rebuild: ReadonlySet<string>;
  /** The books of every symbol that did not need rebuilding, saved again. */
  readonly saved: Map<string, SavedSymbol>;
}

/**
 * Continues the saved symbols over `fills` (the new ones, in file order) and the new funding.
 *
 * @throws {RangeError} for a fill whose quantity is not positive.
 * @throws {DecimalSyntaxError} for a damaged checkpoint.
 */
export function continueLedger(
  fills: readonly LedgerFill[],
  inputs: ContinueInputs,
): Continued {
  const byKey = new Map<string, LedgerFill[]>();
  for (const fill of fills) {
    const key = symbolKey(fill.market, fill.symbol);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [fill]);
    else list.push(fill);
  }
  const fundingKeys = new Set(
    inputs.income.filter((r) => LEDGER_INCOME_TYPES.has(r.incomeType))
      .map((r) => symbolKey(r.market, r.symbol)),
  );
  const rebuild = new Set<string>();
  const collector = new LedgerCollector();
  const stream = new LedgerStream({
    snapshots: inputs.snapshots,
    income: inputs.income,
    incomeFrom: inputs.incomeFrom,
    prices: inputs.prices,
  }, collector);
  const changed = new Set([...byKey.keys(), ...fundingKeys]);
  const checkOnly = new Map<string, SavedSymbol>();
  for (const [key, saved] of inputs.saved) {
    const [market, symbol] = splitKey(key);
    if (changed.has(key)) stream.restore(market, symbol, saved);
    else checkOnly.set(key, saved);
  }
  for (const fill of fills) stream.push(fill);
  const { unsettled, saved } = stream.finish();
  // Symbols without new data: their books must still hold with Binance's positions of now.
  const context = symbolContext({ snapshots: inputs.snapshots }, collector);
  for (const [key, old] of checkOnly) {
    const [market, symbol] = splitKey(key);
    if (SymbolBooks.restore(market, symbol, old, [], context).holds()) saved.set(key, old);
    else rebuild.add(key);
  }
  const dropped = new Set<string>();
  for (const key of changed) {
    const symbol = splitKey(key)[1];
    if (rebuild.has(key) || unsettled.has(symbol)) {
      rebuild.add(key);
      dropped.add(symbol);
    }
  }
  const continued = new Set(
    [...changed].filter((key) => inputs.saved.has(key) && !rebuild.has(key)),
  );
  return {
    ledger: collector.ledger((symbol) => dropped.has(symbol)),
    continued,
    rebuild,
    saved,
  };
}
