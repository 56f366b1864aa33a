/**
 * The zip a bulk download serves: one CSV (or XLSX) per part of at most `partRows` rows, named as
 * the website names its exports (`Binance-Futures-Trade-History-202608302008(UTC+3)-part1-of1.csv`,
 * seen in several importers' tests and in a committed real export); see `export_formats.ts`.
 *
 * Zip with fflate (pure JavaScript, no dependencies, the most used zip library on npm); XLSX with
 * write-excel-file, the writing sibling of read-excel-file, which the product reads XLSX with.
 *
 * @module
 */

import { zipSync } from "fflate";
import writeXlsxFile from "write-excel-file/universal";
import { csvLine } from "../../src/csv/format.ts";
import type { Market } from "../../src/fill.ts";
import { type ExportTable, NO_DATA, zoneLabel } from "./export_formats.ts";

/** What the archive is of and how its files are named. */
export interface ArchiveSpec {
  /** `trade` or `income` history. */
  readonly kind: "trade" | "income";
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** `csv` or `xlsx`. */
  readonly file: "csv" | "xlsx";
  /** When the export was made (in its name), ms. */
  readonly madeAt: number;
  /** The exporter's UTC offset, minutes (in its name). */
  readonly offsetMinutes: number;
  /** Most rows per file. */
  readonly partRows: number;
}

/** The zip's bytes: the table cut into parts, each a CSV or XLSX entry. */
export async function exportZip(table: ExportTable, spec: ArchiveSpec): Promise<Uint8Array> {
  const parts: (readonly (readonly string[])[])[] = [];
  for (let i = 0; i < table.rows.length; i += spec.partRows) {
    parts.push(table.rows.slice(i, i + spec.partRows));
  }
  if (parts.length === 0) parts.push([]);
  const entries: Record<string, Uint8Array> = {};
  for (const [i, rows] of parts.entries()) {
    const name = `${baseName(spec)}-part${i + 1}-of${parts.length}.${spec.file}`;
    entries[name] = spec.file === "csv"
      ? new TextEncoder().encode(csvText(table.header, rows))
      : await xlsxBytes(table, rows);
  }
  return zipSync(entries);
}

/** `Binance-Futures-Trade-History-202608302008(UTC+3)`. */
function baseName(spec: ArchiveSpec): string {
  const product = spec.market === "usdm" ? "Futures" : "Coin-Futures";
  const what = spec.kind === "trade" ? "Trade" : "Transaction";
  const local = new Date(spec.madeAt + spec.offsetMinutes * 60_000).toISOString();
  const stamp = local.slice(0, 16).replace(/[-T:]/g, "");
  return `Binance-${product}-${what}-History-${stamp}${zoneLabel(spec.offsetMinutes)}`;
}

function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return csvLine(header) + NO_DATA + "\n";
  let text = csvLine(header);
  for (const row of rows) text += csvLine(row);
  return text;
}

async function xlsxBytes(
  table: ExportTable,
  rows: readonly (readonly string[])[],
): Promise<Uint8Array> {
  const sheet = [
    table.header.map((value) => ({ value })),
    ...(rows.length === 0
      ? [[{ value: NO_DATA }]]
      : rows.map((row) =>
        row.map((value, i) =>
          table.numeric.has(i) && value !== ""
            ? { value: Number(value), type: Number }
            : { value, type: String }
        )
      )),
  ];
  const blob = await (await writeXlsxFile(sheet)).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
