/**
 * The ledger in one pass over fills in file order, holding none of them: what rebuilds positions
 * from a fills file of any size in little memory, and what continues an earlier run's books over
 * new fills only. A symbol the one pass cannot settle (its data starts mid-position, or its fills
 * are out of order (by time, then trade id)) is named, to be rebuilt from its fills in three passes
 * (`three_passes.ts`). Pure, no I/O.
 *
 * @module
 */

import type { LedgerFill, Market } from "../fill.ts";
import { compareIncome, type IncomeRecord, LEDGER_INCOME_TYPES, SETTLEMENT } from "../income.ts";
import { comparePositions, type Position } from "../position.ts";
import { anchorOf, type PositionSnapshot } from "./anchor.ts";
import type { FeePrices } from "./fee_prices.ts";
import type { FundingShare } from "./funding.ts";
import type { LedgerContext, LedgerSink, SymbolContext } from "./ledger_context.ts";
import { type SavedSymbol, SymbolBooks } from "./symbol_books.ts";

/** What the ledger may be given besides fills. */
export interface LedgerInputs {
  /** Binance's open positions at a moment, per market: they anchor each book of their market. */
  readonly snapshots?: readonly PositionSnapshot[];
  /**
   * The income history (any types; FUNDING_FEE records are attached to positions,
   * DELIVERED_SETTELMENT records close the positions they settle (`settlement.ts`), and the first
   * record of each market says from when funding is known). Without it, funding is unknown.
   */
  readonly income?: readonly IncomeRecord[];
  /**
   * When the income history of each market begins, if not from `income` (a run that gives only
   * part of the history: the funding records not yet attached).
   */
  readonly incomeFrom?: ReadonlyMap<Market, number>;
  /** Prices that convert fees in other assets (`fee_prices.ts`). Without them, none converts. */
  readonly prices?: FeePrices;
  /**
   * Only the symbols this accepts (one shard of a rebuild shared out by symbol): the fills,
   * FUNDING_FEE and DELIVERED_SETTELMENT records of other symbols are ignored. The whole income
   * history still says from when funding is known, so each shard's positions are exactly those of
   * the whole ledger.
   */
  readonly symbols?: (symbol: string) => boolean;
}

/** What the ledger builds. */
export interface Ledger {
  /** Every position, in {@linkcode comparePositions} order. */
  readonly positions: Position[];
  /** Each FUNDING_FEE record's parts, as attached to positions (a split record has two). */
  readonly fundingShares: FundingShare[];
  /** FUNDING_FEE records no open position took (`funding.ts`), in `compareIncome` order. */
  readonly unattachedFunding: IncomeRecord[];
}

/** What one pass settled, and what it could not. */
export interface SettledLedger extends Ledger {
  /**
   * Symbols the pass did not settle (none of their positions or funding is above): a book of
   * theirs held a position before the data, or their fills were not in ledger order (time,
   * then trade id). Give their fills to `buildLedger` with the same inputs, restricted to them.
   */
  readonly unsettled: ReadonlySet<string>;
}

/** The key of a `(market, symbol)`. */
export function symbolKey(market: Market, symbol: string): string {
  return market === "usdm" ? symbol : market + "|" + symbol;
}

/** {@linkcode symbolKey}'s parts back. */
export function splitKey(key: string): [Market, string] {
  const bar = key.indexOf("|");
  return bar < 0 ? ["usdm", key] : [key.slice(0, bar) as Market, key.slice(bar + 1)];
}

/** What every symbol of a run shares, from the ledger's inputs. */
export function symbolContext(inputs: LedgerInputs, sink: LedgerSink): SymbolContext {
  const snapshots = inputs.snapshots ?? [];
  return {
    ledger: ledgerContext(inputs),
    anchorOf: (market, symbol, side) => anchorOf(snapshots, market, symbol, side),
    sink,
  };
}

/**
 * Each symbol's FUNDING_FEE and DELIVERED_SETTELMENT records among the inputs' income, in time
 * order; of one time, the funding first (it was charged on the positions the settlement closes).
 */
export function fundingBySymbol(inputs: LedgerInputs): Map<string, IncomeRecord[]> {
  const bySymbol = new Map<string, IncomeRecord[]>();
  const { symbols } = inputs;
  for (const record of inputs.income ?? []) {
    if (!LEDGER_INCOME_TYPES.has(record.incomeType)) continue;
    if (symbols !== undefined && !symbols(record.symbol)) continue;
    const key = symbolKey(record.market, record.symbol);
    const list = bySymbol.get(key);
    if (list === undefined) bySymbol.set(key, [record]);
    else list.push(record);
  }
  const settles = (r: IncomeRecord) => (r.incomeType === SETTLEMENT ? 1 : 0);
  for (const list of bySymbol.values()) {
    list.sort((a, b) => a.time - b.time || settles(a) - settles(b));
  }
  return bySymbol;
}

/** Funding records no position took: those of the symbols without fills. */
export function unattachedOf(records: readonly IncomeRecord[], sink: LedgerSink): void {
  for (const r of records) if (r.incomeType !== SETTLEMENT) sink.unattached(r);
}

/**
 * The ledger fed one fill at a time, in the order of the fills file (trade ids increasing per
 * symbol), then finished once: positions, funding and unattached funding go to `sink` as they are
 * final. Each book assumes it held nothing before its first fill; where that holds (by Binance's
 * position at the last sync, or by the fills' own evidence: `prior_quantity.ts`) the positions
 * are exactly those of three passes, and the fills can be forgotten as they pass. What goes to
 * the sink for a symbol {@linkcode LedgerStream.finish} names as unsettled must be discarded.
 *
 * It can also go on from an earlier run: {@linkcode LedgerStream.restore} its symbols, then push
 * only the fills after theirs (and give only the funding not yet attached).
 */
