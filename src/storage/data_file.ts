/**
 * Reading the project's CSV data files: the header row, then the records. Every problem becomes
 * a {@linkcode DataFileError} naming the file and line (and, from the reader, the field); nothing
 * is skipped silently.
 *
 * @module
 */

import { parseCsvFile } from "../csv/csv_file.ts";
import { CsvSyntaxError, type LineHandler } from "../csv/parser.ts";

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
 * short ends in the middle of a row).
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for malformed CSV, bytes that are not UTF-8, a column named twice, a
 *   record with too few or too many fields, a last line without its line break, or a file
 *   without a header (and whatever the reader throws).
 */
export async function readDataFile(path: string, reader: DataFileReader): Promise<void> {
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
    await parseCsvFile(path, onRecord, onLine, true);
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
 * Each column's position by name, from a header row.
 *
 * @throws {DataFileError} at `line` when a `required` column is missing.
 */
export function columnsOf(
  path: string,
  line: number,
  header: readonly string[],
  required: readonly string[],
): Map<string, number> {
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new DataFileError(path, line, `the header has no column ${missing.join(", ")}`);
  }
  return index;
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
