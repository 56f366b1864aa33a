/**
 * The rows of the bulk downloads a sync fetched, to be written with the API's rows in the same
 * commit (`archive_merge.ts`: each once, never a copy of the API's, fetched or in the files). A
 * download whose rows cannot be added as they are (a position side the books do not settle, rows
 * without trade ids among the API's, a row the files could not read back: `new_rows.ts`) is
 * marked `failed`, its zip kept for `import`, and the others are merged without it; should
 * Binance not answer a question the merge needs (the account's position mode), none is merged
 * this run, and the next sync merges them from their zips. Once the commit is written, the merged downloads' zips are removed and what each added
 * is noted.
 *
 * @module
 */

import type { PositionMode } from "../archive/position_side.ts";
import type { ArchiveRows } from "../archive/to_rows.ts";
import { type ArchiveContents, ArchiveError } from "../archive/types.ts";
import { BinanceError } from "../binance/errors.ts";
import type { Fill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { DownloadRecord } from "../storage/download_records.ts";
import { unreadableFill, unreadableIncome } from "../storage/new_rows.ts";
import { archiveRowsFor } from "./archive_merge.ts";
import type { ReadyDownload } from "./download_fetch.ts";
import type { DownloadNote } from "./download_notes.ts";
import { type DownloadStage, removeZip } from "./downloads.ts";

/** The rows to add, and the downloads they come from. */
export interface MergedRows {
  /** Fills to add (source `archive`). */
  readonly fills: readonly Fill[];
  /** Income records to add. */
  readonly income: readonly IncomeRecord[];
  /** The downloads merged (their records now `merged`). */
  readonly merged: readonly ReadyDownload[];
}

/**
 * The rows of `downloads.ready` for the files of `dir`, given the API rows this sync fetched;
 * marks the merged downloads `merged` and those that cannot be `failed` in `downloads.book`.
 */
export async function mergeDownloads(
  dir: string,
  market: Market,
  api: { readonly fills: readonly Fill[]; readonly income: readonly IncomeRecord[] },
  downloads: DownloadStage,
  defaultMode: () => Promise<PositionMode | undefined>,
): Promise<MergedRows> {
  let ready = [...downloads.ready];
  let rows = NO_ROWS;
  for (let [first] = ready; first !== undefined; [first] = ready) {
    try {
      rows = await archiveRowsFor(dir, market, combined(ready.map((r) => r.contents)), {
        apiFills: api.fills,
        apiIncome: api.income,
        defaultMode,
      });
      // A row the files could not read back (`new_rows.ts`): its download is left out, not
      // the whole sync stopped at it, run after run.
      const fill = unreadableFill(rows.fills);
      const bad = fill ?? unreadableIncome(rows.income);
      if (bad === undefined) break;
      const culprit = holding(ready, first, fill === undefined ? "income" : "trade", bad.time);
      ready = ready.filter((r) => r !== culprit);
      rows = NO_ROWS;
      failDownload(downloads, culprit, `its ${bad.which} cannot be kept: ${bad.problem}`);
    } catch (error) {
      if (error instanceof BinanceError) {
        // The account's position mode could not be read: merged by a later sync, from the zips.
        for (const r of ready) {
          downloads.notes.push({ kind: "error", record: r.record, message: error.message });
        }
        return { fills: [], income: [], merged: [] };
      }
      if (!(error instanceof ArchiveError)) throw error;
      const bad = ready.find((r) => error.source.startsWith(r.file)) ?? first;
      ready = ready.filter((r) => r !== bad);
      failDownload(downloads, bad, error.message);
    }
  }
  for (const r of ready) {
    const { file: _, problem: __, ...rest } = r.record;
    downloads.book.replace(r.record, { ...rest, status: "merged" });
  }
  return { fills: rows.fills, income: rows.income, merged: ready };
}

const NO_ROWS: ArchiveRows = { fills: [], income: [], matched: 0, notes: [] };

/**
 * The download of `kind` whose range holds `time` (the first of `kind`, if none does; `first`,
 * the first of `ready`, if there is none of `kind`).
 */
function holding(
  ready: readonly ReadyDownload[],
  first: ReadyDownload,
  kind: string,
  time: number,
): ReadyDownload {
  const ofKind = ready.filter((r) => r.record.kind === kind);
  return ofKind.find((r) => time >= r.record.from_ms && time <= r.record.to_ms) ?? ofKind[0] ??
    first;
}

/** Marks `download` failed for `problem`, its zip kept for `import`. */
function failDownload(downloads: DownloadStage, download: ReadyDownload, problem: string): void {
  const failed: DownloadRecord = {
    ...download.record,
    status: "failed",
    file: download.file,
    problem,
  };
  downloads.book.replace(download.record, failed);
  downloads.notes.push({ kind: "failed", record: failed, thisRun: true });
}

/**
 * After the commit: removes the merged downloads' zips and notes what each added (`added`: the
 * times of the archive rows the commit added).
 */
export async function finishMerge(
  dir: string,
  merged: readonly ReadyDownload[],
  added: { readonly fills: readonly number[]; readonly income: readonly number[] },
  notes: DownloadNote[],
): Promise<void> {
  for (const { record, file } of merged) {
    await removeZip(dir, file);
    const within = (t: number) => t >= record.from_ms && t <= record.to_ms;
    notes.push({
      kind: "merged",
      record: { ...record, status: "merged" },
      fills: record.kind === "trade" ? added.fills.filter(within).length : 0,
      income: record.kind === "income" ? added.income.filter(within).length : 0,
    });
  }
}

/** Several archives' contents as one. */
function combined(parts: readonly ArchiveContents[]): ArchiveContents {
  return {
    trades: parts.flatMap((p) => p.trades),
    income: parts.flatMap((p) => p.income),
    files: parts.flatMap((p) => p.files),
    notes: parts.flatMap((p) => p.notes),
  };
}
