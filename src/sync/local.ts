/**
 * A sync's first stage: what is on disk. Where each symbol's fills and the income history end,
 * whether the cache describes the files as they are (then nothing else is read), and which
 * symbols the files lack fills of — the files are the source of truth in both directions: fills
 * that state.json, the income history or a first sync says exist but the file lacks are fetched
 * again.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { join } from "node:path";
import { compareIds, type Market } from "../fill.ts";
import { undoInterruptedAppends } from "../storage/append_in_place.ts";
import { removeStaleTemporaryFiles } from "../storage/atomic_write.ts";
import { removeStaleRunsDirs } from "../storage/runs_dir.ts";
import { dropRepeatedFills, dropRepeatedIncome } from "../storage/sorted_update.ts";
import {
  CACHE_FILE,
  cacheWrittenByThisVersion,
  type FileStamp,
  type LedgerCache,
  readCacheFile,
  sameStamp,
  stampOf,
} from "../storage/cache_file.ts";
import { FILES } from "../storage/file_names.ts";
import {
  type MarketState,
  readStateFile,
  stateDiscrepancies,
  type SyncState,
} from "../storage/state_file.ts";
import type { PositionMap } from "./discovery.ts";
import { ledgerPositions } from "./positions_map.ts";
import { type Scan, scanFiles } from "./scan.ts";

/**
 * The income check's period ends this long before now: Binance books a fill's COMMISSION and
 * REALIZED_PNL records a moment after the fill.
 */
export const INCOME_SETTLE_MS = 10 * 60_000;

const log = getLogger(["futures-ledger", "sync"]);

/** A new symbol's fetch starts this long before the first income record that names it. */
const EVIDENCE_MARGIN_MS = 86_400_000;

/** Every file whose stamp the cache records, by role. */
export const STAMPED = ["fills", "income", "positions", "prices", "conversions", "state"] as const;

/** What a sync found on disk. */
export interface LocalState {
  /** The output directory. */
  readonly dir: string;
  /** `state.json`, if it could be read. */
  readonly saved: SyncState | undefined;
  /** The cache, if every file is as it says; else `undefined` (everything is rebuilt). */
  readonly cache: LedgerCache | undefined;
  /** Where the files end (every market): each symbol's last trade, the last income record. */
  readonly ends: SyncState;
  /** Where the market's files end. */
  readonly marks: MarketState | undefined;
  /** Symbols known from the files, state.json and the cache. */
  readonly known: ReadonlySet<string>;
  /** Symbols to fetch again from a time, and why (see `DiscoveryEvidence.walk`). */
  readonly walk: ReadonlyMap<string, { readonly from: number; readonly reason: string }>;
  /** The ledger's open positions of the market, as the files are now (to compare Binance's). */
  readonly open: PositionMap;
  /** Without a cache: what reading the files whole found (the income check's sums among it). */
  readonly scan: Scan | undefined;
}

/** The stamps of the files of `dir` now. */
export async function stampsOf(dir: string): Promise<Record<string, FileStamp>> {
  const stamps: Record<string, FileStamp> = {};
  for (const role of STAMPED) stamps[FILES[role]] = await stampOf(join(dir, FILES[role]));
  return stamps;
}

/**
 * The symbols of `market` whose fees may still lack a price (a price fetch failed): as the cache
 * says, or, where it is not trusted, as the scan of the files finds them.
 */
export function repriceOf(local: LocalState, market: Market): readonly string[] {
  return local.cache?.markets[market]?.reprice ?? [...local.scan?.unpriced.get(market) ?? []];
}

/**
 * Reads what a sync of `market` needs from `dir` (after removing temporary files a killed run
 * left, and undoing its unfinished appends). With `full`, every known symbol is fetched again
 * from the oldest time Binance serves.
 *
 * @throws {DataFileError} for a damaged data file (nothing is written).
 */
