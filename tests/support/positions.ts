/**
 * Positions as a user sees them in the positions file, for tests to compare.
 *
 * @module
 */

import type { Position } from "../../src/position.ts";
import { formatPositionRow, WRITTEN_POSITION_COLUMNS } from "../../src/storage/positions_file.ts";

/** Positions as plain records of their CSV columns: what a user sees. */
export function rows(positions: Position[]): Record<string, string>[] {
  return positions.map((p) => {
    const cells = formatPositionRow(p);
    return Object.fromEntries(WRITTEN_POSITION_COLUMNS.map((c, i) => [c, cells[i]]));
  });
}

/** Only the named columns of each row. */
export function pick(positions: Position[], columns: string[]): Record<string, string>[] {
  return rows(positions).map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
}
