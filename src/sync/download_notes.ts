/**
 * What a sync did with the bulk downloads, for the command line to report: one note per
 * download and event, each naming its record (kind and range).
 *
 * @module
 */

import type { DownloadRecord } from "../storage/download_records.ts";

/** One thing that happened to a download, or where it stands. */
export type DownloadNote =
  /** Asked for this run; Binance prepares it (`expected_ms` on average). */
  | { readonly kind: "requested"; readonly record: DownloadRecord }
  /** Still being prepared by Binance at the end of the run. */
  | { readonly kind: "pending"; readonly record: DownloadRecord }
  /** Downloaded and merged: `fills` and `income` rows added to the files. */
  | {
    readonly kind: "merged";
    readonly record: DownloadRecord;
    readonly fills: number;
    readonly income: number;
  }
  /** Downloaded but not mergeable as it is: the zip is kept at `record.file`. */
  | { readonly kind: "failed"; readonly record: DownloadRecord; readonly thisRun: boolean }
  /** The month's quota is spent: asked again from `resetsAt` on (Binance's clock, ms). */
  | {
    readonly kind: "refused";
    readonly record: DownloadRecord;
    readonly resetsAt: number;
    readonly thisRun: boolean;
  }
  /** The link expired before it was fetched: a new download is asked for, quota allowing. */
  | { readonly kind: "expired"; readonly record: DownloadRecord }
  /**
   * A request whose answer was lost (`message`), or, without one, that a killed run left: it may
   * have spent quota, and nothing is recorded as pending.
   */
  | { readonly kind: "lost"; readonly record: DownloadRecord; readonly message?: string }
  /** The download could not be requested, checked or fetched now (`message`): tried again later. */
  | { readonly kind: "error"; readonly record: DownloadRecord; readonly message: string }
  /** `--wait` ended with downloads still being prepared. */
  | { readonly kind: "wait-over"; readonly record: DownloadRecord; readonly waitedMs: number }
  /** No download was asked for: `state.json` is being rebuilt from the files. */
  | { readonly kind: "not-requested"; readonly from: number; readonly to: number };

/** Whether `note` makes the sync fail (exit 1): something the user must know went wrong now. */
export function isProblem(note: DownloadNote): boolean {
  switch (note.kind) {
    case "failed":
    case "refused":
      return note.thisRun;
    case "lost":
      return note.message !== undefined;
    case "error":
    case "wait-over":
    case "not-requested":
      return true;
    default:
      return false;
  }
}
