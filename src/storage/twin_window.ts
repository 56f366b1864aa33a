/**
 * Rows on their way into a sorted data file, held while they may pair, so that an archive's row
 * without an id (its id was made: `madeId`) and the API's row of the same fill or record are one
 * row, the API's. (Here "the API's row" is any row with Binance's id: an export that printed ids,
 * such as a bulk download, stands for an export without them as the API does.) They pair when the API's row is within the archive row's reach of it: the second
 * the export printed, or the minute when the export printed no seconds (its made id says so:
 * `madeIdReachMs`). Each row pairs with one row only; among several an API row could pair with,
 * it takes the earliest whose other values (a fill's P&L and fee) are its own too, else the
 * earliest: at the edge of what the API serves, an export's row may have no twin.
 *
 * @module
 */

/** The longest reach. */
export const MINUTE = 60_000;

/**
 * A list of held rows whose first `head` entries have left: emptied once all have, cut once they
 * are most of it (a long one), so that it does not grow with the file. Returns the new head.
 *
 * @example
 * ```ts
 * import { dropLeft } from "./twin_window.ts";
 * const held: string[] = ["a", "b", "c"];
 * if (dropLeft(held, 1) !== 1) throw new Error(); // kept: cut once most of a long list has left
 * if (dropLeft(held, 3) !== 0 || held.length > 0) throw new Error(); // all left: emptied
 * ```
 */
export function dropLeft<T>(held: T[], head: number): number {
  if (head === held.length) {
    held.length = 0;
    return 0;
  }
  if (head > 4096 && head * 2 > held.length) {
    held.splice(0, head);
    return 0;
  }
  return head;
}

/** What the window needs to know of a kind of row. */
export interface TwinRules<T> {
  /** Whether the row is an archive's with a made id. */
  made(row: T): boolean;
  /** What an archive's row and the API's row of the same fill or record share. */
  twin(row: T): string;
  /** How far after its time the API's row of an archive's row with a made id can be, ms. */
  reach(row: T): number;
  /** What else the two rows of one fill share, to choose among several twins (may be ""). */
  detail(row: T): string;
  /** A row as a line, with its break. */
  line(row: T): string;
}

/** A row held by {@linkcode TwinWindow}. */
interface Held<T> {
  readonly row: T;
  readonly isNew: boolean;
  /** Given by this write, even where it replaced a row of the file (`key_window.ts`). */
  readonly fresh: boolean;
  /** An archive's row the API's stands for: not written. */
  dropped: boolean;
  /** The API's row that stands for an archive's: it pairs with no other. */
  paired: boolean;
  /** An archive's row with a made id that rows to come may still drop: its twin. */
  waiting?: string;
}

/**
 * Rows on their way out, so that an archive's row with a made id and the API's row of the same
 * fill or record within the archive row's `reach` are one row, the API's (one to one, the earliest
 * first). Rows come in file order, by time, and at one time the API's ids sort first: so an API
 * row finds an earlier archive row whose reach it is in, and an archive row an API row of its very
 * millisecond. Rows leave in order as soon as no row to come can drop them: a file without such
 * archive rows passes straight through.
 */
export class TwinWindow<T extends { time: number; source?: string }> {
  readonly #kind: TwinRules<T>;
  readonly #write: (text: string) => void;
  readonly #held: (Held<T> | undefined)[] = [];
  #head = 0;
  /** The archive's rows still waiting, by twin, in file order. */
  readonly #made = new Map<string, Held<T>[]>();
  /** The API's rows of the last millisecond pushed that no archive row took (twin when known). */
  #apiNow: { held: Held<T>; twin?: string }[] = [];
  readonly #added: T[] = [];
  readonly #removed: T[] = [];

  constructor(kind: TwinRules<T>, write: (text: string) => void) {
    this.#kind = kind;
    this.#write = write;
  }

