/**
 * The sync's bulk download stage: Binance's asynchronous history export, the only route to fills
 * and income older than the 3 months the API serves. In a sync's order:
 *
 * 1. **Pending downloads first** ({@linkcode DownloadStage.begin}, before the API is read): a
 *    ready one is downloaded and read (merged with the API's rows in the commit,
 *    `download_merge.ts`); one whose link expired is asked for again, quota allowing; a request
 *    a killed run left unanswered is reported, not repeated.
 * 2. **New requests** ({@linkcode DownloadStage.requestOlder}, once the API's rows are fetched):
 *    with `--from` before the horizon, the part of `[from, where the API's rows begin)` that no
 *    download of each kind covers or is on its way (`download_plan.ts`) is requested, one request
 *    per kind and ≤ 365 days (`download_requests.ts`). Nothing is asked for twice: a range is
 *    covered once merged, and the API's range is never asked for.
 * 3. **`--wait`** ({@linkcode DownloadStage.wait}): pending downloads are polled with backoff
 *    until they are done or the limit passes.
 *
 * Where the API's rows begin (`api_from_ms`, recorded when first needed): the first API row of
 * the files and of this sync's fetch — not the horizon asked for: Binance may serve a little less
 * than the 92 days asked ("3 months"), and a range ending at the horizon would miss what lies
 * between. With no API row at all it is the horizon plus {@linkcode RETENTION_SLACK_MS}, which
 * covers that difference. Recorded, it is never computed again, so that later plans line up with
 * the ranges already asked for.
 *
 * @module
 */

