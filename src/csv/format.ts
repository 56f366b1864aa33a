/**
 * Formatting CSV records (RFC 4180): a field is quoted only when it holds a comma, a quote or a
 * line break; quotes inside are doubled; records end with LF.
 *
 * Why not `npm:csv-stringify`: it formats 1,000,000 fills in about 6 s (`BENCHMARKS.md`, "CSV");
 * this is checked against it by a property test (`tests/csv_test.ts`).
 *
 * @module
 */

/** One field as CSV text. */
export function csvField(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 || c === 44 || c === 10 || c === 13) return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

/**
 * One record as a CSV line, with its trailing LF. Joined in one go, so the line is one flat
 * string (piece by piece, V8 would keep a tree of its pieces: several times the memory).
 */
export function csvLine(fields: readonly string[]): string {
  const parts = fields.map(csvField);
  if (parts.length === 0) return "\n";
  parts[parts.length - 1] += "\n";
  return parts.join(",");
}
