/**
 * Rows on their way into a sorted data file, held a minute, so that an archive's row without an
 * id (its id was made: `madeId`) and the API's row of the same fill or record are one row, the
 * API's. They pair when the API's row is within the archive row's `reach` of it: the second the
 * export printed, or the minute when its time is on a whole minute (an export saved by a
 * spreadsheet prints no seconds; a row printed to the second that falls on `:00` reaches the
 * minute too, and since each row pairs with one row only, the earliest, the API's row of that
 * very second is the one it takes).
 *
 * @module
 */

/** An archive's row without an id is matched with the API's row within its precision. */
const SECOND = 1000;
/** How long rows are held, and the longest reach. */
export const MINUTE = 60_000;

/**
 * How far after its time an archive's row with a made id reaches: a minute for a time on a whole
 * minute (the export may have printed no seconds), else a second.
 */
function reach(time: number): number {
  return time % MINUTE === 0 ? MINUTE : SECOND;
}

/** What the window needs to know of a kind of row. */
export interface TwinRules<T> {
  /** Whether the row is an archive's with a made id. */
  made(row: T): boolean;
  /** What an archive's row and the API's row of the same fill or record share. */
  twin(row: T): string;
  /** A row as a line, with its break. */
  line(row: T): string;
}

/** A row held by {@linkcode TwinWindow}. */
interface Held<T> {
  readonly row: T;
  readonly isNew: boolean;
  /** An archive's row the API's stands for: not written. */
  dropped: boolean;
  /** The API's row that stands for an archive's: it pairs with no other. */
  paired: boolean;
  /** Its list in `waiting`, if it may pair. */
  key?: string;
}

/**
 * Rows on their way out, held a minute, so that an archive's row with a made id and the API's
 * row of the same fill or record within the archive row's `reach` are one row, the API's (one to
 * one, the earliest first).
 */
export class TwinWindow<T extends { time: number; source?: string }> {
  readonly #kind: TwinRules<T>;
  readonly #write: (text: string) => void;
  readonly #held: (Held<T> | undefined)[] = [];
  #head = 0;
  /** Rows that may still pair, in file order: `made|twin` (archive's), `api|twin` (the API's). */
  readonly #waiting = new Map<string, Held<T>[]>();
  readonly #added: T[] = [];
  readonly #removed: T[] = [];

  constructor(kind: TwinRules<T>, write: (text: string) => void) {
    this.#kind = kind;
    this.#write = write;
  }

  /** The next row in file order. */
  push(row: T, isNew: boolean): void {
    while ((this.#held[this.#head]?.row.time ?? Infinity) < row.time - MINUTE) this.#out();
    const kind = this.#kind;
    const entry: Held<T> = { row, isNew, dropped: false, paired: false };
    const made = kind.made(row);
    if (made || row.source !== "archive") {
      const twin = kind.twin(row);
      // Rows come in time order: an API row finds an earlier archive row whose reach it is in;
      // an archive row, an API row of its very millisecond (ids sort the API's first).
      const other = this.#waiting.get(`${made ? "api" : "made"}|${twin}`)?.find((h) =>
        !h.dropped && !h.paired &&
        (made ? h.row.time === row.time : row.time - h.row.time < reach(h.row.time))
      );
      if (other !== undefined) {
        const archive = made ? entry : other;
        (made ? other : entry).paired = true;
        archive.dropped = true;
        if (!archive.isNew) this.#removed.push(archive.row);
      } else {
        entry.key = `${made ? "made" : "api"}|${twin}`;
        const list = this.#waiting.get(entry.key);
        if (list === undefined) this.#waiting.set(entry.key, [entry]);
        else list.push(entry);
      }
    }
    this.#held.push(entry);
  }

  /** Notes a row of the file that another took the place of. */
  removed(row: T): void {
    this.#removed.push(row);
  }

  /** Writes what is held; returns the rows added and removed. */
  end(): { added: T[]; removed: T[] } {
    while (this.#head < this.#held.length) this.#out();
    return { added: this.#added, removed: this.#removed };
  }

  #out(): void {
    const entry = this.#held[this.#head];
    if (entry === undefined) return;
    this.#held[this.#head++] = undefined;
    if (this.#head > 4096 && this.#head * 2 > this.#held.length) {
      this.#held.splice(0, this.#head);
      this.#head = 0;
    }
    if (entry.key !== undefined) {
      // Rows leave in file order, so it is the first of its list.
      const list = this.#waiting.get(entry.key);
      if (list?.[0] === entry) list.shift();
      if (list?.length === 0) this.#waiting.delete(entry.key);
    }
    if (entry.dropped) return;
    if (entry.isNew) this.#added.push(entry.row);
    this.#write(this.#kind.line(entry.row));
  }
}
