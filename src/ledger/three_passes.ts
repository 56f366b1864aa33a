/**
 * The ledger in three passes over fills in ledger order (time, then trade id) per symbol: the
 * first two infer what each book held before the data (`prior_quantity.ts`), the third rebuilds
 * the positions. What the one pass (`ledger_stream.ts`) leaves unsettled is rebuilt so. The
 * passes can each be a read of the fills file: nothing here holds the fills. Pure, no I/O.
 *
 * @module
 */

import { defined } from "../defined.ts";
import type { LedgerFill } from "../fill.ts";
import {
  fundingBySymbol,
  type LedgerInputs,
  symbolContext,
  symbolKey,
  unattachedOf,
} from "./ledger_stream.ts";
import type { IncomeRecord } from "../income.ts";
import type { LedgerSink, SymbolContext } from "./ledger_context.ts";
import { type SavedSymbol, SymbolBooks } from "./symbol_books.ts";

/**
 * Three passes over the same fills: {@linkcode ThreePasses.observe} each, then, if
 * {@linkcode ThreePasses.needsSecondPass}, {@linkcode ThreePasses.reobserve} each, then
 * {@linkcode ThreePasses.apply} each, then {@linkcode ThreePasses.finish}. Each symbol's fills
 * must come in ledger order (time, then trade id), each id once (the one pass finds symbols
 * whose fills do not).
 */
export class ThreePasses {
  readonly #groups = new Map<string, SymbolBooks>();
  readonly #funding: Map<string, IncomeRecord[]>;
  readonly #context: SymbolContext;
  readonly #symbols: ((symbol: string) => boolean) | undefined;
  #decided = false;

  /** Passes over the ledger's `inputs`, sending what they build to `sink`. */
  constructor(inputs: LedgerInputs, sink: LedgerSink) {
    this.#symbols = inputs.symbols;
    this.#funding = fundingBySymbol(inputs);
    this.#context = symbolContext(inputs, sink);
  }

  /** The first pass. */
  observe(fill: LedgerFill): void {
    if (!this.#wanted(fill)) return;
    const key = symbolKey(fill.market, fill.symbol);
    let group = this.#groups.get(key);
    if (group === undefined) {
      const funding = this.#funding.get(key) ?? [];
      group = new SymbolBooks(fill.market, fill.symbol, funding, this.#context);
      this.#groups.set(key, group);
    }
    group.observe(fill);
  }

  /** After the first pass: whether the second is needed. */
  get needsSecondPass(): boolean {
    return [...this.#groups.values()].some((group) => group.needsSecondPass);
  }

  /** The second pass, only if needed. */
  reobserve(fill: LedgerFill): void {
    if (this.#wanted(fill)) this.#group(fill).reobserve(fill);
  }

  /** The third pass: the funding due before each fill, then the fill. */
  apply(fill: LedgerFill): void {
    if (!this.#decided) {
      for (const group of this.#groups.values()) group.decide();
      this.#decided = true;
    }
    if (this.#wanted(fill)) this.#group(fill).apply(fill);
  }

  /**
   * After the third pass: attaches the funding after every symbol's last fill and emits the open
   * positions; returns each symbol's books as data. Call once, last.
   */
  finish(): Map<string, SavedSymbol> {
    const saved = new Map<string, SavedSymbol>();
    for (const [key, group] of this.#groups) {
      if (!this.#decided) group.decide();
      group.fundRest();
      saved.set(key, group.save());
      group.finish();
    }
    for (const [key, records] of this.#funding) {
      if (!this.#groups.has(key)) unattachedOf(records, this.#context.sink);
    }
    return saved;
  }

  #wanted(fill: LedgerFill): boolean {
    return this.#symbols === undefined || this.#symbols(fill.symbol);
  }

  #group(fill: LedgerFill): SymbolBooks {
    // The first pass made a group for every fill's symbol; the later ones see the same fills.
    return defined(
      this.#groups.get(symbolKey(fill.market, fill.symbol)),
      "the books of a symbol, made by the first pass",
    );
  }
}
