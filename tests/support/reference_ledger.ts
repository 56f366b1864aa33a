/**
 * A reference ledger: the README's rules ("How fills become positions") implemented a second
 * time, as plainly as possible, to test `buildLedger` against. It imports nothing from
 * `src/ledger/` or `src/decimal.ts`: decimals are `big.js` values, divisions exact fractions of
 * BigInts rounded once, half-to-even, to 12 places. Speed does not matter here; being obviously
 * right does.
 *
 * The rules, as the README states them:
 * - Every `(market, symbol, positionSide)` is a book; its fills are taken in trade-id order, and a
 *   trade id seen twice in a `(market, symbol)` counts once (the first one given).
 * - One-way (`BOTH`): BUY adds to a long or reduces a short, SELL the reverse. A fill that crosses
 *   zero is split: the closing part gets all its realized P&L and `commission × closed / qty`
 *   (half-even, 12 places), the opening part the rest; it counts in both positions.
 * - Hedge: the LONG book opens with BUY, the SHORT book with SELL; a hedge book never flips.
 * - A position is closed when its quantity is exactly zero.
 * - VWAPs: `Σ(qty × price) / Σ qty`; COIN-M: `Σ qty / Σ(qty / price)` (harmonic), half-even to 12
 *   places; each term `qty / price` is itself a division, half-even to 30 places (a sum of exact
 *   fractions would need a common denominator that grows with every new price).
 * - Funding: a FUNDING_FEE record at `T` goes to the positions of its `(market, symbol)` open
 *   after the fills before `T` (a fill at `T` counts as after it; a PARTIAL position is open
 *   before its first fill). Several open (hedge): split by notional at entry price — open
 *   quantity × entry VWAP so far (COIN-M: quantity ÷ entry) — in book order BOTH, LONG, SHORT,
 *   each part half-even to 12 places, the last the remainder; with a position that has no entry
 *   yet, by open quantity. None open, or one in another margin asset: unattached.
 * - `funding` is empty without an income history of the market; `net_pnl` is empty when a fee has
 *   no price or the position opened before the first income record.
 * - Fees in another asset convert at the open of the kline of `asset + marginAsset` of the fill's
 *   minute, exactly.
 * - Delivery settlements (DELIVERED_SETTELMENT records) of `(market, symbol)` at `T`: after the
 *   fills before `T` and the symbol's funding of `T`. Exactly one position open, in the records'
 *   asset: its whole open quantity exits at `T` with no fill (`exit_vwap` empty, `close_trade_id`
 *   empty, a note), the records' sum is added to its realized P&L. Otherwise nothing changes.
 *   A settled symbol takes no anchor, and what its books held before the data is told by its
 *   fills before its first settlement.
 * - PARTIAL starts, only with an anchor: Binance's position at a time no fill of the book is
 *   after. What the book held before its first fill is the anchor minus what its fills did, and
 *   must meet the fills' evidence (hedge: never below zero; one-way: a SELL that realized P&L
 *   closed a long, a BUY that did a short). The inference without an anchor is not
 *   re-implemented: a book that would need it makes the reference throw {@linkcode Unsupported}.
 *
 * @module
 */

import type { LedgerFill, Market, PositionSide } from "../../src/fill.ts";
import { type IncomeRecord, SETTLEMENT } from "../../src/income.ts";
import { Fraction } from "./fraction.ts";
import { at } from "./indexed.ts";
import { decimalText, type Exact, exact, type PositionFields } from "./positions_text.ts";
import { Book, type Round, Unsupported } from "./reference_book.ts";

export { Unsupported };

/** Binance's open positions of one market at `time`: `SYMBOL|positionSide` → signed amount text. */
export interface ReferenceSnapshot {
  readonly market: Market;
  readonly time: number;
  readonly amounts: ReadonlyMap<string, string>;
}

/** What the reference ledger may be given besides fills. */
export interface ReferenceInputs {
  /** The income history; without it, funding is unknown. */
  readonly income?: readonly IncomeRecord[];
  /** Kline opens: `BNBUSDT|<minute's ms>` → price text. */
  readonly prices?: ReadonlyMap<string, string>;
  /** Anchors, at most one per market. */
  readonly snapshots?: readonly ReferenceSnapshot[];
}

/** The reference's result. */
export interface ReferenceLedger {
  /** Sorted by open time, symbol, market, book, opening trade id. */
  readonly positions: PositionFields[];
  /** FUNDING_FEE records no position took, by time, market, type and tranId. */
  readonly unattached: IncomeRecord[];
}

const SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];
const ZERO = exact("0");

