/**
 * A streaming RFC 4180 CSV parser: comma-separated, `"`-quoted fields with `""` escapes, quoted
 * fields may hold commas and line breaks, records end with LF or CRLF, a UTF-8 BOM is dropped,
 * blank lines are skipped.
 *
 * Why not `npm:csv-parse`: it reads 1,000,000 fills in about 6 s, more than the whole budget of
 * the `positions` command (see `BENCHMARKS.md`, "CSV"); this parser is checked against it by a
 * property test (`tests/csv_test.ts`).
 *
 * @module
 */

/** Thrown for text that is not well-formed CSV. */
export class CsvSyntaxError extends Error {
  /** 1-based physical line of the problem. */
  readonly line: number;
  /** What is wrong, without the line. */
  readonly problem: string;
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = "CsvSyntaxError";
    this.line = line;
    this.problem = problem;
  }
}

/** Receives each record's fields and the 1-based line it starts on. */
export type RecordHandler = (fields: string[], line: number) => void;

/**
 * Receives a record without quotes as the range `text[start, end)` of its line (no line break),
 * before it is split; returns `true` if it handled the record, `false` to have it split and given
 * to the {@linkcode RecordHandler} instead. Lets a reader skip creating one string per field.
 * `ascii`, when given, is `text` as bytes, one per character (the text is ASCII): byte work such
 * as a checksum can read it instead of the string.
 */
export type LineHandler = (
  text: string,
  start: number,
  end: number,
  line: number,
  ascii: Uint8Array | undefined,
) => boolean;

interface Parsed {
  fields: string[];
  next: number;
  lineBreaks: number;
}

/** Push text in (any chunking), get records out through the handler; call `end()` last. */
export class CsvParser {
  readonly #onRecord: RecordHandler;
  readonly #onLine: LineHandler | undefined;
  #buffer = "";
  #line = 1;
  #started = false;
  readonly #requireLineBreak: boolean;

  /**
   * A parser that hands each record to `onLine` (if given and it accepts it) or `onRecord`. With
   * `requireLineBreak`, text whose last record has no line break after it (a file cut short ends
   * so) is a {@linkcode CsvSyntaxError} at that record, before it is handed on.
   */
  constructor(onRecord: RecordHandler, onLine?: LineHandler, requireLineBreak = false) {
    this.#onRecord = onRecord;
    this.#onLine = onLine;
    this.#requireLineBreak = requireLineBreak;
  }

  /**
   * Parses as many complete records of `text` (appended to what came before) as possible.
   * `bytes`: its UTF-8 encoding, if at hand (handed on as `LineHandler`'s `ascii` when the text
   * is ASCII and nothing came before).
   */
  push(text: string, bytes?: Uint8Array): void {
    const ascii = this.#buffer === "" && bytes?.length === text.length ? bytes : undefined;
    this.#buffer += text;
    this.#drain(false, ascii);
  }

  /** Parses the rest. @throws {CsvSyntaxError} e.g. for a quote left open at the end. */
  end(): void {
    this.#drain(true);
  }

  #drain(final: boolean, ascii?: Uint8Array): void {
    let buf = this.#buffer;
    if (!this.#started && buf.length > 0) {
      this.#started = true;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }
    let pos = 0;
    let quote = buf.indexOf('"');
    while (pos < buf.length) {
      const newline = buf.indexOf("\n", pos);
      if (newline === -1 && !final) break;
      const end = newline === -1 ? buf.length : newline;
      if (quote !== -1 && quote < pos) quote = buf.indexOf('"', pos);
      if (quote === -1 || quote > end) {
        const stop = end > pos && buf.charCodeAt(end - 1) === 13 ? end - 1 : end;
        if (newline === -1 && end > pos) this.#unterminated(this.#line);
        if (stop > pos && !this.#onLine?.(buf, pos, stop, this.#line, ascii)) {
          this.#onRecord(buf.slice(pos, stop).split(","), this.#line);
        }
        this.#line++;
        pos = end + 1;
        continue;
      }
      const parsed = parseRecord(buf, pos, final, this.#line);
      if (parsed === undefined) break;
      if (parsed.next >= buf.length && buf.charCodeAt(buf.length - 1) !== 10) {
        this.#unterminated(this.#line + parsed.lineBreaks - 1);
      }
      this.#onRecord(parsed.fields, this.#line);
      this.#line += parsed.lineBreaks;
      pos = parsed.next;
    }
    this.#buffer = buf.slice(pos);
  }

  #unterminated(line: number): void {
    if (!this.#requireLineBreak) return;
    throw new CsvSyntaxError(
      line,
      "the file ends in the middle of this line (no line break after it): it was cut short",
    );
  }
}

/** The general path: one record with quotes; `undefined` when more text is needed. */
function parseRecord(buf: string, start: number, final: boolean, line: number): Parsed | undefined {
  const fields: string[] = [];
  let lineBreaks = 0;
  let i = start;
  for (;;) {
    let value: string;
    if (buf[i] === '"') {
      value = "";
      i++;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q === -1 || (q + 1 === buf.length && !final)) {
          if (final) throw new CsvSyntaxError(line + lineBreaks, "a quoted field is never closed");
          return undefined;
        }
        const part = buf.slice(i, q);
        lineBreaks += countLineBreaks(part);
        value += part;
        if (buf[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        value += '"';
        i = q + 2;
      }
    } else {
      let j = i;
      while (j < buf.length && buf[j] !== "," && buf[j] !== "\n") j++;
      value = buf.slice(i, j);
      if (j < buf.length && buf[j] === "\n" && value.endsWith("\r")) value = value.slice(0, -1);
      if (value.includes('"')) {
        throw new CsvSyntaxError(line + lineBreaks, 'a field has a quote (") but is not quoted');
      }
      i = j;
    }
    fields.push(value);
    if (i >= buf.length) {
      if (!final) return undefined;
      return { fields, next: i, lineBreaks: lineBreaks + 1 };
    }
    const c = buf[i];
    if (c === ",") {
      i++;
      continue;
    }
    if (c === "\n") return { fields, next: i + 1, lineBreaks: lineBreaks + 1 };
    if (c === "\r" && i + 1 === buf.length && !final) return undefined;
    if (c === "\r" && (buf[i + 1] === "\n" || i + 1 === buf.length)) {
      return { fields, next: i + 2, lineBreaks: lineBreaks + 1 };
    }
    throw new CsvSyntaxError(line + lineBreaks, "unexpected text after a closing quote");
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
