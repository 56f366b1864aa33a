/**
 * Deciding the position side of archive trades that do not say it (most export layouts have no
 * `Position Side` column). Pure: the rows in, the sides and a note per inferred row out.
 *
 * The rule:
 * - A row whose file gives its side keeps it.
 * - One-way mode: `BOTH`.
 * - Hedge mode, where each symbol has a LONG book (BUY opens, SELL closes) and a SHORT book (SELL
 *   opens, BUY closes), and only a close realizes P&L:
 *   1. a row that realized P&L closes: a SELL closes LONG, a BUY closes SHORT;
 *   2. a row of an order whose other fills realized P&L closes too (one order acts on one book);
 *   3. a row that realized exactly zero opens (a BUY opens LONG, a SELL opens SHORT) when the
 *      book it could otherwise close is known to hold less than its quantity, or holds it at an
 *      average entry that differs from the row's price at the price's precision (closing there
 *      would have realized P&L);
 *   4. otherwise a zero-P&L row may be a close at exactly the entry price (a break-even stop) as
 *      well as an open: that is ambiguous, and the function refuses with a
 *      {@linkcode PositionSideError} rather than guess.
 *   A book's holdings are known only from a known start: `start: "flat"` (nothing was open
 *   before the first row) or the books open then (`OpenBook`s); a book with an unknown start
 *   makes every zero-P&L row that could close it ambiguous. Books are followed through the rows
 *   in time order (ties by trade id, then as given); the average entry is contract-weighted
 *   (USD-M: Σ qty·price / Σ qty; COIN-M: Σ qty / Σ qty/price) and kept to 18 decimals, which is
 *   only compared with a price rounded to its own precision.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Market, PositionSide } from "../fill.ts";
import { ArchiveError, type ArchiveNote, type ArchiveTrade } from "./types.ts";

/** An account's position mode. */
export type PositionMode = "one-way" | "hedge";

/** A hedge book open before the first row. */
export interface OpenBook {
  /** The market (default: that of the rows of `symbol`). */
  readonly market?: Market;
  /** The contract. */
  readonly symbol: string;
  /** LONG or SHORT. */
  readonly positionSide: "LONG" | "SHORT";
  /** Quantity held, positive. */
  readonly qty: string;
  /** Average entry price. */
  readonly entryPrice: string;
}

/** How to decide. */
export interface SideOptions {
  /** The account's position mode, or each row's (an account may switch mode between trades). */
  readonly mode: PositionMode | ((trade: ArchiveTrade) => PositionMode);
  /**
   * The hedge books before the first row: `"flat"`, or the books open then (others flat);
   * default: unknown.
   */
  readonly start?: "flat" | readonly OpenBook[];
}

/** A hedge-mode row whose side the evidence does not settle. */
export class PositionSideError extends ArchiveError {}

interface Book {
  known: boolean;
  qty: Decimal;
  cost: Decimal;
  inverse: Decimal;
}

const PLACES = 18;

/**
 * Every trade with its position side, in the order given, and a note for each one inferred.
 *
 * @throws {PositionSideError} for a hedge-mode row that may be either an open or a close, or a
 * close of more than a known book holds.
 */
export function decidePositionSides(
  trades: readonly ArchiveTrade[],
  options: SideOptions,
): { trades: ArchiveTrade[]; notes: ArchiveNote[] } {
  const modeOf = typeof options.mode === "function" ? options.mode : () => options.mode;
  const out: ArchiveTrade[] = trades.slice();
  const notes: ArchiveNote[] = [];
  const books = startBooks(options.start);
  const closingOrders = new Map<string, PositionSide>();
  for (const t of trades) {
    if (t.positionSide === undefined && t.orderId !== undefined && isNonZero(t.realizedPnl)) {
      closingOrders.set(orderKey(t), t.side === "BUY" ? "SHORT" : "LONG");
    }
  }
  for (const [i, t] of timeOrder(trades)) {
    let side = t.positionSide;
    if (side === undefined) {
      if (modeOf(t) === "one-way") side = "BOTH";
      else {
        const decided = inferHedgeSide(t, books, closingOrders);
        side = decided.side;
        notes.push({ source: t.source, line: t.line, message: decided.note });
      }
      out[i] = { ...t, positionSide: side };
    }
    if (side !== "BOTH") follow(books, t, side);
  }
  return { trades: out, notes };
}

