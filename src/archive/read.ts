/**
 * `readArchive`: what a Binance futures history export holds, from its name and bytes: a CSV, an
 * XLSX, or a zip of any number of them (a bulk download's zip holds `…-part1-of2.csv`,
 * `…-part2-of2.csv`). No file is opened and nothing is written: the caller passes the bytes.
 *
 * Memory: a CSV is decoded and parsed in pieces of 64 KiB, so besides the bytes given only the rows
 * read are held; a zip entry is inflated whole (one at a time) before it is parsed; an XLSX sheet
 * is read whole by read-excel-file (about 330 MB for 100,000 rows), which is why CSV is the
 * format to use for large histories.
 *
 * Zip: fflate (pure JavaScript, no dependencies, reads the central directory, so entries written
 * with data descriptors are fine). XLSX: read-excel-file, with numbers kept as the cell's text.
 *
 * @module
 */

import { unzipSync } from "fflate";
import { defined } from "../defined.ts";
import { TEXT_PIECE_BYTES } from "../csv/csv_file.ts";
import { CsvParser, CsvSyntaxError } from "../csv/parser.ts";
import { type ReadOptions, TableReader } from "./table.ts";
import { ArchiveError } from "./types.ts";
import type { ArchiveContents } from "./types.ts";
import { readSheetRows } from "./xlsx.ts";

export type { ReadOptions } from "./table.ts";

/**
 * Everything `bytes` (the file `name`) holds: trades and transactions, one summary per file or
 * entry, and notes.
 *
 * @throws {ArchiveError} naming the file (and entry), line and field of the first problem; an
 * unknown header lists the columns found and those of each known layout.
 */
export async function readArchive(
  name: string,
  bytes: Uint8Array,
  options: ReadOptions = {},
): Promise<ArchiveContents> {
  const out: ArchiveContents = { trades: [], income: [], files: [], notes: [] };
  if (isZip(bytes)) {
    const entries = entryNames(name, bytes);
    if (entries.includes("[Content_Types].xml")) {
      await readXlsx(name, [name], bytes, options, out);
      return out;
    }
    let read = 0;
    for (const entry of entries) {
      const kind = /\.csv$/i.test(entry) ? "csv" : /\.xlsx$/i.test(entry) ? "xlsx" : undefined;
      if (kind === undefined || entry.startsWith("__MACOSX/")) {
        if (!entry.endsWith("/")) out.notes.push({ source: name, message: `skipped ${entry}` });
        continue;
      }
      const data = defined(
        unzipSync(bytes, { filter: (f) => f.name === entry })[entry],
        `the zip's entry ${entry}, listed by its directory`,
      );
      const source = `${name}:${entry}`;
      if (kind === "csv") readCsv(source, [entry, name], data, options, out);
      else await readXlsx(source, [entry, name], data, options, out);
      read++;
    }
    if (read === 0) {
      throw new ArchiveError(name, `the zip holds no CSV or XLSX file (${entries.join(", ")})`);
    }
    return out;
  }
  if (/\.xlsx$/i.test(name)) throw new ArchiveError(name, "not an XLSX file (not a zip)");
  readCsv(name, [name], bytes, options, out);
  return out;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function entryNames(name: string, bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch (error) {
    throw new ArchiveError(name, `not a readable zip file: ${(error as Error).message}`);
  }
  return names;
}

function readCsv(
  source: string,
  names: readonly string[],
  bytes: Uint8Array,
  options: ReadOptions,
  out: ArchiveContents,
): void {
  const table = new TableReader(source, names, options, out, true);
  const parser = new CsvParser((fields, line) => {
    if (table.started) table.row(fields, line);
    else if (fields.some((f) => f.trim() !== "")) table.header(fields, line);
  });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for (let at = 0; at < bytes.length; at += TEXT_PIECE_BYTES) {
      const end = Math.min(bytes.length, at + TEXT_PIECE_BYTES);
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length });
      } catch {
        throw new ArchiveError(source, "not UTF-8 text (save the export as CSV UTF-8)");
      }
      parser.push(text);
    }
    parser.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new ArchiveError(source, `not well-formed CSV: ${error.message}`);
    }
    throw error;
  }
  if (!table.started) throw new ArchiveError(source, "empty: no header row");
  table.finish();
}

async function readXlsx(
  source: string,
  names: readonly string[],
  bytes: Uint8Array,
  options: ReadOptions,
  out: ArchiveContents,
): Promise<void> {
  const rows = await readSheetRows(source, bytes);
  const table = new TableReader(source, names, options, out, false);
  rows.forEach((cells, i) => {
    if (table.started) table.row(cells, i + 1);
    else if (cells.some((c) => c !== null && c !== undefined && String(c).trim() !== "")) {
      table.header(cells, i + 1);
    }
  });
  if (!table.started) throw new ArchiveError(source, "empty: no header row");
  table.finish();
}
