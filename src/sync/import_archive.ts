/**
 * Adding Binance's own history exports (read by `src/archive/`) to the files: the archive's rows,
 * each once and never a copy of the API's (`src/archive/to_rows.ts`), written as a sync writes
 * (`commit.ts`: the same order, the same crash safety, positions rebuilt where they changed).
 * Fees of the added fills paid in another asset are priced at the next sync. Importing the zip
 * of a bulk download the sync could not merge records that download as merged.
 *
 * @module
 */

import type { PositionMode } from "../archive/position_side.ts";
import { type ArchiveContents, ArchiveError } from "../archive/types.ts";
import type { ArchiveRows } from "../archive/to_rows.ts";
import type { Market } from "../fill.ts";
import type { DownloadHistory, DownloadRecord } from "../storage/download_records.ts";
import { archiveRowsFor } from "./archive_merge.ts";
import { commitOutcome, unpricedSymbols } from "./commit.ts";
import { INCOME_SETTLE_MS, readLocal, repriceOf } from "./local.ts";

/** What importing did. */
export interface Imported extends ArchiveRows {
  /** The fills added to the file (those it had already are not counted). */
  readonly added: number;
  /** The income records added. */
  readonly incomeAdded: number;
}

/**
 * Adds `contents` to the files of `dir` (hold its lock). `mode`: the position mode of rows that
 * do not say, where the fills file does not tell; `start`: `"flat"` if no hedge book was open
 * before the archive's first row (its rows without a side are then inferred from there).
 *
 * @throws {ArchiveError} for rows that cannot be added as they are: nothing of the archive is
 *   written (reading the files may have repaired one a killed run left, or rows held twice:
 *   `readLocal`).
 */
export async function importArchive(
  dir: string,
  read: ArchiveContents,
  mode: PositionMode | undefined,
  start?: "flat",
  now: number = Date.now(),
): Promise<Imported> {
  // The market is told from the symbols; an account-wide row (a transfer) names none, and takes
  // the market of the rows that do.
  const named = [...read.trades, ...read.income.filter((r) => r.symbol !== "")];
  const markets = new Set(named.map((r) => r.market));
  if (markets.size > 1) {
    throw new ArchiveError(
      read.files[0]?.source ?? "archive",
      "holds rows of both USD-M and COIN-M: import each market's files on their own",
    );
  }
  const market: Market = [...markets][0] ?? read.income[0]?.market ?? "usdm";
  const contents: ArchiveContents = {
    ...read,
    income: read.income.map((r) => (r.symbol === "" && r.market !== market ? { ...r, market } : r)),
  };
  // First what a killed run left undone (an append cut back): the rows compared with the files
  // must be the rows the files keep.
  const local = await readLocal(dir, market, false);
  const rows = await archiveRowsFor(dir, market, contents, {
    defaultMode: () => Promise.resolve(mode),
    start,
  });
  const committed = await commitOutcome(local, {
    history: historyAfterImport(local.saved?.markets[market], contents),
    market,
    fills: rows.fills,
    income: rows.income,
    prices: [],
    checked: undefined,
    cutoffMs: now - INCOME_SETTLE_MS,
    // The symbols an earlier sync left to price stay on the list.
    unpriced: new Set([...unpricedSymbols(rows.fills), ...repriceOf(local, market)]),
  });
  return { ...rows, added: committed.fills.length, incomeAdded: committed.income.length };
}

/**
 * The market's bulk download records with those whose zip (kept because the sync could not merge
 * it) is among the files imported marked `merged`: the sync stops asking the user to import it.
 */
function historyAfterImport(
  saved: DownloadHistory | undefined,
  contents: ArchiveContents,
): DownloadHistory | undefined {
  if (saved?.downloads === undefined) return undefined;
  const imported = new Set(contents.files.map((f) => f.source.split(":")[0]));
  const downloads = saved.downloads.map((record): DownloadRecord => {
    if (record.status !== "failed" || !imported.has(record.file ?? "")) return record;
    const { file: _, problem: __, ...rest } = record;
    return { ...rest, status: "merged" };
  });
  return {
    ...(saved.api_from_ms === undefined ? {} : { api_from_ms: saved.api_from_ms }),
    downloads,
  };
}
