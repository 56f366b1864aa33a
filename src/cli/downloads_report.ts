/**
 * What `sync` says about Binance's bulk downloads: for each one, in a line, what happened this
 * run or where it stands — requested (and when it is likely ready), still being prepared,
 * merged, the quota spent (and when it resets), a link expired, a request whose answer was lost,
 * a file that could not be merged (and how to import it). Pure.
 *
 * @module
 */

import { join } from "node:path";
import { FILES } from "../storage/file_names.ts";
import type { DownloadRecord } from "../storage/download_records.ts";
import { type DownloadNote, isProblem } from "../sync/download_notes.ts";

/** The report's lines: `problems` (standard error, exit 1) and the rest. */
export interface DownloadLines {
  /** Something went wrong this run. */
  readonly problems: string[];
  /** Where things stand. */
  readonly info: string[];
}

/** The lines for `notes`; `dir` is the output directory. */
export function downloadLines(notes: readonly DownloadNote[], dir: string): DownloadLines {
  const problems: string[] = [];
  const info: string[] = [];
  for (const note of notes) (isProblem(note) ? problems : info).push(line(note, dir));
  return { problems: [...new Set(problems)], info: [...new Set(info)] };
}

function line(note: DownloadNote, dir: string): string {
  if (note.kind === "not-requested") {
    return `the history from ${time(note.from)} to ${time(note.to)} was not requested: ` +
      "state.json is being rebuilt from the files in this sync; run the same sync again to " +
      "request it";
  }
  const r = note.record;
  const what = `bulk download of the ${name(r)}`;
  switch (note.kind) {
    case "requested":
      return `${what}: requested${likely(r)}. The next sync downloads and merges it ` +
        "(or run sync --wait)";
    case "pending":
      return `${what}: Binance is preparing it (requested ${time(r.requested_ms)}` +
        `${likely(r)}). The next sync downloads and merges it`;
    case "merged":
      return `${what}: merged, ${
        r.kind === "trade" ? count(note.fills, "fill") : count(note.income, "income record")
      } added`;
    case "failed": {
      const path = join(dir, FILES.downloads, r.file ?? "");
      return `${what}: ${
        note.thisRun ? "downloaded but" : "still"
      } not merged: ${r.problem}. The file is ${path}: add it with "futures-ledger import ` +
        `${path}" and the options it needs (see "futures-ledger import --help"); the sync stops ` +
        "reminding you once it is imported";
    }
    case "refused":
      return note.thisRun
        ? `Binance refused the ${what}: this month's download quota for the ${kind(r)} ` +
          "(about 5 a month, shared with the website's export button) is spent. It resets on " +
          `${time(note.resetsAt)} (the first of the month, UTC, as far as Binance says); the ` +
          "first sync after that asks again. Everything else was synced"
        : `${what}: waits for the download quota to reset on ${time(note.resetsAt)}; the first ` +
          "sync after that asks again";
    case "expired":
      return `${what}: its link expired before it was fetched; a new one is asked for, ` +
        "quota allowing";
    case "lost":
      return note.message === undefined
        ? `a run was stopped while asking for the ${what}: Binance may have counted that ` +
          "request against this month's quota. Nothing is pending for it: look for it on the " +
          "website (Orders > Futures > Download history) and import it from there, or run " +
          `sync --from ${day(r.from_ms)} to ask again`
        : `the request for the ${what} got no answer (${note.message}). Nothing is pending for ` +
          `it; run sync --from ${day(r.from_ms)} to ask again`;
    case "error":
      return `${what}: ${note.message}; the next sync tries again`;
    case "wait-over":
      return `${what}: still being prepared after waiting ${
        Math.round(note.waitedMs / 60_000)
      } min${likely(r)}; the next sync (or sync --wait) merges it`;
  }
}

function name(r: DownloadRecord): string {
  return `${kind(r)} from ${time(r.from_ms)} to ${time(r.to_ms)}`;
}

function kind(r: DownloadRecord): string {
  return r.kind === "trade" ? "trade history" : "transaction history";
}

/** `; Binance takes about 2.0 h, so it is likely ready around …` when Binance said. */
function likely(r: DownloadRecord): string {
  if (r.expected_ms === undefined || r.requested_ms === undefined) return "";
  return `; Binance takes about ${duration(r.expected_ms)} on average, so it is likely ready ` +
    `around ${time(r.requested_ms + r.expected_ms)}`;
}

function time(ms: number | undefined): string {
  return ms === undefined
    ? "?"
    : `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function duration(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function count(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}
