/**
 * Rows on their way into a sorted data file, held a minute, so that two rows of one fill (or one
 * income record) — the same key: market, symbol and trade id; market, type and transaction id —
 * at different times are one row. An export prints a fill's time to the second, or to the minute
 * once a spreadsheet saved it, where the API gives its millisecond: the same trade id arrives at
 * up to a minute apart, and a merge that replaced a row only by the one next to it in file order
 * kept both whenever another row fell between them.
 *
 * Of two rows of one key, the one kept is:
 * - the API's over an archive's (Binance's exact time and text);
 * - of two archive rows, the later: both are Binance's time cut short, so the later is cut less;
 * - of two API rows, the one fetched now over the file's, else the later.
 *
 * Rows of one key more than a minute apart are not merged here: an import refuses an id the files
 * hold that far away (`src/archive/known_ids.ts`: its time zone is wrong), and the API gives a
 * fill one time only.
 *
 * @module
 */

import { dropLeft, MINUTE } from "./twin_window.ts";

/** Where the rows go on, in file order. */
export interface RowSink<T> {
  /**
   * The next row kept; `isNew`: not in the file before (to count as added); `fresh`: given by this
   * write, even where it replaces a row of the file (and so is not new).
   */
  push(row: T, isNew: boolean, fresh: boolean): void;
  /** A row of the file that another row of its key took the place of. */
  removed(row: T): void;
}

/** A row held by {@linkcode KeyWindow}. */
interface Held<T> {
  readonly row: T;
  readonly key: string;
  isNew: boolean;
  /** Given by this write (`isNew` as pushed). */
  readonly fresh: boolean;
  dropped: boolean;
}

/**
 * Rows in file order, passed on to `next` in the same order once no row to come can share their
 * key within a minute; of two rows of one key, one only (see the module's rules).
 *
 * @example
 * ```ts
 * import { KeyWindow } from "./key_window.ts";
 * type Row = { time: number; id: string; source: string };
 * const kept: string[] = [];
 * const removed: string[] = [];
 * const window = new KeyWindow<Row>((r) => r.id, {
 *   push: (r) => void kept.push(`${r.id}@${r.time}`),
 *   removed: (r) => void removed.push(`${r.id}@${r.time}`),
 * });
 * window.push({ time: 7_000, id: "11", source: "archive" }, false); // the file's, to the second
 * window.push({ time: 7_100, id: "12", source: "api" }, true);
 * window.push({ time: 7_700, id: "11", source: "api" }, true); // the API's row of trade 11
 * window.end();
 * if (kept.join() !== "12@7100,11@7700" || removed.join() !== "11@7000") throw new Error();
 * ```
 */
export class KeyWindow<T extends { time: number; source?: string }> {
  readonly #key: (row: T) => string;
  readonly #next: RowSink<T>;
  readonly #held: (Held<T> | undefined)[] = [];
  #head = 0;
  /** The rows held, by key. */
  readonly #byKey = new Map<string, Held<T>>();

  /** `key`: a row's identity; `next`: where the rows go on. */
  constructor(key: (row: T) => string, next: RowSink<T>) {
    this.#key = key;
    this.#next = next;
  }

  /** The next row in file order; `isNew`: not in the file before. */
  push(row: T, isNew: boolean): void {
    const fresh = isNew;
    this.#leave(row.time);
    const key = this.#key(row);
    const earlier = this.#byKey.get(key);
    if (earlier !== undefined) {
      if (!keepsLater(earlier, row, fresh)) {
        // The row of the file that this one was: it stands, and is not new.
        if (!isNew) {
          this.#next.removed(row);
          earlier.isNew = false;
        }
        return;
      }
      earlier.dropped = true;
      this.#byKey.delete(key);
      if (!earlier.isNew) {
        this.#next.removed(earlier.row);
        isNew = false;
      }
    }
    const entry: Held<T> = { row, key, isNew, fresh, dropped: false };
    this.#held.push(entry);
    this.#byKey.set(key, entry);
  }

  /** Passes on what is held. */
  end(): void {
    this.#leave(Infinity);
  }