/** Trade ids as numbers of any size. */
function compareIds(a: string, b: string): number {
  return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
}
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a book held before its first fill: from the anchor, or nothing (see the module doc). */
function priorOf(
  fills: readonly LedgerFill[],
  side: PositionSide,
  snapshot: ReferenceSnapshot | undefined,
): Exact {
  const deltas = fills.map((f) => {
    const up = side === "SHORT" ? f.side === "SELL" : f.side === "BUY";
    return up ? exact(f.qty) : exact(f.qty).neg();
  });
  const fits = (x: Exact) => {
    let held = x;
    for (const [k, fill] of fills.entries()) {
      const delta = at(deltas, k);
      if (side !== "BOTH") {
        if (held.lt(0)) return false;
      } else if (!exact(fill.realizedPnl).eq(0)) {
        if (delta.lt(0) ? !held.gt(0) : !held.lt(0)) return false; // P&L: it closed something
      }
      held = held.plus(delta);
    }
    return side === "BOTH" || held.gte(0);
  };
  const last = Math.max(...fills.map((f) => f.time));
  if (snapshot !== undefined && last <= snapshot.time) {
    const { symbol } = at(fills, 0);
    const amount = exact(snapshot.amounts.get(`${symbol}|${side}`) ?? "0");
    const now = side === "SHORT" ? amount.neg() : amount; // positionRisk signs a short negative
    const prior = deltas.reduce((held, d) => held.minus(d), now);
    if (fits(prior)) return prior;
    throw new Unsupported(`${symbol} ${side}: an anchor the fills contradict`);
  }
  if (fits(ZERO)) return ZERO;
  throw new Unsupported(`${at(fills, 0).symbol} ${side}: a PARTIAL start without an anchor`);
}

/** Rebuilds the positions of `fills` (any order, duplicates allowed) by the README's rules. */
export function referenceLedger(
  fills: readonly LedgerFill[],
  inputs: ReferenceInputs = {},
): ReferenceLedger {
  const prices = inputs.prices ?? new Map<string, string>();
  const groups = Map.groupBy(fills, (fill) => `${fill.market}|${fill.symbol}`);
  const funding = Map.groupBy(
    (inputs.income ?? []).filter((record) => record.incomeType === "FUNDING_FEE"),
    (record) => `${record.market}|${record.symbol}`,
  );
  const settlements = Map.groupBy(
    (inputs.income ?? []).filter((record) => record.incomeType === SETTLEMENT),
    (record) => `${record.market}|${record.symbol}`,
  );
  const rounds: [Book, Round][] = [];
  const unattached: IncomeRecord[] = [];
  for (const [key, records] of funding) if (!groups.has(key)) unattached.push(...records);

  for (const [key, group] of groups) {
    // Trade-id order; of a repeated id, the first given counts (a stable sort keeps it first).
    const ordered = [...group].sort((a, b) => compareIds(a.id, b.id))
      .filter((fill, i, all) => i === 0 || at(all, i - 1).id !== fill.id);
    for (let i = 1; i < ordered.length; i++) {
      if (at(ordered, i).time < at(ordered, i - 1).time) {
        throw new Unsupported("time goes back with ids");
      }
    }
    const market = at(ordered, 0).market;
    const delivered = [...settlements.get(key) ?? []].sort((a, b) =>
      a.time - b.time || compareIds(a.tranId, b.tranId)
    );
    const settledFrom = delivered[0]?.time ?? Infinity;
    // Binance's position of a settled symbol is read after its delivery: no anchor.
    const snapshot = settledFrom < Infinity
      ? undefined
      : inputs.snapshots?.find((s) => s.market === market);
    const books = new Map<PositionSide, Book>();
    for (const side of SIDES) {
      const own = ordered.filter((f) => f.positionSide === side);
      if (own.length === 0) continue;
      const evidence = own.filter((f) => f.time < settledFrom);
      const prior = evidence.length === 0 ? ZERO : priorOf(evidence, side, snapshot);
      books.set(side, new Book(market, at(own, 0).symbol, side, prior, at(own, 0), prices));
    }
    // Of one time, funding before settlements.
    const records = [...funding.get(key) ?? [], ...delivered].sort((a, b) =>
      a.time - b.time || Number(a.incomeType === SETTLEMENT) - Number(b.incomeType === SETTLEMENT)
    );
    let next = 0;
    const fundUntil = (time: number) => {
      while (next < records.length && at(records, next).time <= time) {
        const record = at(records, next++);
        if (record.incomeType !== SETTLEMENT) {
          if (!fund(record, books)) unattached.push(record);
          continue;
        }
        const group = [record];
        while (records[next]?.time === record.time) group.push(at(records, next++));
        settle(group, books);
      }
    };
    for (const fill of ordered) {
      fundUntil(fill.time); // a record in the fill's millisecond comes first
      books.get(fill.positionSide)!.apply(fill);
    }
    fundUntil(Infinity);
    for (const book of books.values()) for (const round of book.all()) rounds.push([book, round]);
  }

  const incomeFrom = new Map<Market, number>();
  for (const record of inputs.income ?? []) {
    incomeFrom.set(record.market, Math.min(incomeFrom.get(record.market) ?? Infinity, record.time));
  }
  const positions = rounds.map(([book, round]) => fields(book, round, incomeFrom.get(book.market)));
  positions.sort((a, b) =>
    a.openTime - b.openTime || compareText(a.symbol, b.symbol) ||
    compareText(a.market, b.market) || compareText(a.positionSide, b.positionSide) ||
    compareIds(a.openTradeId, b.openTradeId)
  );
  unattached.sort((a, b) =>
    a.time - b.time || compareText(a.market, b.market) ||
    compareText(a.incomeType, b.incomeType) || compareIds(a.tranId, b.tranId)
  );
  return { positions, unattached };
}