import { join } from "node:path";
import type { Fill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { removeStaleTemporaryFiles } from "../storage/atomic_write.ts";
import { readIfExists } from "../storage/data_file.ts";
import type { DownloadRecord } from "../storage/download_records.ts";
import { FILES } from "../storage/file_names.ts";
import { streamFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { DownloadBook } from "./download_book.ts";
import {
  advanceDownload,
  type DownloadSource,
  type ReadyDownload,
  zipName,
} from "./download_fetch.ts";
import type { DownloadNote } from "./download_notes.ts";
import { uncoveredWindows } from "./download_plan.ts";
import { requestWanted } from "./download_requests.ts";
import type { LocalState } from "./local.ts";
import type { SyncEventHandler } from "./progress_events.ts";

/** The first wait between two polls of `--wait`; it doubles up to {@linkcode MAX_POLL_MS}. */
const FIRST_POLL_MS = 2_000;
/** The longest wait between two polls. */
const MAX_POLL_MS = 5 * 60_000;
/**
 * How much less than the 92 days asked Binance may serve ("3 months": 89 days at the shortest),
 * with room to spare: where the API's rows begin at the latest when it returned none.
 */
export const RETENTION_SLACK_MS = 7 * 86_400_000;

/** Binance's clock when the sync began, and the oldest time its API serves. */
export interface SyncClock {
  /** ms. */
  readonly now: number;
  /** ms. */
  readonly horizon: number;
}

/** The bulk downloads of one sync of one market. */
export class DownloadStage {
  /** The records as they stand (the ready ones still pending: merged at the commit). */
  readonly book: DownloadBook;
  /** Downloaded and read, to merge. */
  readonly ready: ReadyDownload[] = [];
  /** What happened, for the report. */
  readonly notes: DownloadNote[] = [];
  readonly #source: DownloadSource;
  readonly #local: LocalState;
  readonly #market: Market;
  readonly #clock: SyncClock;
  readonly #onEvent: SyncEventHandler;
  readonly #startedAt = Date.now();
  readonly #interrupted: DownloadRecord[] = [];

  private constructor(
    source: DownloadSource,
    local: LocalState,
    market: Market,
    clock: SyncClock,
    onEvent: SyncEventHandler,
  ) {
    this.#source = source;
    this.#local = local;
    this.#market = market;
    this.#clock = clock;
    this.#onEvent = onEvent;
    this.book = new DownloadBook(local, market);
  }

  /** Step 1: tidies what killed runs left, and takes the pending downloads as far as they go. */
  static async begin(
    source: DownloadSource,
    local: LocalState,
    market: Market,
    clock: SyncClock,
    onEvent: SyncEventHandler,
  ): Promise<DownloadStage> {
    const stage = new DownloadStage(source, local, market, clock, onEvent);
    await tidyDownloads(local.dir, market, stage.book.records);
    // A request a killed run left unanswered may have spent quota: not sent again this run.
    for (const record of stage.book.records.filter((r) => r.status === "requesting")) {
      stage.book.replace(record, undefined);
      stage.#interrupted.push(record);
      stage.notes.push({ kind: "lost", record });
    }
    await stage.#advance();
    return stage;
  }

  /**
   * Step 2: with `from` before the horizon, requests what no download covers of the history
   * before the API's rows (`api`: those this sync fetched, not written yet).
   */
  async requestOlder(
    from: number | undefined,
    api: { readonly fills: readonly Fill[]; readonly income: readonly IncomeRecord[] },
  ): Promise<void> {
    const { book } = this;
    if (from !== undefined && from < this.#clock.horizon) {
      if (book.apiFrom === undefined) {
        let first = await firstApiRow(this.#local, this.#market);
        for (const row of [...api.fills, ...api.income]) {
          if (row.market === this.#market && row.time < first) first = row.time;
        }
        book.apiFrom = Math.min(first, this.#clock.horizon + RETENTION_SLACK_MS);
      }
      if (from < book.apiFrom) {
        const target = { from, to: book.apiFrom - 1 };
        if (!book.canSave) {
          this.notes.push({ kind: "not-requested", ...target });
          return;
        }
        const taken = [...book.records, ...this.#interrupted];
        for (const kind of ["trade", "income"] as const) {
          for (const w of uncoveredWindows(target, taken, kind)) {
            book.add({ kind, from_ms: w.from, to_ms: w.to, status: "wanted" });
          }
        }
      }
    }
    if (book.canSave) await this.#request();
  }

  /** Step 3: polls the pending downloads with backoff until done or `limitMs` has passed. */
  async wait(
    limitMs: number,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ): Promise<void> {
    if (this.#pending().length === 0) return;
    const waitFrom = Date.now();
    const deadline = waitFrom + limitMs;
    for (let delay = FIRST_POLL_MS; this.#pending().length > 0 && Date.now() < deadline;) {
      await sleep(Math.max(0, Math.min(delay, deadline - Date.now())));
      delay = Math.min(delay * 2, MAX_POLL_MS);
      // A link that expired meanwhile is asked for again at once.
      if ((await this.#advance()) && this.book.canSave) await this.#request();
    }
    for (const record of this.#pending()) {
      this.notes.push({ kind: "wait-over", record, waitedMs: Date.now() - waitFrom });
    }
  }

  /**
   * Notes where the downloads not merged stand (pending, failed earlier), but for those this run
   * already said something of (requested now, a fetch that failed, a wait that ran out).
   */
  finish(): void {
    const said = new Set(
      this.notes.flatMap((n) =>
        n.kind === "requested" || n.kind === "error" || n.kind === "wait-over" ? [n.record] : []
      ),
    );
    for (const record of this.#pending()) {
      if (!said.has(record)) this.notes.push({ kind: "pending", record });
    }
    for (const record of this.book.records.filter((r) => r.status === "failed")) {
      if (!this.notes.some((n) => n.kind === "failed" && n.record === record)) {
        this.notes.push({ kind: "failed", record, thisRun: false });
      }
    }
  }

  /** Binance's clock now, ms. */
  #serverNow(): number {
    return this.#clock.now + (Date.now() - this.#startedAt);
  }

  /** The pending downloads not downloaded yet. */
  #pending(): DownloadRecord[] {
    const done = new Set(this.ready.map((r) => r.record));
    return this.book.records.filter((r) => r.status === "pending" && !done.has(r));
  }

  async #request(): Promise<void> {
    await requestWanted(this.#source, this.book, this.#serverNow(), this.#onEvent, this.notes);
  }

  /** Takes every pending download as far as it goes now; whether a link had expired. */
  async #advance(): Promise<boolean> {
    const { book, notes } = this;
    let expired = false;
    for (const record of this.#pending()) {
      const got = await advanceDownload(
        this.#source,
        this.#local.dir,
        this.#market,
        record,
        this.#serverNow(),
        this.#onEvent,
      );
      if (got.state === "ready") this.ready.push(got.ready);
      else if (got.state === "expired") {
        const { kind, from_ms, to_ms } = record;
        const wanted: DownloadRecord = { kind, from_ms, to_ms, status: "wanted" };
        book.replace(record, wanted);
        notes.push({ kind: "expired", record: wanted });
        expired = true;
      } else if (got.state === "failed") {
        const failed: DownloadRecord = {
          ...record,
          status: "failed",
          file: got.file,
          problem: got.problem,
        };
        book.replace(record, failed);
        notes.push({ kind: "failed", record: failed, thisRun: true });
      } else if (got.state === "error") {
        notes.push({ kind: "error", record, message: got.message });
      }
    }
    return expired;
  }
}

/** The time of the first of the API's rows of `market` in the files (`Infinity`: none). */
async function firstApiRow(local: LocalState, market: Market): Promise<number> {
  let first = Infinity;
  await readIfExists(() =>
    streamFills(join(local.dir, FILES.fills), (fill) => {
      if (fill.market === market && fill.source === "api") first = Math.min(first, fill.time);
    })
  );
  await readIfExists(() =>
    streamIncomeFile(join(local.dir, FILES.income), (record) => {
      if (record.market === market && record.source !== "archive") {
        first = Math.min(first, record.time);
      }
    })
  );
  return first;
}

/**
 * Removes what killed runs left in the downloads directory: temporary files, and the zips of
 * downloads whose rows were merged (a run killed after its commit, before removing them).
 */
async function tidyDownloads(
  dir: string,
  market: Market,
  records: readonly DownloadRecord[],
): Promise<void> {
  try {
    await removeStaleTemporaryFiles(join(dir, FILES.downloads));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const record of records.filter((r) => r.status === "merged" && r.download_id)) {
    await removeZip(dir, zipName(market, record));
  }
}

/** Removes the zip `file` of the downloads directory, if it is there. */
export async function removeZip(dir: string, file: string): Promise<void> {
  await Deno.remove(join(dir, FILES.downloads, file)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
