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
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

/** Receives each record's fields and the 1-based line it starts on. */
export type RecordHandler = (fields: string[], line: number) => void;

/**
 * Receives a record without quotes as the range `text[start, end)` of its line (no line break),
 * before it is split; returns `true` if it handled the record, `false` to have it split and given
 * to the {@linkcode RecordHandler} instead. Lets a reader skip creating one string per field.
 */
export type LineHandler = (text: string, start: number, end: number, line: number) => boolean;

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

  /** A parser that hands each record to `onLine` (if given and it accepts it) or `onRecord`. */
  constructor(onRecord: RecordHandler, onLine?: LineHandler) {
    this.#onRecord = onRecord;
    this.#onLine = onLine;
  }

  /** Parses as many complete records of `text` (appended to what came before) as possible. */
  push(text: string): void {
    this.#buffer += text;
    this.#drain(false);
  }

  /** Parses the rest. @throws {CsvSyntaxError} e.g. for a quote left open at the end. */
  end(): void {
    this.#drain(true);
  }

  #drain(final: boolean): void {
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
        if (stop > pos && !this.#onLine?.(buf, pos, stop, this.#line)) {
          this.#onRecord(buf.slice(pos, stop).split(","), this.#line);
        }
        this.#line++;
        pos = end + 1;
        continue;
      }
      const parsed = parseRecord(buf, pos, final, this.#line);
      if (parsed === undefined) break;
      this.#onRecord(parsed.fields, this.#line);
      this.#line += parsed.lineBreaks;
      pos = parsed.next;
    }
    this.#buffer = buf.slice(pos);
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

/**
 * Streams a UTF-8 CSV file through {@linkcode CsvParser}.
 *
 * @throws {CsvSyntaxError} for malformed CSV; `TypeError` for bytes that are not UTF-8.
 */
export async function parseCsvFile(
  path: string,
  onRecord: RecordHandler,
  onLine?: LineHandler,
): Promise<void> {
  const parser = new CsvParser(onRecord, onLine);
  using file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // Whole lines are decoded at a time (a line break is one byte, never inside a UTF-8
  // sequence), so that each piece of text is one flat string: a partial line joined to the
  // next chunk as text would make V8 keep the chunk as a pair of strings, slower to read.
  let chunk = new Uint8Array(1 << 20);
  let carried = 0; // bytes of an unfinished line at the start of `chunk`
  for (;;) {
    if (carried === chunk.length) { // a line longer than the chunk
      const bigger = new Uint8Array(chunk.length * 2);
      bigger.set(chunk);
      chunk = bigger;
    }
    const n = await file.read(chunk.subarray(carried));
    if (n === null) break;
    const filled = carried + n;
    const lines = chunk.subarray(0, filled).lastIndexOf(10) + 1;
    if (lines > 0) parser.push(decoder.decode(chunk.subarray(0, lines), { stream: true }));
    chunk.copyWithin(0, lines, filled);
    carried = filled - lines;
  }
  parser.push(decoder.decode(chunk.subarray(0, carried)));
  parser.end();
}
