/**
 * The ledger in one pass over fills in file order, holding none of them: what rebuilds positions
 * from a fills file of any size in little memory. A symbol the one pass cannot settle (its data
 * starts mid-position, or its fills are out of trade-id order) is named, to be rebuilt from its
 * fills by `buildLedger`. Pure, no I/O.
 *
 * @module
 */

import type { LedgerFill, Market } from "../fill.ts";
import { compareIncome, type IncomeRecord } from "../income.ts";
import { comparePositions, type Position } from "../position.ts";
import type { PositionSnapshot } from "./anchor.ts";
import { BookIndex } from "./book_index.ts";
import type { FeePrices } from "./fee_prices.ts";
import type { FundingShare } from "./funding.ts";
import type { LedgerContext } from "./position_builder.ts";

/** What the ledger may be given besides fills. */
export interface LedgerInputs {
  /** Binance's open positions at a moment, per market: they anchor each book of their market. */
  readonly snapshots?: readonly PositionSnapshot[];
  /**
   * The income history (any types; FUNDING_FEE records are attached to positions, and the first
   * record of each market says from when funding is known). Without it, funding is unknown.
   */
  readonly income?: readonly IncomeRecord[];
  /** Prices that convert fees in other assets (`fee_prices.ts`). Without them, none converts. */
  readonly prices?: FeePrices;
  /**
   * Only the symbols this accepts (one shard of a rebuild shared out by symbol): the fills and
   * FUNDING_FEE records of other symbols are ignored. The whole income history still says from
   * when funding is known, so each shard's positions are exactly those of the whole ledger.
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
   * theirs held a position before the data, or their fills were not in trade-id order. Give
   * their fills to `buildLedger` with the same inputs, restricted to them.
   */
  readonly unsettled: ReadonlySet<string>;
}

/**
 * The ledger fed one fill at a time, in the order of the fills file (trade ids increasing per
 * symbol), then finished once. Each book assumes it held nothing before its first fill; where
 * that assumption holds (by Binance's position at the last sync, or by the fills' own evidence:
 * `prior_quantity.ts`) the positions are exactly those of `buildLedger`, and the fills can be
 * forgotten as they pass.
 */
export class LedgerStream {
  readonly #books: BookIndex;
  readonly #symbols: ((symbol: string) => boolean) | undefined;

  /** A stream over the ledger's `inputs`. */
  constructor(inputs: LedgerInputs = {}) {
    this.#symbols = inputs.symbols;
    this.#books = new BookIndex(
      inputs.snapshots ?? [],
      ledgerContext(inputs),
      fundingOf(inputs),
      true,
    );
  }

  /** The next fill. @throws {RangeError} for a fill whose quantity is not positive. */
  push(fill: LedgerFill): void {
    if (this.#symbols === undefined || this.#symbols(fill.symbol)) this.#books.step(fill);
  }

  /** The settled positions and funding, and the symbols left unsettled. Call once, last. */
  finish(): SettledLedger {
    const books = this.#books;
    books.fundRest();
    const unsettled = books.unsettled();
    const settled = (symbol: string) => !unsettled.has(symbol);
    return {
      positions: books.all().filter((b) => settled(b.symbol)).flatMap((b) => b.finish())
        .sort(comparePositions),
      fundingShares: books.shares.filter((s) => settled(s.record.symbol)),
      unattachedFunding: books.unattached.filter((r) => settled(r.symbol)).sort(compareIncome),
      unsettled,
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
    incomeFrom: inputs.income === undefined ? undefined : firstTimes(inputs.income),
  };
}

/** The FUNDING_FEE records of the symbols the inputs take. */
export function fundingOf(inputs: LedgerInputs): IncomeRecord[] {
  const { symbols } = inputs;
  return (inputs.income ?? []).filter((record) =>
    record.incomeType === "FUNDING_FEE" && (symbols === undefined || symbols(record.symbol))
  );
}

/** Per market, the time of its first income record. */
function firstTimes(income: readonly IncomeRecord[]): Map<Market, number> {
  const first = new Map<Market, number>();
  for (const record of income) {
    const known = first.get(record.market);
    if (known === undefined || record.time < known) first.set(record.market, record.time);
  }
  return first;
}
