/**
 * Reading the project's CSV data files: the header row, then the records. Every problem becomes
 * a {@linkcode DataFileError} naming the file and line (and, from the reader, the field); nothing
 * is skipped silently.
 *
 * @module
 */

import { type ByteRange, parseCsvFile } from "../csv/csv_file.ts";
import { CsvSyntaxError, type LineHandler } from "../csv/parser.ts";
import { missingColumnsMessage } from "./missing_columns.ts";

/** A file that cannot be read as intended; the message names the file, line and field. */
export class DataFileError extends Error {
  /** The file. */
  readonly path: string;
  /** 1-based line, or 0 when the problem is the file as a whole. */
  readonly line: number;
  /** What is wrong, without the file and line. */
  readonly problem: string;
  constructor(path: string, line: number, problem: string) {
    super(`${path}${line > 0 ? `:${line}` : ""}: ${problem}`);
    this.problem = problem;
    this.name = "DataFileError";
    this.path = path;
    this.line = line;
  }
}

/** What a reader does with a data file's rows. */
export interface DataFileReader {
  /** The header row (already checked: no column named twice). */
  header(fields: string[], line: number): void;
  /** Each record after the header (already checked: exactly the header's number of fields). */
  record(fields: string[], line: number): void;
  /**
   * Optional fast path: an unquoted record as a line range (see `LineHandler`), given before its
   * fields are counted: a handler that takes the record must itself make sure it has exactly the
   * header's number of fields.
   */
  line?: LineHandler;
}

/**
 * Streams a data file through `reader`, strictly: the header names each column once, every record
 * has exactly the header's number of fields, and the file ends with a line break (a file cut
 * short ends in the middle of a row). With `range`, only the header and the lines of that byte
 * range are read (see `parseCsvFile`: their line numbers are not the file's).
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for malformed CSV, bytes that are not UTF-8, a column named twice, a
 *   record with too few or too many fields, a last line without its line break, or a file
 *   without a header (and whatever the reader throws).
 */
export async function readDataFile(
  path: string,
  reader: DataFileReader,
  range?: ByteRange,
): Promise<void> {
  let columns = -1;
  const onRecord = (fields: string[], line: number) => {
    if (columns >= 0) {
      if (fields.length !== columns) throw fieldCountError(path, line, fields.length, columns);
      return reader.record(fields, line);
    }
    const twice = fields.find((name, i) => fields.indexOf(name) !== i);
    if (twice !== undefined) {
      throw new DataFileError(path, line, `the header names column "${twice}" twice`);
    }
    columns = fields.length;
    reader.header(fields, line);
  };
  const fast = reader.line;
  const onLine: LineHandler | undefined = fast === undefined
    ? undefined
    : (text, start, end, line, ascii) => columns >= 0 && fast(text, start, end, line, ascii);
  try {
    await parseCsvFile(path, onRecord, onLine, true, range);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new DataFileError(path, error.line, error.problem);
    throw error;
  }
  if (columns < 0) throw new DataFileError(path, 0, "is empty (expected a header row)");
}

/** The error of a record whose number of fields is not the header's. */
export function fieldCountError(
  path: string,
  line: number,
  found: number,
  expected: number,
): DataFileError {
  const what = found < expected ? "a row cut short, or a field lost" : "a stray comma?";
  return new DataFileError(
    path,
    line,
    `has ${found} field${found === 1 ? "" : "s"}, the header has ${expected} (${what})`,
  );
}

/**
 * Each column's position by name, from a header row. Columns other than `known` are allowed (a
 * column the user added), but not one that is a single character away from a `known` column the
 * header lacks: that is a damaged header (see {@linkcode checkColumnNames}).
 *
 * @throws {DataFileError} at `line` when a `required` column is missing or the header is damaged.
 */
export function columnsOf(
  path: string,
  line: number,
  header: readonly string[],
  required: readonly string[],
  known: readonly string[],
): Map<string, number> {
  checkColumnNames(path, line, header, known);
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new DataFileError(path, line, missingColumnsMessage(header, missing));
  }
  return index;
}

/**
 * Refuses a header with a column one character away (one added, lost or changed) from a `known`
 * column it lacks: a damaged header, which would otherwise be read as a column the user added
 * while the known one reads as missing — and a lost `crc32` column as a file without checks.
 *
 * @throws {DataFileError} at `line`, naming the column found and the one expected.
 */
export function checkColumnNames(
  path: string,
  line: number,
  header: readonly string[],
  known: readonly string[],
): void {
  for (const found of header) {
    if (known.includes(found)) continue;
    const meant = known.find((k) => !header.includes(k) && oneEditApart(found, k));
    if (meant === undefined) continue;
    throw new DataFileError(
      path,
      line,
      `the header has column ${JSON.stringify(found)} where ${JSON.stringify(meant)} was ` +
        `expected: a damaged header? (columns found: ${header.join(",")}; expected: ` +
        `${known.join(",")})`,
    );
  }
}

/**
 * Whether `a` becomes `b` by adding, removing or changing one character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.ok(oneEditApart("ccrc32", "crc32") && oneEditApart("crc2", "crc32"));
 * assert.ok(oneEditApart("sourc e", "source") && !oneEditApart("note", "time"));
 * ```
 */
export function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const [restA, restB] = [a.slice(i + 1), b.slice(i + 1)];
  return restA === restB || a.slice(i) === restB || restA === b.slice(i);
}

/** What `read` reads, or `undefined` when its file does not exist (yet). */
export async function readIfExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
