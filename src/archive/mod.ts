/**
 * Reading Binance futures history exports — the bulk download's zips and the files a user exports
 * from the website — into normalized trade and transaction rows, deciding the position side of
 * rows that lack it, and pairing rows with the API's fills so nothing is counted twice. No HTTP,
 * no files: everything works on the bytes and rows it is given.
 *
 * @example
 * ```ts ignore
 * const contents = await readArchive(name, await Deno.readFile(path));
 * const { trades, notes } = decidePositionSides(contents.trades, { mode: "one-way" });
 * const { matched, archiveOnly, unmatchedInApiPeriod } = matchArchiveTrades(trades, apiFills, {
 *   apiFrom, apiTo, precisionMs: Math.max(...contents.files.map((f) => f.timePrecisionMs)),
 * });
 * ```
 *
 * @module
 */

export { LAYOUTS } from "./columns.ts";
export { INCOME_TYPES, incomeTypeOf } from "./income_types.ts";
export {
  type ApiFillLike,
  matchArchiveTrades,
  type MatchOptions,
  type MatchResult,
} from "./match.ts";
export {
  decidePositionSides,
  type OpenBook,
  type PositionMode,
  PositionSideError,
  type SideOptions,
} from "./position_side.ts";
export { readArchive, type ReadOptions } from "./read.ts";
export { isZoneOffset, statedOffset } from "./time_zone.ts";
export {
  type ArchiveContents,
  ArchiveError,
  type ArchiveFile,
  type ArchiveIncome,
  type ArchiveNote,
  type ArchiveTrade,
} from "./types.ts";
