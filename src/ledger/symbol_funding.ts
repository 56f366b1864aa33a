/**
 * A symbol's FUNDING_FEE records, attached as its fills go by to the positions of its books open
 * at each record's time, by the rules of `funding.ts`.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { PositionSide } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { splitFunding } from "./funding.ts";
import { BOOK_SIDES, type LedgerSink } from "./ledger_context.ts";
import type { PositionBuilder } from "./position_builder.ts";

/** The FUNDING_FEE records of one `(market, symbol)`, attached in time order. */
export class SymbolFunding {
  readonly #funding: readonly IncomeRecord[];
  readonly #openPosition: (side: PositionSide) => PositionBuilder | undefined;
  readonly #sink: LedgerSink;
  #next = 0;
  /** The time of the last record attached or left unattached here. */
  lastTime = -Infinity;

  /**
   * `funding`: the records, in time order; `openPosition`: the position open now in the book of
   * a side, if any; `sink`: where the attached parts and the unattached records go.
   */
  constructor(
    funding: readonly IncomeRecord[],
    openPosition: (side: PositionSide) => PositionBuilder | undefined,
    sink: LedgerSink,
  ) {
    this.#funding = funding;
    this.#openPosition = openPosition;
    this.#sink = sink;
  }

  /**
   * Attaches the records not attached yet whose time is at most `time` — before a fill at
   * `time`, which comes after a record of its very millisecond — to the positions open now.
   */
  attachUntil(time: number): void {
    const funding = this.#funding;
    while (this.#next < funding.length && funding[this.#next].time <= time) {
      this.lastTime = funding[this.#next].time;
      this.#fund(funding[this.#next++]);
    }
  }

  #fund(record: IncomeRecord): void {
    const sink = this.#sink;
    const open: [PositionSide, PositionBuilder][] = [];
    for (const side of BOOK_SIDES) {
      const position = this.#openPosition(side);
      if (position !== undefined) open.push([side, position]);
    }
    if (open.length === 0 || open.some(([, p]) => p.marginAsset !== record.asset)) {
      sink.unattached(record);
      return;
    }
    const parts = splitFunding(Decimal.parse(record.income), open.map(([, p]) => p.claim));
    open.forEach(([positionSide, position], i) => {
      position.fund(parts[i]);
      const { market, symbol } = record;
      sink.funding({
        record,
        position: { market, symbol, positionSide, openTradeId: position.openTradeId },
        amount: parts[i],
      });
    });
  }
}