/** Closes the one position open with the settlement `records` of one time, if they fit it. */
function settle(records: readonly IncomeRecord[], books: ReadonlyMap<PositionSide, Book>): void {
  const open = SIDES.map((side) => books.get(side)).filter((b) => b?.open !== undefined);
  if (open.length !== 1 || open[0] === undefined) return;
  const book = open[0];
  if (records.some((r) => r.asset !== book.open?.marginAsset)) return;
  const time = at(records, 0).time;
  const ids = records.map((r) => r.tranId).join(", ");
  const note = `closed by delivery settlement at ${new Date(time).toISOString()} ` +
    `(${SETTLEMENT} tranId ${ids}), no closing fill: exit_vwap left empty`;
  book.settle(time, records.reduce((sum, r) => sum.plus(exact(r.income)), ZERO), note);
}

/** Attaches a funding record to the open positions of its symbol's books; false if it cannot. */
function fund(record: IncomeRecord, books: ReadonlyMap<PositionSide, Book>): boolean {
  const open = SIDES.map((side) => books.get(side)?.open).filter((r) => r !== undefined);
  if (open.length === 0 || open.some((r) => r.marginAsset !== record.asset)) return false;
  const amount = exact(record.income);
  const priced = open.every((r) => r.entryQty.gt(0));
  // Notional at entry: qty × (Σ qty·price / Σ qty); COIN-M qty ÷ (Σ qty / Σ qty/price): the same
  // expression over each market's own notional sum.
  const weights = open.map((r) =>
    priced
      ? Fraction.of(r.held).times(r.entryNotional).div(Fraction.of(r.entryQty))
      : Fraction.of(r.held)
  );
  const total = weights.reduce((a, b) => a.plus(b));
  let given = ZERO;
  open.forEach((round, i) => {
    const part = i === open.length - 1
      ? amount.minus(given)
      : Fraction.of(amount).times(at(weights, i)).div(total).rounded();
    given = given.plus(part);
    round.funding = round.funding.plus(part);
  });
  return true;
}

/** A round as the positions file shows it. */
function fields(book: Book, r: Round, incomeFrom: number | undefined): PositionFields {
  const vwap = (qty: Exact, notional: Fraction) => {
    if (qty.eq(0)) return undefined;
    const q = Fraction.of(qty);
    return (book.market === "coinm" ? q.div(notional) : notional.div(q)).rounded();
  };
  const notes: string[] = [];
  if (r.prior.gt(0)) {
    notes.push(
      `opened before the first fill in the data; ${decimalText(r.prior)} inferred as held then`,
    );
  }
  if (r.settled !== undefined) notes.push(r.settled);
  let converted: Exact | undefined = r.converted;
  if (r.unpriced.size > 0) {
    converted = undefined;
    const missing = [...r.unpriced].sort(([a], [b]) => compareText(a, b))
      .map(([asset, n]) => `${n} ${asset} fee${n === 1 ? "" : "s"}`);
    notes.push(
      `no price in ${r.marginAsset} for ${
        missing.join(", ")
      }: commission_converted and net_pnl left empty`,
    );
  }
  const funding = incomeFrom === undefined ? undefined : r.funding;
  const fundingKnown = incomeFrom !== undefined && r.openTime >= incomeFrom;
  if (incomeFrom !== undefined && !fundingKnown) {
    notes.push(
      `funding before ${
        new Date(incomeFrom).toISOString()
      } is not in the income history: net_pnl left empty`,
    );
  }
  return {
    status: r.prior.gt(0) ? "PARTIAL" : r.closing === undefined ? "OPEN" : "CLOSED",
    symbol: book.symbol,
    direction: r.direction,
    openTime: r.openTime,
    closeTime: r.closing?.time,
    entryQty: r.entryQty,
    entryVwap: vwap(r.entryQty, r.entryNotional),
    realizedPnl: r.pnl,
    commission: r.commission,
    fills: r.fills,
    exitQty: r.exitQty,
    exitVwap: r.settled === undefined ? vwap(r.exitQty, r.exitNotional) : undefined,
    maxQty: r.max,
    positionSide: book.side,
    openTradeId: r.openTradeId,
    closeTradeId: r.closing?.id ?? "",
    openQty: r.held,
    priorQty: r.prior,
    market: book.market,
    marginAsset: r.marginAsset,
    commissionOther: [...r.other].sort(([a], [b]) => compareText(a, b)),
    note: notes.join("; "),
    commissionConverted: converted,
    funding,
    netPnl: converted === undefined || funding === undefined || !fundingKnown
      ? undefined
      : r.pnl.minus(r.commission).minus(converted).plus(funding),
  };
}
