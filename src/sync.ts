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

import { join } from "node:path";
import type { Market } from "./fill.ts";
import { saveSnapshot } from "./ledger/anchor.ts";
import { splitKey } from "./ledger/ledger_stream.ts";
import type { SymbolSummary } from "./ledger/summary.ts";
import { rebuildPositions } from "./rebuild/rebuild.ts";
import { FILES } from "./storage/file_names.ts";
import { snapshotsOf } from "./storage/state_file.ts";
import { commitSync, type SyncResult } from "./sync/commit.ts";
import { type LocalState, readLocal } from "./sync/local.ts";
import type { SyncEvent } from "./sync/progress_events.ts";
import { fetchRemote, type SyncClient } from "./sync/remote.ts";

export { FILES } from "./storage/file_names.ts";
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
  const local = await readLocal(options.dir, market, options.full === true);
  const fetched = await fetchRemote(
    client,
    local,
    await ledgerSummaries(local, market),
    local.cache?.markets[market]?.reprice ?? [],
    options,
    onEvent,
  );
  return await commitSync(local, fetched, market);
}

/**
 * The market's summaries as the files are now (Binance's positions are compared with their open
 * positions): the cache's, or, without one, from a rebuild of the files.
 */
async function ledgerSummaries(
  local: LocalState,
  market: Market,
): Promise<Map<string, SymbolSummary>> {
  const cached = local.cache?.markets[market];
  if (cached !== undefined) {
    return new Map(Object.entries(cached.symbols).map(([symbol, e]) => [symbol, e.summary]));
  }
  const path = (name: keyof typeof FILES) => join(local.dir, FILES[name]);
  try {
    await using rebuilt = await rebuildPositions(path("fills"), {
      incomePath: path("income"),
      pricesPath: path("prices"),
      snapshots: (local.saved === undefined ? [] : snapshotsOf(local.saved)).map(saveSnapshot),
    });
    const summaries = new Map<string, SymbolSummary>();
    for (const [key, entry] of rebuilt.symbols) {
      const [m, symbol] = splitKey(key);
      if (m === market) summaries.set(symbol, entry.summary);
    }
    return summaries;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Map();
    throw error;
  }
}
