/**
 * Formatting CSV records (RFC 4180): a field is quoted only when it holds a comma, a quote or a
 * line break; quotes inside are doubled; records end with LF.
 *
 * Why not `npm:csv-stringify`: it formats 1,000,000 fills in about 6 s (`BENCHMARKS.md`, "CSV");
 * this is checked against it by a property test (`tests/csv_test.ts`).
 *
 * @module
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One field as CSV text. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record as a CSV line, with its trailing LF. */
export function csvLine(fields: readonly string[]): string {
  let line = csvField(fields[0] ?? "");
  for (let i = 1; i < fields.length; i++) line += "," + csvField(fields[i]);
  return line + "\n";
}