  /**
   * The next row in file order; `isNew`: not in the file before (counts as added); `fresh`: given
   * by this write (by default, new).
   */
  push(row: T, isNew: boolean, fresh: boolean = isNew): void {
    this.#leave(row.time);
    const kind = this.#kind;
    const entry: Held<T> = { row, isNew, fresh, dropped: false, paired: false };
    if (kind.made(row)) {
      const twin = kind.twin(row);
      const api = this.#best(
        this.#apiNow.filter((a) =>
          !a.held.paired && a.held.row.time === row.time && standsFor(a.held, entry) &&
          (a.twin ??= kind.twin(a.held.row)) === twin
        ).map((a) => a.held),
        row,
      );
      if (api !== undefined) this.#pair(entry, api);
      else {
        entry.waiting = twin;
        const list = this.#made.get(twin);
        if (list === undefined) this.#made.set(twin, [entry]);
        else list.push(entry);
      }
    } else {
      // A row with Binance's id: the API's, or an export's that printed ids (the trade history
      // with Trade ID, a bulk download), which stands for another export's row without one too.
      if (this.#apiNow[0]?.held.row.time !== row.time) this.#apiNow = [];
      let twin: string | undefined;
      if (this.#made.size > 0) {
        twin = kind.twin(row);
        const archive = this.#best(
          (this.#made.get(twin) ?? []).filter((h) =>
            !h.dropped && row.time - h.row.time < kind.reach(h.row) && standsFor(entry, h)
          ),
          row,
        );
        if (archive !== undefined) this.#pair(archive, entry);
      }
      if (!entry.paired) this.#apiNow.push({ held: entry, twin });
    }
    this.#held.push(entry);
    this.#leave(row.time);
  }

  /** Notes a row of the file that another took the place of. */
  removed(row: T): void {
    this.#removed.push(row);
  }

  /** Writes what is held; returns the rows added and removed. */
  end(): { added: T[]; removed: T[] } {
    this.#leave(Infinity);
    return { added: this.#added, removed: this.#removed };
  }

  /** Of `candidates` (in file order), the first with `row`'s detail too, else the first. */
  #best(candidates: readonly Held<T>[], row: T): Held<T> | undefined {
    if (candidates.length < 2) return candidates[0];
    const detail = this.#kind.detail(row);
    return candidates.find((h) => this.#kind.detail(h.row) === detail) ?? candidates[0];
  }

  /** The archive's row `archive` is the API's row `api`: it is not written. */
  #pair(archive: Held<T>, api: Held<T>): void {
    archive.dropped = true;
    api.paired = true;
    if (!archive.isNew) this.#removed.push(archive.row);
  }

  /** Writes the rows at the head that no row from time `now` on can drop. */
  #leave(now: number): void {
    for (;;) {
      const entry = this.#held[this.#head];
      if (entry === undefined) break;
      const { row, waiting } = entry;
      if (waiting !== undefined && !entry.dropped && row.time + this.#kind.reach(row) > now) {
        break;
      }
      this.#held[this.#head++] = undefined;
      if (waiting !== undefined) {
        // Rows leave in file order, so it is the first of its list.
        const list = this.#made.get(waiting);
        if (list?.[0] === entry) list.shift();
        if (list?.length === 0) this.#made.delete(waiting);
      }
      if (entry.dropped) continue;
      if (entry.isNew) this.#added.push(row);
      this.#write(this.#kind.line(row));
    }
    this.#head = dropLeft(this.#held, this.#head);
  }
}

/**
 * Whether `withId`, a row with Binance's id, may stand for `made`, an export's row without one:
 * the API's row always; an export's only if one of the two is given by this write (`fresh`) and
 * the other was in the file, so from another export. (One export may list a fill with its id and
 * an equal one without, e.g. an id a spreadsheet rounded: two fills.)
 */
function standsFor<T extends { source?: string }>(withId: Held<T>, made: Held<T>): boolean {
  return withId.row.source !== "archive" || withId.fresh !== made.fresh;
}
