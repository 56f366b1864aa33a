/**
 * Positions as a user sees them in the positions file, for tests to compare.
 *
 * @module
 */

import type { Position } from "../../src/position.ts";
import { CsvParser } from "../../src/csv/parser.ts";
import { positionLine, WRITTEN_POSITION_COLUMNS } from "../../src/storage/positions_file.ts";
import { at, valueAt } from "./indexed.ts";

/** Positions as plain records of their CSV columns: what a user sees, as the file has them. */
export function rows(positions: Position[]): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  const parser = new CsvParser((cells) => {
    records.push(Object.fromEntries(WRITTEN_POSITION_COLUMNS.map((c, i) => [c, at(cells, i)])));
  });
  for (const p of positions) parser.push(positionLine(p));
  parser.end();
  return records;
}

/** Only the named columns of each row. */
export function pick(positions: Position[], columns: string[]): Record<string, string>[] {
  return rows(positions).map((r) => Object.fromEntries(columns.map((c) => [c, valueAt(r, c)])));
}
