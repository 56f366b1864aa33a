/**
 * One shard of a rebuild of every position: its symbols' fills, read from the fills file, with
 * the funding of the income file and the prices of the price cache, rebuilt into positions
 * written as sorted runs (`position_lines.ts`), with each symbol's books and summary for a later
 * sync to go on from. Memory holds a run, the books and the funding records, not the fills.
 *
 * @module
 */

import type { Market } from "../fill.ts";
import { type IncomeRecord, LEDGER_INCOME_TYPES } from "../income.ts";
import { sortedUnique } from "../ledger/aggregate.ts";
import { restoreSnapshot, type SavedSnapshot } from "../ledger/anchor.ts";
import { type LedgerInputs, LedgerStream, splitKey, symbolKey } from "../ledger/ledger_stream.ts";
import type { SymbolCache } from "../storage/cache_file.ts";
import { readIfExists } from "../storage/data_file.ts";
import { readLedgerFills, streamLedgerFills } from "../storage/fills_file.ts";
import { type IncomeStarts, streamIncomeFile } from "../storage/income_file.ts";
import type { ByteRange } from "../csv/csv_file.ts";
import { readIncomePart, type ShareIncome } from "./income_share.ts";
import { PositionRuns, type SortedRun } from "../storage/position_lines.ts";
import type { Run } from "../storage/run_merge.ts";
import { readPriceTable } from "../storage/prices_file.ts";
import { ThreePasses } from "../ledger/three_passes.ts";
import { SymbolSummaryBuilder } from "../ledger/summary.ts";
import type { LedgerSink } from "../ledger/ledger_context.ts";
import type { SavedSymbol } from "../ledger/symbol_books.ts";
import { shardOf, type ShardPlan } from "./shards.ts";

/** What a shard is to do. Structured-cloneable, to hand to a worker. */
export interface ShardTask {
  /** The fills file. */
  readonly fillsPath: string;
  /** The income file, if any (funding, and when the income history begins). */
  readonly incomePath: string | undefined;
  /** The price cache, if any. */
  readonly pricesPath: string | undefined;
  /** Binance's positions that anchor the books. */
  readonly snapshots: readonly SavedSnapshot[];
  /** Only these symbols; every symbol if absent. */
  readonly only: readonly string[] | undefined;
  /** The range of the income file this shard reads, if the shards share it out. */
  readonly incomeRange?: ByteRange;
  /** Where to write the runs. */
  readonly runDir: string;
  /** How the symbols are shared out. */
  readonly plan: ShardPlan;
  /** Which shard this is (`0 ≤ index < plan.shards`). */
  readonly index: number;
}

/** A run of a shard, and the symbols whose rows in it to leave out. */
export interface ShardRun extends SortedRun {
  /** Symbols whose rows here are not final (rebuilt in three passes, in another run). */
  readonly dropSymbols: readonly string[];
}

/** What a shard built. Structured-cloneable, to hand back from a worker. */
export interface ShardResult {
  /** Fills of the shard's symbols read. */
  readonly fills: number;
  /** Columns of the fills file that futures-ledger does not know. */
  readonly unknownColumns: string[];
  /** Whether there was an income file. */
  readonly income: boolean;
  /** Per market, when the income history begins. */
  readonly incomeFrom: readonly [Market, number][];
  /** The shard's positions, as sorted runs. */
  readonly runs: readonly ShardRun[];
  /** Each symbol of the shard (by `symbolKey`): its books and summary. */
  readonly symbols: readonly [string, SymbolCache][];
}

/** A shard's run as the merge reads it: its rows of the symbols it drops left out. */
export function asRun(run: ShardRun): Run {
  if (run.dropSymbols.length === 0) return run;
  const dropped = new Set(run.dropSymbols);
  return { ...run, drop: (row) => dropped.has(row.symbol) };
}

/**
 * The funding and settlement records (`LEDGER_INCOME_TYPES`) of the shard's symbols (`symbols`;
 * all if absent) and when each market's income history begins: from the shards' shared reading
 * of the income file if they can share it, else read from the whole file, each shard checking the
 * rows of its own symbols.
 */
async function shardIncome(
  task: ShardTask,
  symbols: ((symbol: string) => boolean) | undefined,
  share: ShareIncome | undefined,
): Promise<{ funding: IncomeRecord[]; incomeFrom: IncomeStarts | undefined }> {
  const { incomePath, incomeRange, plan, index } = task;
  if (incomePath === undefined) return { funding: [], incomeFrom: undefined };
  const shared = incomeRange === undefined || share === undefined
    ? undefined
    : await share(await readIncomePart(incomePath, incomeRange));
  if (shared !== undefined) {
    const funding = symbols === undefined
      ? [...shared.funding]
      : shared.funding.filter((r) => symbols(r.symbol));
    return { funding, incomeFrom: new Map(shared.starts) };
  }
  const funding: IncomeRecord[] = [];
  const incomeFrom = await readIfExists(() =>
    streamIncomeFile(incomePath, (record) => {
      if (symbols === undefined || symbols(record.symbol)) funding.push(record);
    }, {
      types: LEDGER_INCOME_TYPES,
      // Each shard checks the rows of its own symbols: every row once between them.
      symbols: plan.shards === 1 ? undefined : (symbol) => shardOf(plan, symbol) === index,
    })
  );
  return { funding, incomeFrom };
}

