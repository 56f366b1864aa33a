/**
 * `.futures-ledger-cache.json`: what a sync needs to go on from where the last one ended without
 * reading the whole history again — each symbol's books (`src/ledger/symbol_books.ts`), what the
 * sync reports about every symbol (`src/ledger/summary.ts`), and the income check's running sums —
 * with the size and time of every file as that sync left them.
 *
 * It is a cache: everything in it is derived from the other files (and `state.json`). A sync
 * trusts it only if it is whole (its own CRC-32 matches) and every file is exactly as it says
 * (same size, same modification time); otherwise — a file edited, restored, or written by a run
 * that was killed before the cache — the sync reads the whole history and writes it again.
 * Deleting it costs one such sync.
 *
 * @module
 */

import { crc32Hex } from "../csv/crc32.ts";
import type { Market } from "../fill.ts";
import type { SavedSymbol } from "../ledger/symbol_books.ts";
import type { SymbolSummary } from "../ledger/summary.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** The cache's name in the output directory. */
export const CACHE_FILE = ".futures-ledger-cache.json";

/** A file as a sync left it; `null`: it did not exist. */
export type FileStamp = { readonly bytes: number; readonly modifiedMs: number } | null;

/** One symbol of a market. */
export interface SymbolCache {
  /** Its books after the last fill, to continue them; `null` for a symbol with funding only. */
  readonly books: SavedSymbol | null;
  /** What the sync reports about it. */
  readonly summary: SymbolSummary;
}

/** Per asset, the sums the income check compares (decimal text). */
export interface AssetSums {
  /** Σ realizedPnl of the fills (by margin asset). */
  readonly fillsPnl: string;
  /** Σ commission of the fills (by fee asset), paid positive. */
  readonly fillsCommission: string;
  /** Σ REALIZED_PNL income. */
  readonly incomePnl: string;
  /** −Σ COMMISSION income, paid positive. */
  readonly incomeCommission: string;
  /** Σ FUNDING_FEE income, every record. */
  readonly incomeFunding: string;
}

/**
 * The income check's sums of one market: fills and REALIZED_PNL/COMMISSION records from the
 * market's first income record to `cutoffMs`; FUNDING_FEE records, all.
 */
export interface IncomeSums {
  /** The market's first income record, ms. */
  readonly fromMs: number;
  /** The end of the period summed, ms. */
  readonly cutoffMs: number;
  /** By asset. */
  readonly assets: Readonly<Record<string, AssetSums>>;
}

/** One market's part of the cache. */
export interface MarketCache {
  /** When its income history begins, ms; `null` without one. */
  readonly incomeFrom: number | null;
  /** Its symbols, by name. */
  readonly symbols: Readonly<Record<string, SymbolCache>>;
  /** The income check's sums; `null` without income. */
  readonly sums: IncomeSums | null;
  /** Symbols with fees that a failed price fetch left without a price: rebuilt at the next sync. */
  readonly reprice: readonly string[];
}

/**
 * The cache's schema version: 3. A cache of another version is rebuilt once. Version 2 books save
 * the time of the last funding they took past their last fill; version 3 books were built by the
 * ledger that closes a position held into delivery by its settlement (a version 2 cache may hold
 * such a position open, or as a PARTIAL short that Binance's empty position after the delivery
 * made up). Version 4: the files a version 3 cache described may hold one fill (or income record)
 * twice, an export's row and the API's a little later (`key_window.ts`): read whole once, they are
 * repaired (`src/sync/local.ts`).
 */
export const CACHE_VERSION = 4;

/** The whole cache. */
export interface LedgerCache {
  /** Schema version: {@linkcode CACHE_VERSION}. */
  readonly version: typeof CACHE_VERSION;
  /** Every file of the directory the cache covers, by name, as the sync left it. */
  readonly files: Readonly<Record<string, FileStamp>>;
  /** Per market. */
  readonly markets: Readonly<Partial<Record<Market, MarketCache>>>;
}

/** The stamp of the file at `path` now. */
export async function stampOf(path: string): Promise<FileStamp> {
  try {
    const info = await Deno.stat(path);
    return { bytes: info.size, modifiedMs: info.mtime?.getTime() ?? 0 };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Whether two stamps say the same file. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a === b || (a !== null && b !== null && a.bytes === b.bytes &&
    a.modifiedMs === b.modifiedMs);
}

/**
 * The cache at `path`, or `undefined` when there is none or it cannot be used (not JSON, another
 * version): it is then rebuilt, which only costs time.
 */
export async function readCacheFile(path: string): Promise<LedgerCache | undefined> {
  const text = await cacheText(path);
  if (text === undefined) return undefined;
  const newline = text.indexOf("\n");
  if (newline < 0 || text.slice(newline + 1) !== `${crc32Hex(text.slice(0, newline))}\n`) {
    return undefined; // cut short or changed by hand
  }
  try {
    const cache = JSON.parse(text.slice(0, newline)) as LedgerCache;
    if (
      cache?.version !== CACHE_VERSION || typeof cache.files !== "object" || cache.files === null
    ) {
      return undefined;
    }
    if (typeof cache.markets !== "object" || cache.markets === null) return undefined;
    return cache;
  } catch {
    return undefined;
  }
}

/**
 * Whether the cache at `path` was written by this version ({@linkcode CACHE_VERSION}), whether or
 * not it is whole or still describes the files; `false` for none.
 */
export async function cacheWrittenByThisVersion(path: string): Promise<boolean> {
  const text = await cacheText(path);
  if (text === undefined) return false;
  try {
    return (JSON.parse(text.split("\n", 1)[0] ?? "") as LedgerCache)?.version === CACHE_VERSION;
  } catch {
    return false; // damaged: who wrote it is not known
  }
}

/** The text of the cache at `path`; `undefined` for none. */
async function cacheText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Writes the cache atomically: one line of JSON, then the line's CRC-32. */
export async function writeCacheFile(path: string, cache: LedgerCache): Promise<void> {
  const json = JSON.stringify(cache);
  await writeFileAtomic(path, `${json}\n${crc32Hex(json)}\n`);
}
