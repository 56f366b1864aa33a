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
 * One record as a CSV line, with its trailing LF. The fields are joined in one go, which keeps
 * the line one flat string (piece by piece, V8 would keep a tree of its pieces: several times
 * the memory), and checked once for anything that needs quoting.
 */
export function csvLine(fields: readonly string[]): string {
  const line = fields.join(",");
  if (isPlain(line, fields.length - 1)) return line + "\n";
  return fields.map(csvField).join(",") + "\n";
}

/** Whether `line` has exactly `commas` commas and no quote or line break. */
function isPlain(line: string, commas: number): boolean {
  if (line.includes('"') || line.includes("\n") || line.includes("\r")) return false;
  let count = 0;
  for (let i = line.indexOf(","); i !== -1; i = line.indexOf(",", i + 1)) count++;
  return count === commas;
}