export async function readLocal(dir: string, market: Market, full: boolean): Promise<LocalState> {
  for (const name of [...await removeStaleTemporaryFiles(dir), ...await removeStaleRunsDirs(dir)]) {
    log.info("removed {name}, left by an interrupted run", { name });
  }
  for (const what of await undoInterruptedAppends(dir)) log.info("{what}", { what });
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);
  const saved = await readStateFile(path("state"));
  const cache = await trustedCache(dir);
  const walk = new Map<string, { from: number; reason: string }>();
  const savedSymbols = Object.keys(saved?.markets[market]?.symbols ?? {});
  if (cache !== undefined && saved !== undefined) {
    const known = new Set([...savedSymbols, ...Object.keys(cache.markets[market]?.symbols ?? {})]);
    if (full) {
      for (const symbol of known) walk.set(symbol, { from: -Infinity, reason: "--full" });
    }
    const summaries = new Map(
      Object.entries(cache.markets[market]?.symbols ?? {}).map(([s, e]) => [s, e.summary]),
    );
    return {
      dir,
      saved,
      cache,
      ends: saved,
      marks: saved.markets[market],
      known,
      walk,
      open: ledgerPositions(summaries),
      scan: undefined,
    };
  }

  // Files an earlier version wrote (its cache says so, or there is none) may hold a fill twice a
  // little apart (`key_window.ts`); files this version wrote, only where a line was pasted twice.
  const thorough = !(await cacheWrittenByThisVersion(join(dir, CACHE_FILE)));
  const scanNow = () =>
    scanFiles(
      path("fills"),
      path("income"),
      path("prices"),
      Date.now() - INCOME_SETTLE_MS,
      thorough,
    );
  let scan = await scanNow();
  if (scan.repeated.fills + scan.repeated.income > 0) {
    // One fill (or record) held twice would count twice in the positions and the checks. The
    // files are rewritten with each once (the data only loses a copy), then read again.
    await repairRepeated(path("fills"), path("income"), scan.repeated);
    scan = await scanNow();
  }
  const marks = scan.derived.markets[market];
  const inFile = Object.keys(marks?.symbols ?? {});
  const missing = scan.missing.get(market) ?? new Map<string, number>();
  const again = (symbol: string, from: number, reason: string) => {
    if (!walk.has(symbol)) walk.set(symbol, { from, reason });
  };
  if (saved === undefined && scan.fills === "some") {
    log.warn(
      "{problem}: without it, what the fills file holds cannot be told from what a sync " +
        "fetched, so every symbol in it is fetched again from the oldest date Binance serves, " +
        "as on a first sync (rows already in the file are kept once)",
      { problem: `${path("state")} does not exist` },
    );
    for (const symbol of inFile) again(symbol, -Infinity, "fills file without state.json");
  }
  if (saved !== undefined) {
    for (const problem of stateDiscrepancies(saved, scan.derived)) {
      log.warn("{problem}: the fills file is the source of truth; fetching them again", {
        problem,
      });
    }
    const derived = marks?.symbols ?? {};
    for (const [symbol, mark] of Object.entries(saved.markets[market]?.symbols ?? {})) {
      const file = derived[symbol];
      if (file === undefined || compareIds(file.last_trade_id, mark.last_trade_id) < 0) {
        again(symbol, -Infinity, "state.json lists fills the file lacks");
      }
    }
  }
  for (const [symbol, time] of missing) {
    log.warn(
      "{symbol}: the income history refers to fills the fills file lacks (from {date}); " +
        "fetching them again",
      { symbol, date: new Date(time).toISOString() },
    );
    again(symbol, time - EVIDENCE_MARGIN_MS, "the income history refers to fills the file lacks");
  }
  const known = new Set([...inFile, ...savedSymbols, ...missing.keys()]);
  if (full) { for (const symbol of known) walk.set(symbol, { from: -Infinity, reason: "--full" }); }
  return {
    dir,
    saved,
    cache: undefined,
    ends: scan.derived,
    marks,
    known,
    walk,
    open: scan.net.get(market) ?? new Map(),
    scan,
  };
}

/** The cache of `dir`, if it describes every file as it is now. */
async function trustedCache(dir: string): Promise<LedgerCache | undefined> {
  const cache = await readCacheFile(join(dir, CACHE_FILE));
  if (cache === undefined) return undefined;
  const now = await stampsOf(dir);
  for (const [name, stamp] of Object.entries(now)) {
    if (!sameStamp(cache.files[name] ?? null, stamp)) return undefined;
  }
  return cache;
}

/**
 * Rewrites the fills and income files that hold a fill or a record twice (`repeated`, as the scan
 * counted) with each once, and says so.
 */
async function repairRepeated(
  fillsPath: string,
  incomePath: string,
  repeated: Scan["repeated"],
): Promise<void> {
  const said = (path: string, rows: number, what: string) =>
    log.warn(
      "{path} held {rows} {what} twice, up to a minute apart (an export's row and the API's of " +
        "one fill, kept both by an earlier version, or a line pasted twice): each is kept once",
      { path, rows, what },
    );
  if (repeated.fills > 0) {
    const n = (await dropRepeatedFills(fillsPath)).length;
    said(fillsPath, n, n === 1 ? "fill" : "fills");
  }
  if (repeated.income > 0) {
    const n = (await dropRepeatedIncome(incomePath)).length;
    said(incomePath, n, n === 1 ? "income record" : "income records");
  }
}
