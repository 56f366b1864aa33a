/**
 * The rows of an XLSX file's first sheet, through read-excel-file: text cells as text, numeric
 * cells as their exact `<v>` text ({@linkcode NumericCell}), date cells as `Date`s.
 *
 * Why read-excel-file: pure JavaScript (works under Deno and in `deno compile`d binaries),
 * maintained (releases through 2026), no known advisory, and it lets numbers be read as text
 * (`parseNumber`), which exactness needs. SheetJS's `xlsx` on npm is stuck at 0.18.5, which has
 * published advisories (prototype pollution, fixed in 0.19.3; ReDoS, fixed in 0.20.2) and is no
 * longer updated there; exceljs 4.4.0 (2023) pulls some 80 packages, deprecated ones among them.
 *
 * @module
 */

import { readSheet } from "read-excel-file/universal";
import { ArchiveError } from "./types.ts";
import { type Cell, NumericCell } from "./values.ts";

/** The first sheet's rows. @throws {ArchiveError} when the bytes are not a readable XLSX file. */
export async function readSheetRows(source: string, bytes: Uint8Array): Promise<Cell[][]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    const rows = await readSheet(
      buffer as ArrayBuffer,
      {
        parseNumber: (text: string) => new NumericCell(text),
        trim: false,
      } as Parameters<typeof readSheet>[1],
    );
    return rows as unknown as Cell[][];
  } catch (error) {
    throw new ArchiveError(source, `not a readable XLSX file: ${(error as Error).message}`);
  }
}
