/**
 * Asking Binance for the downloads a sync wants, each once. A download id spends one of the
 * month's downloads of its kind (about 5, shared with the website's export button), so:
 *
 * - the record is saved as `requesting` before the request is sent, and as `pending` with its id
 *   as soon as the answer comes: a run killed in between leaves `requesting`, and the next run
 *   reports that the request may have been counted instead of sending it again;
 * - an answer that was lost (`DownloadOutcomeUnknownError`: no answer, a cut one, a 5xx) is the
 *   same case: the record is dropped and the user told. Binance has no way to list the downloads
 *   asked for, so the choice is between asking again (maybe spending a second download of the
 *   month) and not; the sync does not, and `sync --from` asks again when the user decides to
 *   (after checking the website's download history, where the file may be waiting);
 * - a refusal for the quota leaves the record `wanted` with the time of the refusal: later syncs
 *   ask again once the month has turned (UTC), without trying in the same month; the other
 *   requests of that kind this run are not sent;
 * - on COIN-M at most 2 are sent in any minute: one copy of its documentation ("Get Download Id
 *   For Futures Transaction History", COIN-M) allows no more, "the third banned", and their
 *   weight of 5 does not space them (on USD-M a weight of 1,000 in a budget of 1,920 a minute
 *   allows one a minute);
 * - any other refusal (a 4xx, counted by nothing) leaves it `wanted`: the next sync asks again;
 *   a ban or a host this program may not reach stops the requests of this run (the sync still
 *   writes what it fetched).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  DownloadOutcomeUnknownError,
  DownloadQuotaError,
  type DownloadTicket,
} from "../binance/bulk_download.ts";
import { BinanceBanError, BinanceConfigError, BinanceError } from "../binance/errors.ts";
import type { DownloadKind, DownloadRecord } from "../storage/download_records.ts";
import type { DownloadBook } from "./download_book.ts";
import { type DownloadSource, HISTORY_OF } from "./download_fetch.ts";
import { quotaResetsAt, sameQuotaMonth } from "./download_plan.ts";
import type { DownloadNote } from "./download_notes.ts";
import type { SyncEventHandler } from "./progress_events.ts";

const log = getLogger(["futures-ledger", "sync"]);

/** COIN-M download-id requests sent in any minute at most. */
const PER_MINUTE = 2;
const MINUTE_MS = 60_000;

/**
 * Requests every `wanted` download of `book` that the quota may allow (`now`: Binance's clock),
 * saving the records as it goes; adds what happened to `notes`.
 *
 * @throws what is not Binance's answer (a file that cannot be written, a bug).
 */
export async function requestWanted(
  source: DownloadSource,
  book: DownloadBook,
  now: number,
  onEvent: SyncEventHandler,
  notes: DownloadNote[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const refused = new Set<DownloadKind>();
  const sent: number[] = [];
  for (const record of book.records.filter((r) => r.status === "wanted")) {
    const resetsAt = quotaResetsAt(now);
    if (record.refused_ms !== undefined && sameQuotaMonth(record.refused_ms, now)) {
      notes.push({ kind: "refused", record, resetsAt, thisRun: false });
      continue;
    }
    if (refused.has(record.kind)) {
      const next = { ...record, refused_ms: now };
      book.replace(record, next);
      notes.push({ kind: "refused", record: next, resetsAt, thisRun: true });
      continue;
    }
    const oldest = sent.at(-PER_MINUTE); // of the last PER_MINUTE sent, if as many were
    if (book.market === "coinm" && oldest !== undefined) {
      const wait = oldest + MINUTE_MS - Date.now();
      if (wait > 0) {
        log.info("waiting {seconds} s: Binance takes at most {n} download requests a minute", {
          seconds: Math.ceil(wait / 1000),
          n: PER_MINUTE,
        });
        await sleep(wait);
      }
    }
    sent.push(Date.now());
    const { refused_ms: _, ...rest } = record;
    const marker: DownloadRecord = { ...rest, status: "requesting", requested_ms: now };
    book.replace(record, marker);
    await book.save();
    let ticket: DownloadTicket;
    try {
      ticket = await source.requestDownload(record.kind, record.from_ms, record.to_ms);
    } catch (error) {
      if (error instanceof DownloadQuotaError) {
        refused.add(record.kind);
        const next: DownloadRecord = { ...rest, status: "wanted", refused_ms: now };
        book.replace(marker, next);
        notes.push({ kind: "refused", record: next, resetsAt, thisRun: true });
      } else if (error instanceof DownloadOutcomeUnknownError) {
        book.replace(marker, undefined);
        notes.push({ kind: "lost", record: marker, message: error.message });
      } else {
        book.replace(marker, record);
      }
      await book.save();
      if (
        error instanceof DownloadQuotaError || error instanceof DownloadOutcomeUnknownError
      ) continue;
      if (!(error instanceof BinanceError)) throw error;
      notes.push({ kind: "error", record, message: error.message });
      if (error instanceof BinanceBanError || error instanceof BinanceConfigError) return;
      continue;
    }
    const pending: DownloadRecord = {
      kind: record.kind,
      from_ms: record.from_ms,
      to_ms: record.to_ms,
      status: "pending",
      download_id: ticket.downloadId,
      requested_ms: now,
      ...(ticket.averagePreparationMs > 0 ? { expected_ms: ticket.averagePreparationMs } : {}),
    };
    book.replace(marker, pending);
    await book.save();
    onEvent({
      kind: "bulk-requested",
      history: HISTORY_OF[record.kind],
      from: record.from_ms,
      to: record.to_ms,
      expectedMs: pending.expected_ms,
    });
    notes.push({ kind: "requested", record: pending });
  }
}
