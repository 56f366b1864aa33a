/**
 * The `crc32` column that ends each row of the data files futures-ledger keeps (fills, income,
 * fee prices): the CRC-32 of the rest of the row's CSV line as futures-ledger writes it
 * (`src/csv/crc32.ts`; columns in their standard order). A row whose
 * check does not match was changed after it was written and is refused, with its line; a row with
 * an empty check (added by hand, or from a file written before the column existed) is read
 * unchecked.
 *
 * @module
 */

import { crc32, crc32Bytes, crc32Hex, isCrc32Hex } from "../csv/crc32.ts";
import { csvLine } from "../csv/format.ts";
import { DataFileError } from "./data_file.ts";

/** The name of the check column, always the last one written. */
export const CRC_COLUMN = "crc32";

/** A CSV line (with its line break, as `csvLine` makes it) with its check appended. */
export function withCrc(line: string): string {
  return line.slice(0, -1) + "," + crc32Hex(line, 0, line.length - 1) + "\n";
}

/**
 * Whether the unquoted line `text[start, end)`, whose last field is the check, matches it (an
 * empty check matches anything). `ascii`: the text as bytes, if at hand (`LineHandler`), read
 * instead of the string, faster.
 */
export function lineMatchesCrc(
  text: string,
  start: number,
  end: number,
  ascii?: Uint8Array,
): boolean {
  // A check is 8 digits, its comma 9 back, unless it is empty (`…,archive,` has a comma 9 back
  // too) or the row is damaged: then the last comma is searched for.
  const comma = text.charCodeAt(end - 9) === 44 && text.charCodeAt(end - 1) !== 44
    ? end - 9
    : text.lastIndexOf(",", end - 1);
  if (comma < start || comma + 1 === end) return comma >= start;
  const crc = ascii === undefined ? crc32(text, start, comma) : crc32Bytes(ascii, start, comma);
  return isCrc32Hex(text, comma + 1, end, crc);
}

/**
 * Whether a record's fields match its check (an empty check matches anything). `order`: where
 * each column of the file's standard order is among `fields`, the check's last: the check covers
 * the other fields as futures-ledger writes them, in that order — so a file whose columns were
 * put in another order still matches.
 */
export function fieldsMatchCrc(fields: readonly string[], order: readonly number[]): boolean {
  const at = order.at(-1);
  const check = at === undefined ? undefined : fields[at];
  if (check === undefined || check === "") return true;
  const line = csvLine(order.slice(0, -1).map((i) => fields[i] ?? ""));
  return isCrc32Hex(check, 0, check.length, crc32(line, 0, line.length - 1));
}

/** The error of a row whose check does not match. */
export function crcError(path: string, line: number): DataFileError {
  return new DataFileError(
    path,
    line,
    `field "${CRC_COLUMN}": does not match the row: it was changed after futures-ledger wrote it ` +
      "(a character lost or doubled, or a spreadsheet that reformatted numbers or dates). Restore " +
      "the file from a copy; to accept a row you changed on purpose, empty its crc32 field",
  );
}