/** The books and summaries a run builds, by `symbolKey`. */
class Symbols {
  readonly summaries = new Map<string, SymbolSummaryBuilder>();
  readonly books = new Map<string, SavedSymbol>();

  /** A sink that writes positions to `runs` and summarizes per symbol. */
  sink(runs: PositionRuns): LedgerSink {
    const summary = (market: Market, symbol: string) => {
      const key = symbolKey(market, symbol);
      let builder = this.summaries.get(key);
      if (builder === undefined) this.summaries.set(key, builder = new SymbolSummaryBuilder());
      return builder;
    };
    return {
      position: (p) => {
        runs.add(p);
        summary(p.market, p.symbol).position(p);
      },
      funding: () => {},
      unattached: (r) => summary(r.market, r.symbol).unattached(r),
    };
  }
}

/**
 * Rebuilds the positions of the task's symbols: in one pass over the fills file that keeps none
 * of them, then, for the symbols that pass cannot settle (`LedgerStream`), in three passes — over
 * the file again, or, for a symbol whose fills are out of order (by time, then trade id), over
 * its fills sorted in memory. With `share` (and a range in the task), the income file is read a
 * range per shard (`income_share.ts`).
 *
 * @throws {Deno.errors.NotFound} when there is no fills file.
 * @throws {DataFileError} for a malformed input file (naming its line).
 */
export async function rebuildShard(task: ShardTask, share?: ShareIncome): Promise<ShardResult> {
  const { fillsPath, plan, index } = task;
  const only = task.only === undefined ? undefined : new Set(task.only);
  const symbols = plan.shards === 1 && only === undefined
    ? undefined
    : (symbol: string) => (only?.has(symbol) ?? true) && shardOf(plan, symbol) === index;
  const { funding, incomeFrom } = await shardIncome(task, symbols, share);
  const inputs: LedgerInputs = {
    snapshots: task.snapshots.map(restoreSnapshot),
    income: funding,
    incomeFrom,
    prices: task.pricesPath === undefined ? undefined : await readPriceTable(task.pricesPath),
    symbols,
  };

  const onePass = new Symbols();
  const firstRuns = new PositionRuns(task.runDir);
  const stream = new LedgerStream(inputs, onePass.sink(firstRuns));
  const read = await streamLedgerFills(fillsPath, (fill) => stream.push(fill), symbols);
  const { unsettled, disordered, saved } = stream.finish();
  firstRuns.flush();
  for (const [key, books] of saved) onePass.books.set(key, books);
  const runs: ShardRun[] = firstRuns.runs.map((run) => ({ ...run, dropSymbols: [...unsettled] }));
  const result = new Map<string, SymbolCache>();
  for (const [key, summary] of onePass.summaries) {
    const books = onePass.books.get(key);
    if (books !== undefined || !unsettled.has(splitKey(key)[1])) {
      result.set(key, { books: books ?? null, summary: summary.build() });
    }
  }

  if (unsettled.size > 0) {
    const threePass = new Symbols();
    const moreRuns = new PositionRuns(task.runDir);
    const passes = new ThreePasses(
      { ...inputs, symbols: (symbol) => unsettled.has(symbol) },
      threePass.sink(moreRuns),
    );
    // Symbols whose fills are out of order are sorted in memory; the others read from the file.
    const sorted = disordered.size === 0
      ? []
      : sortedUnique((await readLedgerFills(fillsPath, (s) => disordered.has(s))).fills);
    const inOrder = (symbol: string) => unsettled.has(symbol) && !disordered.has(symbol);
    const fromFile = [...unsettled].some((symbol) => !disordered.has(symbol));
    const pass = async (each: (fill: (typeof sorted)[number]) => void) => {
      if (fromFile) await streamLedgerFills(fillsPath, each, inOrder);
      sorted.forEach(each);
    };
    await pass((fill) => passes.observe(fill));
    if (passes.needsSecondPass) await pass((fill) => passes.reobserve(fill));
    await pass((fill) => passes.apply(fill));
    for (const [key, books] of passes.finish()) threePass.books.set(key, books);
    moreRuns.flush();
    runs.push(...moreRuns.runs.map((run) => ({ ...run, dropSymbols: [] })));
    for (const [key, summary] of threePass.summaries) {
      result.set(key, { books: threePass.books.get(key) ?? null, summary: summary.build() });
    }
  }
  return {
    fills: read.count,
    unknownColumns: read.unknownColumns,
    income: incomeFrom !== undefined,
    incomeFrom: [...incomeFrom ?? []],
    runs,
    symbols: [...result],
  };
}
