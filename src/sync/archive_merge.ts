/**
 * An archive's rows as rows to add to the files of a directory: what the files (and the API rows
 * a sync fetched but has not written yet) hold over the archive's period, and each symbol's
 * position mode, handed to `archiveRows` (`src/archive/to_rows.ts`), which keeps each row once
 * and never a copy of the API's. Shared by `import` and the sync's bulk downloads.
 *
 * @module
 */

import { join } from "node:path";
import type { PositionMode } from "../archive/position_side.ts";
import { KnownIds } from "../archive/known_ids.ts";
import { OtherPrecision } from "../archive/other_precision.ts";
import { ImportedRows, WIDEST_SHIFT_MS } from "../archive/shifted_rows.ts";
import { type ArchiveRows, archiveRows } from "../archive/to_rows.ts";
import type { ArchiveContents } from "../archive/types.ts";
import type { Fill, LedgerFill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { readIfExists } from "../storage/data_file.ts";
import { FILES } from "../storage/file_names.ts";
import { streamFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";

/** Rows of the files within this much of the archive's period are compared with it. */
const MARGIN_MS = 86_400_000;

/** What else to take into account. */
export interface MergeContext {
  /** The API's fills fetched by this run and not written yet. */
  readonly apiFills?: readonly Fill[];
  /** The API's income records fetched by this run and not written yet. */
  readonly apiIncome?: readonly IncomeRecord[];
  /**
   * The position mode of rows without a position side, of symbols neither the files nor the
   * API's rows show; asked only when such a row exists.
   */
  readonly defaultMode: () => Promise<PositionMode | undefined>;
  /** `"flat"`: no hedge book was open before the archive's first row (default: unknown). */
  readonly start?: "flat";
}

/**
 * The rows `contents` (all of `market`) adds to the files of `dir`.
 *
 * @throws {ArchiveError} for rows that cannot be added as they are, such as a row whose id the
 *   files hold at another time (`known_ids.ts`), or rows without ids an earlier import added in
 *   another time zone (`shifted_rows.ts`).
 */
export async function archiveRowsFor(
  dir: string,
  market: Market,
  contents: ArchiveContents,
  context: MergeContext,
): Promise<ArchiveRows> {
  const times = [...contents.trades, ...contents.income].map((r) => r.time);
  if (times.length === 0) return { fills: [], income: [], matched: 0, notes: [...contents.notes] };
  const from = times.reduce((a, b) => Math.min(a, b)) - MARGIN_MS;
  const to = times.reduce((a, b) => Math.max(a, b)) + MARGIN_MS;
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);
  const apiFills: LedgerFill[] = [];
  const modes = new Map<string, PositionMode>();
  const known = new KnownIds(contents);
  const imported = new ImportedRows();
  const earlier = new OtherPrecision();
  const near = (time: number) =>
    time >= from + MARGIN_MS - WIDEST_SHIFT_MS && time <= to - MARGIN_MS + WIDEST_SHIFT_MS;
  const takeFill = (fill: Fill) => {
    known.fill(fill);
    if (fill.market === market && near(fill.time)) {
      imported.fill(fill);
      earlier.fill(fill);
    }
    if (fill.market !== market || fill.source === "archive") return;
    if (fill.positionSide !== "BOTH") modes.set(fill.symbol, "hedge");
    else if (!modes.has(fill.symbol)) modes.set(fill.symbol, "one-way");
    if (fill.time >= from && fill.time <= to) apiFills.push(fill);
  };
  await readIfExists(() => streamFills(path("fills"), takeFill));
  for (const fill of context.apiFills ?? []) takeFill(fill);
  const apiIncome: IncomeRecord[] = [];
  const takeIncome = (record: IncomeRecord) => {
    known.income(record);
    if (record.market === market && near(record.time)) {
      imported.income(record);
      earlier.income(record);
    }
    if (record.market !== market || record.source === "archive") return;
    if (record.time >= from && record.time <= to) apiIncome.push(record);
  };
  await readIfExists(() => streamIncomeFile(path("income"), takeIncome));
  for (const record of context.apiIncome ?? []) takeIncome(record);
  known.check(contents, Math.max(1, ...contents.files.map((f) => f.timePrecisionMs)));
  imported.check(contents);
  const unsided = contents.trades.some((t) => t.positionSide === undefined && !modes.has(t.symbol));
  const fallback = unsided ? await context.defaultMode() : undefined;
  return archiveRows(contents, {
    apiFills,
    apiIncome,
    modeOf: (_, symbol) => modes.get(symbol) ?? fallback,
    imported: earlier,
    start: context.start,
  });
}
