/**
 * The tools `export` writes for, by name.
 *
 * @module
 */

import { coinTrackerCsv, coinTrackerNote } from "./cointracker.ts";
import { coinTrackingCsv } from "./cointracking.ts";
import type { ExportEntry } from "./entries.ts";
import { koinlyCsv } from "./koinly.ts";

/** A tool's import format. */
export interface ExportFormat {
  /** What `--to` names it. */
  readonly name: string;
  /** The tool, for people. */
  readonly tool: string;
  /** Whether its rows carry the entry's stable transaction id. */
  readonly hasIds: boolean;
  /** The whole CSV file for these entries. */
  readonly csv: (entries: readonly ExportEntry[]) => string;
  /** What the user must do in the tool after importing these entries, if anything. */
  readonly note?: (entries: readonly ExportEntry[]) => string | undefined;
}

/** Every format, by `--to` name. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { name: "koinly", tool: "Koinly (universal CSV)", hasIds: true, csv: koinlyCsv },
  { name: "cointracking", tool: "CoinTracking (CSV import)", hasIds: true, csv: coinTrackingCsv },
  {
    name: "cointracker",
    tool: "CoinTracker (CSV template)",
    hasIds: false,
    csv: coinTrackerCsv,
    note: coinTrackerNote,
  },
];
