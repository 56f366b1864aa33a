/**
 * Taking one pending bulk download as far as it goes now: asking whether its link is ready,
 * downloading the zip into the downloads directory (written atomically, so a run killed during
 * the download leaves nothing, and one killed after it finds the zip and does not fetch it
 * again), and reading it (`src/archive/`), with the checks that it is the history asked for:
 * its kind, its range (rows outside it mean the time zone was read wrong), and fees whose asset
 * it states.
 *
 * @module
 */

import { defined } from "../defined.ts";
import { join } from "node:path";
import { readArchive } from "../archive/read.ts";
import { type ArchiveContents, ArchiveError } from "../archive/types.ts";
import type { DownloadLink, DownloadTicket } from "../binance/bulk_download.ts";
import {
  ArchiveLinkExpiredError,
  type DownloadProgress,
  unreachableHost,
} from "../binance/download_archive.ts";
import { BinanceApiError } from "../binance/errors.ts";
import type { Market } from "../fill.ts";
import { writeBytesAtomic } from "../storage/atomic_write.ts";
import type { DownloadKind, DownloadRecord } from "../storage/download_records.ts";
import { FILES } from "../storage/file_names.ts";
import type { BulkHistory, SyncEventHandler } from "./progress_events.ts";

/** What the sync needs of the client for bulk downloads. */
export interface DownloadSource {
  /** A download id for `kind` over `[startTime, endTime]`; spends monthly quota (sent once). */
  requestDownload(kind: DownloadKind, startTime: number, endTime: number): Promise<DownloadTicket>;
  /** Whether the download is ready, and its link once it is. */
  downloadLink(kind: DownloadKind, downloadId: string): Promise<DownloadLink>;
  /** The zip at a ready link. */
  fetchDownload(url: string, onProgress?: DownloadProgress): Promise<Uint8Array>;
}

/** A download fetched and read, to be merged. */
export interface ReadyDownload {
  /** Its record (pending, with its id). */
  readonly record: DownloadRecord;
  /** The zip's name in the downloads directory. */
  readonly file: string;
  /** What it holds. */
  readonly contents: ArchiveContents;
}

/** Where one pending download got to. */
export type Advanced =
  | { readonly state: "pending" }
  | { readonly state: "ready"; readonly ready: ReadyDownload }
  /** The link expired (or Binance no longer knows the id): a new id is needed. */
  | { readonly state: "expired" }
  /** Downloaded, but not mergeable as it is (the zip is kept). */
  | { readonly state: "failed"; readonly file: string; readonly problem: string }
  /** Could not be checked or fetched now (it stays pending). */
  | { readonly state: "error"; readonly message: string };

/** `trade` and `income` as the progress line names them. */
export const HISTORY_OF: Readonly<Record<DownloadKind, BulkHistory>> = {
  trade: "trades",
  income: "income",
};

/** The zip's name for `record`: market, kind, range (UTC days) and id. */
export function zipName(market: Market, record: DownloadRecord): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `${market}-${record.kind}-${day(record.from_ms)}-${day(record.to_ms)}-` +
    `${record.download_id}.zip`;
}

/**
 * Takes the pending `record` as far as it goes (`now`: Binance's clock, ms).
 */
export async function advanceDownload(
  source: DownloadSource,
  dir: string,
  market: Market,
  record: DownloadRecord,
  now: number,
  onEvent: SyncEventHandler,
): Promise<Advanced> {
  const history = HISTORY_OF[record.kind];
  const file = zipName(market, record);
  const path = join(dir, FILES.downloads, file);
  let bytes: Uint8Array | undefined = await Deno.readFile(path).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  });
  if (bytes === undefined) {
    let link: DownloadLink;
    try {
      // (a pending download has its id: state.json's check refuses one without)
      const id = defined(record.download_id, "the id of a pending download");
      link = await source.downloadLink(record.kind, id);
    } catch (error) {
      if (error instanceof BinanceApiError && error.code === -1130) return { state: "expired" };
      return { state: "error", message: messageOf(error) };
    }
    if (link.status === "processing") {
      onEvent({ kind: "bulk-pending", history, waitedMs: now - (record.requested_ms ?? now) });
      return { state: "pending" };
    }
    // A link this program may not fetch stays pending, expired or not: asking for a new one
    // would spend quota on a link it cannot fetch either (run it where it may: the message says).
    const unreachable = unreachableHost(link.url);
    if (unreachable !== undefined) return { state: "error", message: unreachable.message };
    if (link.expired || link.expiresAt <= now) return { state: "expired" };
    onEvent({ kind: "bulk-ready", history });
    try {
      bytes = await source.fetchDownload(
        link.url,
        (done, total) =>
          onEvent({ kind: "bulk-downloading", history, bytes: done, totalBytes: total }),
      );
    } catch (error) {
      if (error instanceof ArchiveLinkExpiredError) return { state: "expired" };
      return { state: "error", message: messageOf(error) };
    }
    await Deno.mkdir(join(dir, FILES.downloads), { recursive: true });
    await writeBytesAtomic(path, bytes);
  }
  return readDownload(file, bytes, market, record);
}

/** What the zip `file` (`bytes`) of `record` holds, if it can be merged. */
async function readDownload(
  file: string,
  bytes: Uint8Array,
  market: Market,
  record: DownloadRecord,
): Promise<Advanced> {
  let contents: ArchiveContents;
  try {
    contents = await readArchive(file, bytes, { market });
  } catch (error) {
    if (error instanceof ArchiveError) return { state: "failed", file, problem: error.message };
    throw error;
  }
  const problem = contentsProblem(file, record, contents);
  if (problem !== undefined) return { state: "failed", file, problem };
  return { state: "ready", ready: { record, file, contents } };
}

/** Why `contents` is not the download `record` asked for, as it can be merged; or `undefined`. */
function contentsProblem(
  file: string,
  record: DownloadRecord,
  contents: ArchiveContents,
): string | undefined {
  const other = record.kind === "trade" ? contents.income.length : contents.trades.length;
  if (other > 0) {
    return `${file}: holds ${record.kind === "trade" ? "transaction" : "trade"} history, ` +
      `not the ${record.kind === "trade" ? "trade" : "transaction"} history asked for`;
  }
  const precision = Math.max(1, ...contents.files.map((f) => f.timePrecisionMs));
  const rows = [...contents.trades, ...contents.income];
  const outside = rows.find((r) =>
    r.time < record.from_ms - precision || r.time > record.to_ms + precision
  );
  if (outside !== undefined) {
    return `${outside.source}:${outside.line}: a row of ${
      new Date(outside.time).toISOString()
    } falls outside the range asked for: the file's times were read in the wrong time zone ` +
      "(give the right one with --utc-offset)";
  }
  const noFeeAsset = contents.notes.find((n) =>
    n.message.startsWith("the file gives no fee asset")
  );
  if (noFeeAsset !== undefined) {
    return `${noFeeAsset.source}: the file does not say which asset its fees were paid in, so a ` +
      "fee paid in BNB would be read as one in the margin asset (if no fee was paid in BNB, " +
      "import it with --fees-in-margin-asset)";
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
