/**
 * Tables printed as text in a terminal: each column as wide as its widest cell.
 *
 * @example
 * ```ts
 * import { alignColumns } from "./columns.ts";
 * const lines = alignColumns([["asset", "P&L"], ["USDT", "-12.5"]], (c) => c === 0);
 * if (lines.join("\n") !== "asset    P&L\nUSDT   -12.5") throw new Error(lines.join("\n"));
 * ```
 *
 * @module
 */

/**
 * The rows of `table` as lines, cells two spaces apart, each padded to its column's widest cell:
 * on the right in the columns `left` names, on the left (numbers) in the others; with no spaces
 * at the end of a line.
 */
export function alignColumns(
  table: readonly (readonly string[])[],
  left: (column: number) => boolean,
): string[] {
  const widths: number[] = [];
  for (const row of table) {
    for (const [c, cell] of row.entries()) widths[c] = Math.max(widths[c] ?? 0, cell.length);
  }
  return table.map((row) =>
    row.map((cell, c) => {
      const width = widths[c] ?? 0; // (every column has its width)
      return left(c) ? cell.padEnd(width) : cell.padStart(width);
    }).join("  ").trimEnd()
  );
}
