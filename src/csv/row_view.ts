/**
 * One CSV record's fields as ranges of text, so a reader can check fields in place and copy out
 * only those it keeps. Reading a million rows this way allocates a few strings per row instead of
 * one per field (`BENCHMARKS.md`, "Reading the fills file").
 *
 * @module
 */

/** A record: field `i` is `text(i).slice(start(i), end(i))`. Reused from row to row. */
export class RowView {
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

  /** Views fields already split (quoted CSV). */
  setFields(fields: readonly string[]): number {
    this.#fields = fields;
    return this.#count = fields.length;
  }

  /** Number of fields. */
  get count(): number {
    return this.#count;
  }

  /** The string holding field `i` (a missing field is an empty range of `""`). */
  text(i: number): string {
    if (i < 0 || i >= this.#count) return "";
    return this.#fields === undefined ? this.#line : this.#fields[i];
  }

  /** Where field `i` starts in {@linkcode RowView.text}. */
  start(i: number): number {
    if (i < 0 || i >= this.#count) return 0;
    return this.#fields === undefined ? this.#bounds[2 * i] : 0;
  }

  /** Where field `i` ends in {@linkcode RowView.text}. */
  end(i: number): number {
    if (i < 0 || i >= this.#count) return 0;
    return this.#fields === undefined ? this.#bounds[2 * i + 1] : this.#fields[i].length;
  }

  /**
   * Field `i` as a string of its own. V8 makes a slice of 13 or more characters a view that
   * keeps the whole text alive (here a 1 MiB chunk of the file), so longer fields are copied
   * out in short pieces.
   */
  field(i: number): string {
    const text = this.text(i);
    const end = this.end(i);
    let at = this.start(i);
    if (end - at < 13) return text.slice(at, end);
    let copy = "";
    for (; at < end; at += 12) copy += text.slice(at, Math.min(end, at + 12));
    return copy;
  }

  /** Whether field `i` is exactly `word`, without copying it. */
  is(i: number, word: string): boolean {
    const start = this.start(i);
    return this.end(i) - start === word.length && this.text(i).startsWith(word, start);
  }

  #grow(): void {
    const bigger = new Int32Array(this.#bounds.length * 2);
    bigger.set(this.#bounds);
    this.#bounds = bigger;
  }
}
