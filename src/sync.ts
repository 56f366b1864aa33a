/**
 * The sync: brings the fills, income and positions files up to date from Binance, incrementally
 * and crash-safely, in three named stages that wire the client (HTTP), the storage (files) and
 * the ledger (pure):
 *
 * 1. **What is local** (`sync/local.ts`): where the files end, and whether the cache describes
 *    them as they are — then nothing else is read; otherwise they are read whole, and fills the
 *    files lack (by state.json, the income history, or a first sync) are fetched again.
 * 2. **What is new** (`sync/remote.ts`): income, Binance's positions, the symbols with new
 *    activity, their fills and fee prices. Nothing is written.
 * 3. **The outcome** (`sync/commit.ts`): written once, in the order that makes a killed run
 *    completed by the next one with the same result; the positions go on from the last sync's
 *    books over what is new (`sync/ledger_update.ts`).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Market } from "./fill.ts";
import { commitSync, type SyncResult } from "./sync/commit.ts";
import { readLocal } from "./sync/local.ts";
import type { SyncEvent } from "./sync/progress_events.ts";
import { fetchRemote, type SyncClient } from "./sync/remote.ts";

export { FILES } from "./storage/file_names.ts";

const log = getLogger(["futures-ledger", "sync"]);
export { SyncError, type SyncResult } from "./sync/commit.ts";
export type { SyncClient } from "./sync/remote.ts";
export type { SyncEvent } from "./sync/progress_events.ts";

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
}

/** Runs one sync of `options.market` into `options.dir`. Hold the directory's lock first. */
export async function runSync(
  options: SyncOptions,
  client: SyncClient,
  onEvent: (event: SyncEvent) => void = () => {},
): Promise<SyncResult> {
  const { market } = options;
  let started = performance.now();
  const took = (stage: string) => {
    log.debug("{stage}: {ms} ms", { stage, ms: Math.round(performance.now() - started) });
    started = performance.now();
  };
  const local = await readLocal(options.dir, market, options.full === true);
  took(local.cache === undefined ? "what is local (no cache: files read whole)" : "what is local");
  const fetched = await fetchRemote(
    client,
    local,
    local.cache?.markets[market]?.reprice ?? [],
    options,
    onEvent,
  );
  took("what is new");
  const result = await commitSync(local, fetched, market);
  took("the outcome written");
  return result;
}
