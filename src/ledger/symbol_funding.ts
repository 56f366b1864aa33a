/**
 * A symbol's FUNDING_FEE records, attached as its fills go by to the positions of its books open
 * at each record's time, by the rules of `funding.ts`; and its DELIVERED_SETTELMENT records,
 * handed at their time to what settles the books (`settlement.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { defined } from "../defined.ts";
import type { PositionSide } from "../fill.ts";
import { type IncomeRecord, SETTLEMENT } from "../income.ts";
import { splitFunding } from "./funding.ts";
import { BOOK_SIDES, type LedgerSink } from "./ledger_context.ts";
import type { PositionBuilder } from "./position_builder.ts";

/**
 * The FUNDING_FEE and DELIVERED_SETTELMENT records of one `(market, symbol)`, taken in time order
 * (of one time, the funding first).
 */
export class SymbolFunding {
  readonly #funding: readonly IncomeRecord[];
  readonly #openPosition: (side: PositionSide) => PositionBuilder | undefined;
  readonly #settle: (records: readonly IncomeRecord[]) => void;
  readonly #sink: LedgerSink;
  #next = 0;
  /** The time of the last record attached or left unattached here. */
  lastTime = -Infinity;

  /**
   * `funding`: the records, in time order (of one time, the funding first); `openPosition`: the
   * position open now in the book of a side, if any; `settle`: what settles the books with the
   * DELIVERED_SETTELMENT records of one time; `sink`: where the attached parts and the unattached
   * funding records go.
   */
  constructor(
    funding: readonly IncomeRecord[],
    openPosition: (side: PositionSide) => PositionBuilder | undefined,
    settle: (records: readonly IncomeRecord[]) => void,
    sink: LedgerSink,
  ) {
    this.#funding = funding;
    this.#openPosition = openPosition;
    this.#settle = settle;
    this.#sink = sink;
  }

  /**
   * Takes the records not taken yet whose time is at most `time` — before a fill at `time`,
   * which comes after a record of its very millisecond: funding is attached to the positions
   * open now, and the settlements of each time are handed on together.
   */
  attachUntil(time: number): void {
    const funding = this.#funding;
    while (this.#next < funding.length) {
      const record = funding[this.#next];
      if (record === undefined || !(record.time <= time)) break;
      this.#next++;
      this.lastTime = record.time;
      if (record.incomeType !== SETTLEMENT) {
        this.#fund(record);
        continue;
      }
      const settlements = [record];
      for (let next = funding[this.#next]; next?.time === record.time; next = funding[this.#next]) {
        settlements.push(next);
        this.#next++;
      }
      this.#settle(settlements);
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
      const amount = defined(parts[i], "a funding part for each open position");
      position.fund(amount);
      const { market, symbol } = record;
      sink.funding({
        record,
        position: { market, symbol, positionSide, openTradeId: position.openTradeId },
        amount,
      });
    });
  }
}
