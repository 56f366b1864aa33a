/**
 * One CSV record's fields as ranges of text, so a reader can check fields in place and copy out
 * only those it keeps. Reading a million rows this way allocates a few strings per row instead of
 * one per field (`BENCHMARKS.md`, "Reading the fills file").
 *
 * @module
 */

/**
 * A record, reused from row to row. {@linkcode RowView.span} points `source`, `from` and `to` at
 * one field (`source.slice(from, to)`), the hot path's way to read a field without copying it.
 */
export class RowView {
  /** After `span(i)`: the string holding field `i`. */
  source = "";
  /** After `span(i)`: where field `i` starts in `source`. */
  from = 0;
  /** After `span(i)`: where field `i` ends in `source`. */
  to = 0;
  #line = "";
  #bounds = new Int32Array(64);
  #fields: readonly string[] | undefined;
  #count = 0;

  /** Views an unquoted line `text[start, end)`; returns its number of fields. */
  setLine(text: string, start: number, end: number): number {
    this.#fields = undefined;
    this.#line = text;
    let count = 0;
    let at = start;
    for (;;) {
      if (2 * count + 2 > this.#bounds.length) this.#grow();
      const comma = text.indexOf(",", at);
      const stop = comma === -1 || comma > end ? end : comma;
      this.#bounds[2 * count] = at;
      this.#bounds[2 * count + 1] = stop;
      count++;
      if (stop === end) break;
      at = stop + 1;
    }
    return this.#count = count;
  }

  /**
   * Points `source`/`from`/`to` at field `i` of the unquoted line `text[start, end)` without
   * viewing the line (the view keeps its record): a glance at one field of a row that may be
   * skipped. A missing field is an empty range.
   */
  peek(text: string, start: number, end: number, i: number): void {
    let at = start;
    for (let k = 0; k < i && at <= end; k++) {
      const comma = text.indexOf(",", at);
      at = comma === -1 || comma >= end ? end + 1 : comma + 1;
    }
    this.source = text;
    if (i < 0 || at > end) {
      this.from = this.to = start;
      return;
    }
    const comma = text.indexOf(",", at);
    this.from = at;
    this.to = comma === -1 || comma > end ? end : comma;
  }

  /** Whether the range `span` or `peek` points at is exactly `word`. */
  spanIs(word: string): boolean {
    return rangeIs(this.source, this.from, this.to, word);
  }

  /** The range `span` or `peek` points at as a string of its own (see {@linkcode copyRange}). */
  spanText(): string {
    return copyRange(this.source, this.from, this.to);
  }

  /** Views fields already split (quoted CSV). */
  setFields(fields: readonly string[]): number {
    this.#fields = fields;
    return this.#count = fields.length;
  }

  /** Points `source`/`from`/`to` at field `i` (a missing field is an empty range). */
  span(i: number): void {
    // Past the range check, `i` is under `#count`, the number of bounds pairs or fields set: the
    // `as` casts only say so to the type checker (noUncheckedIndexedAccess), at no cost.
    if (i < 0 || i >= this.#count) {
      this.source = "";
      this.from = this.to = 0;
    } else if (this.#fields === undefined) {
      this.source = this.#line;
      this.from = this.#bounds[2 * i] as number;
      this.to = this.#bounds[2 * i + 1] as number;
    } else {
      const field = this.#fields[i] as string;
      this.source = field;
      this.from = 0;
      this.to = field.length;
    }
  }

  /** Whether field `i` is empty. */
  empty(i: number): boolean {
    this.span(i);
    return this.to === this.from;
  }

  /** Field `i` as a string of its own (see {@linkcode RowView.spanText}). */
  field(i: number): string {
    this.span(i);
    return this.spanText();
  }

  /** Whether field `i` is exactly `word`, without copying it. */
  is(i: number, word: string): boolean {
    this.span(i);
    return this.spanIs(word);
  }

  #grow(): void {
    const bigger = new Int32Array(this.#bounds.length * 2);
    bigger.set(this.#bounds);
    this.#bounds = bigger;
  }
}

/**
 * `text.slice(from, to)` as a string of its own. V8 makes a slice of 13 or more characters a view
 * that keeps the whole text alive (here a piece of the file), so longer ranges are copied
 * out in short pieces.
 */
export function copyRange(text: string, from: number, to: number): string {
  if (to - from < 13) return text.slice(from, to);
  let copy = "";
  for (let at = from; at < to; at += 12) copy += text.slice(at, Math.min(to, at + 12));
  return copy;
}

/** Whether `text[from, to)` is exactly `word` (a loop: faster than `startsWith` on short words). */
export function rangeIs(text: string, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (text.charCodeAt(from + i) !== word.charCodeAt(i)) return false;
  }
  return true;
}