  /** Passes on the rows at the head that no row from time `now` on can share a key with. */
  #leave(now: number): void {
    for (;;) {
      const entry = this.#held[this.#head];
      if (entry === undefined || (!entry.dropped && now - entry.row.time < MINUTE)) break;
      this.#held[this.#head++] = undefined;
      if (entry.dropped) continue;
      this.#byKey.delete(entry.key);
      this.#next.push(entry.row, entry.isNew, entry.fresh);
    }
    this.#head = dropLeft(this.#held, this.#head);
  }
}

/** Whether, of two rows of one key, the later (`row`, `fresh` or not) is kept over `earlier`. */
function keepsLater<T extends { source?: string }>(
  earlier: Held<T>,
  row: T,
  fresh: boolean,
): boolean {
  const earlierApi = earlier.row.source !== "archive";
  const laterApi = row.source !== "archive";
  if (earlierApi !== laterApi) return laterApi;
  if (laterApi && earlier.fresh !== fresh) return fresh;
  return true;
}

/**
 * Counts the rows, in file order, whose key a row up to a minute earlier had (`thorough`), or the
 * row just before (not `thorough`: a line pasted twice, at no cost per row): the rows a merge
 * through {@linkcode KeyWindow} would leave out. Thorough, it holds a minute of rows, found by
 * their id (a string the row has); `same` tells whether two rows of one id are of one key. Of
 * two keys with one id within a minute (trade ids are per symbol), only the later is looked for.
 *
 * @example
 * ```ts
 * import { RepeatedKeys } from "./key_window.ts";
 * type Row = { time: number; id: string; symbol: string };
 * const rows: Row[] = [
 *   { time: 0, id: "1", symbol: "BTCUSDT" },
 *   { time: 500, id: "1", symbol: "ETHUSDT" }, // another symbol's trade 1
 *   { time: 600, id: "2", symbol: "ETHUSDT" },
 *   { time: 700, id: "1", symbol: "ETHUSDT" }, // ETHUSDT's trade 1 again, a row between
 *   { time: 700, id: "1", symbol: "ETHUSDT" }, // and again, just after
 *   { time: 90_000, id: "1", symbol: "ETHUSDT" }, // a minute later: not counted
 * ];
 * const count = (thorough: boolean) => {
 *   const repeated = new RepeatedKeys<Row>((r) => r.id, (a, b) => a.symbol === b.symbol, thorough);
 *   for (const row of rows) repeated.note(row);
 *   return repeated.count;
 * };
 * if (count(true) !== 2 || count(false) !== 1) throw new Error();
 * ```
 */
export class RepeatedKeys<T extends { time: number }> {
  readonly #id: (row: T) => string;
  readonly #same: (a: T, b: T) => boolean;
  readonly #thorough: boolean;
  /** The last row of each id of the last minute. */
  readonly #seen = new Map<string, T>();
  /** The rows of the last minute from `#head` on; those before are let go (not kept alive). */
  readonly #queue: (T | undefined)[] = [];
  #head = 0;
  #last: T | undefined;
  /** Rows whose key a row up to a minute earlier had. */
  count = 0;

  /**
   * `id`: a string of the row's key; `same`: whether two rows of one id are of one key;
   * `thorough`: a minute back, not only the row before.
   */
  constructor(id: (row: T) => string, same: (a: T, b: T) => boolean, thorough: boolean) {
    this.#id = id;
    this.#same = same;
    this.#thorough = thorough;
  }

  /** The next row in file order. */
  note(row: T): void {
    if (!this.#thorough) {
      const last = this.#last;
      if (
        last !== undefined && row.time - last.time < MINUTE && this.#id(last) === this.#id(row) &&
        this.#same(last, row)
      ) {
        this.count++;
      }
      this.#last = row;
      return;
    }
    const queue = this.#queue;
    for (let old = queue[this.#head]; old !== undefined; old = queue[this.#head]) {
      if (row.time - old.time < MINUTE) break;
      const id = this.#id(old);
      if (this.#seen.get(id) === old) this.#seen.delete(id);
      queue[this.#head++] = undefined;
    }
    this.#head = dropLeft(queue, this.#head);
    const id = this.#id(row);
    const before = this.#seen.get(id);
    if (before !== undefined && this.#same(before, row)) this.count++;
    this.#seen.set(id, row);
    this.#queue.push(row);
  }
}