export class LedgerStream {
  readonly #groups = new Map<string, SymbolBooks>();
  readonly #funding: Map<string, IncomeRecord[]>;
  readonly #context: SymbolContext;
  readonly #symbols: ((symbol: string) => boolean) | undefined;
  // The last fill's group: fills of one order come together. Both are set together (or neither):
  // the cast of `#lastGroup` where `#lastFill` is set only says so to the type checker, at no
  // cost per fill.
  #lastFill: LedgerFill | undefined;
  #lastGroup: SymbolBooks | undefined;

  /** A stream over the ledger's `inputs`, sending what it builds to `sink`. */
  constructor(inputs: LedgerInputs, sink: LedgerSink) {
    this.#symbols = inputs.symbols;
    this.#funding = fundingBySymbol(inputs);
    this.#context = symbolContext(inputs, sink);
  }

  /**
   * Continues the books of `market`'s `symbol` as `saved` left them (its new funding records are
   * those of the inputs).
   *
   * @throws {DecimalSyntaxError} for a damaged checkpoint.
   */
  restore(market: Market, symbol: string, saved: SavedSymbol): void {
    const key = symbolKey(market, symbol);
    const funding = this.#funding.get(key) ?? [];
    this.#groups.set(key, SymbolBooks.restore(market, symbol, saved, funding, this.#context));
  }

  /** The next fill. @throws {RangeError} for a fill whose quantity is not positive. */
  push(fill: LedgerFill): void {
    if (this.#symbols !== undefined && !this.#symbols(fill.symbol)) return;
    this.#groupOf(fill).step(fill);
  }

  /**
   * Attaches the funding after every symbol's last fill and emits the open positions; returns
   * the symbols left unsettled (see {@linkcode SymbolBooks.holds}), those of them whose fills
   * came out of order (by time, then trade id) or twice, and, for the settled ones, their
   * books as data. Call once, last.
   */
  finish(): { unsettled: Set<string>; disordered: Set<string>; saved: Map<string, SavedSymbol> } {
    const unsettled = new Set<string>();
    const disordered = new Set<string>();
    const saved = new Map<string, SavedSymbol>();
    const sink = this.#context.sink;
    for (const [key, group] of this.#groups) {
      group.fundRest();
      if (group.disordered) disordered.add(group.symbol);
      if (!group.holds()) {
        unsettled.add(group.symbol);
        continue;
      }
      saved.set(key, group.save());
      group.finish();
    }
    for (const [key, records] of this.#funding) {
      if (!this.#groups.has(key)) unattachedOf(records, sink);
    }
    return { unsettled, disordered, saved };
  }

  #groupOf(fill: LedgerFill): SymbolBooks {
    const last = this.#lastFill;
    if (last !== undefined && fill.symbol === last.symbol && fill.market === last.market) {
      return this.#lastGroup as SymbolBooks;
    }
    const key = symbolKey(fill.market, fill.symbol);
    let group = this.#groups.get(key);
    if (group === undefined) {
      const funding = this.#funding.get(key) ?? [];
      group = new SymbolBooks(fill.market, fill.symbol, funding, this.#context);
      this.#groups.set(key, group);
    }
    this.#lastFill = fill;
    this.#lastGroup = group;
    return group;
  }
}

/** A sink that keeps everything, for a {@linkcode Ledger} in memory. */
export class LedgerCollector implements LedgerSink {
  /** The positions, in the order they came. */
  readonly positions: Position[] = [];
  /** The funding shares. */
  readonly shares: FundingShare[] = [];
  /** The unattached funding. */
  readonly unattachedRecords: IncomeRecord[] = [];
  /** See {@linkcode LedgerSink.position}. */
  readonly position = (p: Position): void => void this.positions.push(p);
  /** See {@linkcode LedgerSink.funding}. */
  readonly funding = (share: FundingShare): void => void this.shares.push(share);
  /** See {@linkcode LedgerSink.unattached}. */
  readonly unattached = (r: IncomeRecord): void => void this.unattachedRecords.push(r);

  /** What was kept, as a ledger, leaving out the symbols `dropped` accepts. */
  ledger(dropped: (symbol: string) => boolean = () => false): Ledger {
    return {
      positions: this.positions.filter((p) => !dropped(p.symbol)).sort(comparePositions),
      fundingShares: this.shares.filter((s) => !dropped(s.record.symbol)),
      unattachedFunding: this.unattachedRecords.filter((r) => !dropped(r.symbol))
        .sort(compareIncome),
    };
  }
}

/** Two ledgers of different symbols as one. */
export function combineLedgers(a: Ledger, b: Ledger): Ledger {
  return {
    positions: [...a.positions, ...b.positions].sort(comparePositions),
    fundingShares: [...a.fundingShares, ...b.fundingShares],
    unattachedFunding: [...a.unattachedFunding, ...b.unattachedFunding].sort(compareIncome),
  };
}

/** What every book of a run shares, from the ledger's inputs. */
export function ledgerContext(inputs: LedgerInputs): LedgerContext {
  return {
    prices: inputs.prices,
    incomeFrom: inputs.incomeFrom ??
      (inputs.income === undefined ? undefined : firstTimes(inputs.income)),
  };
}

/** Per market, the time of its first income record. */
export function firstTimes(income: Iterable<IncomeRecord>): Map<Market, number> {
  const first = new Map<Market, number>();
  for (const record of income) {
    const known = first.get(record.market);
    if (known === undefined || record.time < known) first.set(record.market, record.time);
  }
  return first;
}
