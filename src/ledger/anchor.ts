/**
 * Anchors: what Binance said each book held at one moment (`positionRisk`). With one, the ledger
 * knows exactly what a book held before its first fill in the data — the anchor minus what the
 * fills did — instead of inferring it (see `prior_quantity.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { Market, PositionSide } from "../fill.ts";
import type { PriorInference } from "./prior_quantity.ts";

/** What one book held at `time`. */
export interface BookAnchor {
  /** Signed as `positionRisk` signs it: a short is negative. */
  readonly amount: Decimal;
  /** When it was read, ms. Fills of the book after it make it unusable for that book. */
  readonly time: number;
}

/**
 * Binance's open positions of one market at one moment: `SYMBOL|positionSide` → signed amount;
 * a book of the market that is absent was flat.
 */
export interface PositionSnapshot {
  /** The market it covers. */
  readonly market: Market;
  /** When it was read, ms. */
  readonly time: number;
  /** Non-zero positions. */
  readonly amounts: ReadonlyMap<string, Decimal>;
}

/** The anchor of one book from the snapshots, if one covers its market. */
export function anchorOf(
  snapshots: readonly PositionSnapshot[],
  market: Market,
  symbol: string,
  positionSide: PositionSide,
): BookAnchor | undefined {
  const snapshot = snapshots.find((s) => s.market === market);
  if (snapshot === undefined) return undefined;
  const amount = snapshot.amounts.get(`${symbol}|${positionSide}`) ?? Decimal.ZERO;
  return { amount, time: snapshot.time };
}

/** What {@linkcode priorFromAnchor} reads of a book. */
export interface AnchoredBook {
  /** Its position side: a SHORT hedge book counts a short positive. */
  readonly key: { readonly positionSide: PositionSide };
  /** What its fills showed (first pass). */
  readonly evidence: Pick<PriorInference, "total" | "fits">;
  /** Time of its last fill, ms. */
  readonly lastTime: number;
}

/**
 * What `book` held before its first fill in the data according to `anchor` — the anchor minus
 * what its fills did — if the anchor was read no earlier than its last fill and that quantity
 * fits what its fills showed; else `undefined`.
 */
export function priorFromAnchor(
  anchor: BookAnchor | undefined,
  book: AnchoredBook,
): Decimal | undefined {
  const { positionSide } = book.key;
  if (anchor === undefined || book.lastTime > anchor.time) return undefined;
  // positionRisk signs a short negative; a SHORT hedge book counts it positive.
  const now = positionSide === "SHORT" ? anchor.amount.neg() : anchor.amount;
  const held = now.minus(book.evidence.total());
  return book.evidence.fits(held) ? held.normalize() : undefined;
}

/** A {@linkcode PositionSnapshot} as plain data (amounts as exact text), to save or send. */
export interface SavedSnapshot {
  /** The market it covers. */
  readonly market: Market;
  /** When it was read, ms. */
  readonly time: number;
  /** `SYMBOL|positionSide` → signed amount. */
  readonly amounts: Readonly<Record<string, string>>;
}

/** A snapshot as data. */
export function saveSnapshot(snapshot: PositionSnapshot): SavedSnapshot {
  const amounts: Record<string, string> = {};
  for (const [key, amount] of snapshot.amounts) amounts[key] = amount.toString();
  return { market: snapshot.market, time: snapshot.time, amounts };
}

/** The snapshot of saved data. @throws {DecimalSyntaxError} for an amount that is not one. */
export function restoreSnapshot(saved: SavedSnapshot): PositionSnapshot {
  const amounts = new Map<string, Decimal>();
  for (const [key, amount] of Object.entries(saved.amounts)) {
    amounts.set(key, Decimal.parse(amount));
  }
  return { market: saved.market, time: saved.time, amounts };
}
