/**
 * The sync: brings the fills, income and positions files up to date from Binance, incrementally
 * and crash-safely, in three named stages that wire the client (HTTP), the storage (files) and
 * the ledger (pure):
 *
 * 1. **What is local** (`sync/local.ts`): where the files end, and whether the cache describes
 *    them as they are — then nothing else is read; otherwise they are read whole, and fills the
 *    files lack (by state.json, the income history, or a first sync) are fetched again.
 * 2. **The bulk downloads pending** (`sync/downloads.ts`): Binance's history exports past the 3
 *    months the API serves, checked first, and fetched when ready.
 * 3. **What is new** (`sync/remote.ts`): income, Binance's positions, the symbols with new
 *    activity, their fills and fee prices. Nothing is written. Then, for `--from` before the
 *    horizon, the older history is requested (only these records are saved at once: a request
 *    spends monthly quota), and with `--wait` the pending downloads are polled.
 * 4. **The outcome** (`sync/commit.ts`): the API's rows and the downloads' rows
 *    (`sync/download_merge.ts`) written once, in the order that makes a killed run completed by
 *    the next one with the same result; the positions go on from the last sync's books over what
 *    is new (`sync/ledger_update.ts`).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Market } from "./fill.ts";
import { commitSync, type SyncResult } from "./sync/commit.ts";
import { readLocal, repriceOf } from "./sync/local.ts";
import type { SyncEvent } from "./sync/progress_events.ts";
import { fetchFeePrices, fetchRemote, HORIZON_MS, type SyncClient } from "./sync/remote.ts";
import { DownloadStage } from "./sync/downloads.ts";
import { finishMerge, mergeDownloads } from "./sync/download_merge.ts";
import type { DownloadNote } from "./sync/download_notes.ts";

export { FILES } from "./storage/file_names.ts";

const log = getLogger(["futures-ledger", "sync"]);
export type { SyncResult } from "./sync/commit.ts";
export { SyncError } from "./sync/sync_error.ts";
export type { SyncClient } from "./sync/remote.ts";
export type { SyncEvent } from "./sync/progress_events.ts";
export type { DownloadNote } from "./sync/download_notes.ts";

/** What to sync. */
export interface SyncOptions {
  /** The directory holding the files (it must exist). */
  readonly dir: string;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** `--from`: walk every symbol's fills from this time (ms) rather than from its watermark. */
  readonly from?: number;
  /** `--symbols`: query exactly these. */
  readonly symbols?: readonly string[];
  /** `--full`: fetch every known symbol again, from the oldest time Binance serves. */
  readonly full?: boolean;
  /** `--wait`: poll pending bulk downloads for at most this long, ms. */
  readonly waitMs?: number;
}

/** What a sync did, with its bulk downloads. */
export interface SyncOutcome extends SyncResult {
  /** What happened to the bulk downloads, for the report. */
  readonly downloads: readonly DownloadNote[];
}

/** Runs one sync of `options.market` into `options.dir`. Hold the directory's lock first. */
export async function runSync(
  options: SyncOptions,
  client: SyncClient,
  onEvent: (event: SyncEvent) => void = () => {},
): Promise<SyncOutcome> {
  const { market } = options;
  let started = performance.now();
  const took = (stage: string) => {
    log.debug("{stage}: {ms} ms", { stage, ms: Math.round(performance.now() - started) });
    started = performance.now();
  };
  const local = await readLocal(options.dir, market, options.full === true);
  took(local.cache === undefined ? "what is local (no cache: files read whole)" : "what is local");
  await client.exchangeInfo(); // first: the weight limit to pace every other request by
  const now = await client.serverTime();
  const clock = { now, horizon: now - HORIZON_MS };
  const downloads = await DownloadStage.begin(client, local, market, clock, onEvent);
  const fetched = await fetchRemote(
    client,
    local,
    repriceOf(local, market),
    options,
    clock,
    onEvent,
  );
  took("what is new");
  await downloads.requestOlder(options.from, fetched);
  if (options.waitMs !== undefined) await downloads.wait(options.waitMs);
  downloads.finish();
  const rows = await mergeDownloads(
    local.dir,
    market,
    fetched,
    downloads,
    async () => (await client.positionSideDual()) ? "hedge" : "one-way",
  );
  const archivePrices = rows.fills.length === 0
    ? { prices: [], pricesFailure: undefined }
    : await fetchFeePrices(
      client,
      local.dir,
      market,
      rows.fills,
      [],
      onEvent,
      fetched.prices,
    );
  const result = await commitSync(local, {
    ...fetched,
    prices: [...fetched.prices, ...archivePrices.prices],
    pricesFailure: fetched.pricesFailure ?? archivePrices.pricesFailure,
    archiveFills: rows.fills,
    archiveIncome: rows.income,
    history: downloads.book.history(),
  }, market);
  took("the outcome written");
  await finishMerge(local.dir, rows.merged, result.archiveAdded, downloads.notes);
  return { ...result, downloads: downloads.notes };
}