function inferHedgeSide(
  t: ArchiveTrade,
  books: Map<string, Book>,
  closingOrders: Map<string, PositionSide>,
): { side: PositionSide; note: string } {
  const closeSide = t.side === "BUY" ? "SHORT" : "LONG";
  const openSide = t.side === "BUY" ? "LONG" : "SHORT";
  if (isNonZero(t.realizedPnl)) {
    return { side: closeSide, note: `${t.side} closes ${closeSide}: it realized P&L` };
  }
  const order = t.orderId === undefined ? undefined : closingOrders.get(orderKey(t));
  if (order !== undefined) {
    return { side: order, note: `closes ${order}: other fills of order ${t.orderId} realized P&L` };
  }
  const book = bookOf(books, t, closeSide);
  const what = `this ${t.side} of ${t.qty} ${t.symbol} at ${t.price} realized no P&L`;
  if (!book.known) {
    throw new PositionSideError(
      t.source,
      `${what}: it opened ${openSide}, or closed ${closeSide} at its entry price, and the ` +
        `${closeSide} book before the file is unknown. If no position of the file's symbols was ` +
        "open before its first row, run again with --flat-start; otherwise import an export " +
        "with a Position Side column",
      t.line,
      "Position Side",
    );
  }
  const qty = Decimal.parse(t.qty);
  if (book.qty.cmp(qty) < 0) {
    return {
      side: openSide,
      note: `${t.side} opens ${openSide}: no P&L, and the ${closeSide} book holds ${book.qty}, ` +
        `less than ${t.qty}`,
    };
  }
  const price = Decimal.parse(t.price);
  const entry = average(book, t.market).round(price.s);
  if (!entry.eq(price)) {
    return {
      side: openSide,
      note: `${t.side} opens ${openSide}: no P&L, and closing ${closeSide} (entry ${entry}) at ` +
        `${t.price} would have realized some`,
    };
  }
  throw new PositionSideError(
    t.source,
    `${what}: it opened ${openSide}, or closed ${closeSide} at its entry price ${entry}; the ` +
      "file cannot tell which",
    t.line,
    "Position Side",
  );
}

/** Applies the row to its book. */
function follow(books: Map<string, Book>, t: ArchiveTrade, side: "LONG" | "SHORT"): void {
  const book = bookOf(books, t, side);
  if (!book.known) return;
  const qty = Decimal.parse(t.qty);
  const price = Decimal.parse(t.price);
  const opens = (side === "LONG") === (t.side === "BUY");
  if (opens) {
    book.qty = book.qty.plus(qty);
    book.cost = book.cost.plus(qty.times(price));
    book.inverse = book.inverse.plus(qty.div(price, PLACES));
    return;
  }
  if (book.qty.cmp(qty) < 0) {
    throw new PositionSideError(
      t.source,
      `this ${t.side} closes ${t.qty} of ${side} ${t.symbol}, but the book holds only ` +
        `${book.qty} (the books given for the start do not match the file)`,
      t.line,
    );
  }
  const left = book.qty.minus(qty);
  book.cost = left.isZero() ? Decimal.ZERO : book.cost.times(left).div(book.qty, PLACES);
  book.inverse = left.isZero() ? Decimal.ZERO : book.inverse.times(left).div(book.qty, PLACES);
  book.qty = left;
}

function average(book: Book, market: Market): Decimal {
  return market === "coinm" ? book.qty.div(book.inverse, PLACES) : book.cost.div(book.qty, PLACES);
}

const FLAT = "*";

function startBooks(start: SideOptions["start"]): Map<string, Book> {
  const books = new Map<string, Book>();
  if (start === undefined) return books;
  books.set(FLAT, flatBook());
  if (start === "flat") return books;
  for (const open of start) {
    const qty = Decimal.parse(open.qty);
    const entry = Decimal.parse(open.entryPrice);
    books.set(bookKey(open.market, open.symbol, open.positionSide), {
      known: true,
      qty,
      cost: qty.times(entry),
      inverse: qty.div(entry, PLACES),
    });
  }
  return books;
}

/** The book of `t`'s symbol on `side`, made from the start state when first seen. */
function bookOf(books: Map<string, Book>, t: ArchiveTrade, side: string): Book {
  const key = bookKey(t.market, t.symbol, side);
  let book = books.get(key);
  if (book === undefined) {
    const start = books.get(bookKey(undefined, t.symbol, side)) ?? books.get(FLAT);
    book = start === undefined ? unknownBook() : { ...start };
    books.set(key, book);
  }
  return book;
}

function bookKey(market: Market | undefined, symbol: string, side: string): string {
  return `${market ?? "?"}|${symbol}|${side}`;
}

function flatBook(): Book {
  return { known: true, qty: Decimal.ZERO, cost: Decimal.ZERO, inverse: Decimal.ZERO };
}

function unknownBook(): Book {
  return { known: false, qty: Decimal.ZERO, cost: Decimal.ZERO, inverse: Decimal.ZERO };
}

function orderKey(t: ArchiveTrade): string {
  return `${t.market}|${t.symbol}|${t.orderId}`;
}

function isNonZero(decimal: string): boolean {
  return /[1-9]/.test(decimal);
}

/** `trades` with their indices, by time, then trade id, then position. */
function timeOrder(trades: readonly ArchiveTrade[]): [number, ArchiveTrade][] {
  return [...trades.entries()].sort(([a, x], [b, y]) => {
    if (x.time !== y.time) return x.time - y.time;
    if (x.id !== undefined && y.id !== undefined && x.id !== y.id) {
      return x.id.length - y.id.length || (x.id < y.id ? -1 : 1);
    }
    return a - b;
  });
}
