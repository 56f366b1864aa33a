/**
 * Rebuilding the positions file from the fills file on every core: the symbols are shared out
 * among shards of about equal work (`shards.ts`), the first shard runs on this thread and each
 * other in a worker (`worker.ts`), they share the reading of the income file (`income_share.ts`),
 * and their positions are merged in order: the merge cut into parts, this thread merging the
 * first and the workers the others, at the same time (`run_merge.ts`).
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { defined } from "../defined.ts";
import type { Market } from "../fill.ts";
import { writeFileIfChanged } from "../storage/atomic_write.ts";
import type { SavedSnapshot } from "../ledger/anchor.ts";
import type { SymbolCache } from "../storage/cache_file.ts";
import { DataFileError } from "../storage/data_file.ts";
import { estimateFillsBySymbol } from "../storage/fills_file.ts";
import { fileChunks } from "../storage/read_at.ts";
import { mergedRuns, type Run, splitPoints } from "../storage/run_merge.ts";
import { makeRunsDir, type RunsDir } from "../storage/runs_dir.ts";
import { IncomeExchange, incomeRanges } from "./income_share.ts";
import { asRun, rebuildShard, type ShardResult, type ShardRun, type ShardTask } from "./shard.ts";
import { planShards } from "./shards.ts";
import { ShardWorker, WorkerUnavailable } from "./worker_host.ts";

/** Below this size a fills file is rebuilt on one thread: a worker would cost more than it saves. */
const PARALLEL_BYTES = 8 << 20;

/** At most this many threads by default. */
const MAX_JOBS = 4;

/** What to rebuild from, besides the fills, and how. */
export interface RebuildOptions {
  /** The income file (funding, and when the income history begins), if any. */
  readonly incomePath?: string;
  /** The price cache, if any. */
  readonly pricesPath?: string;
  /** Binance's positions that anchor the books. */
  readonly snapshots?: readonly SavedSnapshot[];
  /** Only these symbols (a sync that rebuilds a few); every symbol if absent. */
  readonly only?: readonly string[];
  /**
   * Threads to use, at most (never more than there are symbols). By default one for a file under
   * 8 MiB, else one per core up to 4.
   */
  readonly jobs?: number;
  /**
   * The directory to keep the sorted runs in until they are merged (`runs_dir.ts`): beside the
   * positions file they become. By default, the fills file's.
   */
  readonly runsIn?: string;
  /** The worker module (tests point it at one that fails). */
  readonly workerUrl?: URL;
}

/**
 * The rebuilt positions, as sorted runs in a temporary directory (write them with
 * {@linkcode writeRebuilt}), and what the callers report about them. Disposing of it removes the
 * directory and ends the worker threads it kept.
 */
export interface Rebuilt extends AsyncDisposable {
  /** Fills read. */
  readonly fills: number;
  /** Columns of the fills file that futures-ledger does not know (ignored). */
  readonly unknownColumns: string[];
  /** Whether there was an income file. */
  readonly income: boolean;
  /** Per market, when the income history begins. */
  readonly incomeFrom: ReadonlyMap<Market, number>;
  /** The positions, as runs to merge. */
  readonly runs: readonly Run[];
  /** The temporary directory the runs are in. */
  readonly runsDir: string;
  /**
   * The runs merged, as pieces of the positions file: parts of the merge are merged by the
   * worker threads kept from the rebuild, at the same time, if there are any. Once only.
   */
  merged(): AsyncIterable<string | Uint8Array>;
  /** Every symbol (by `symbolKey`): its books and summary. */
  readonly symbols: ReadonlyMap<string, SymbolCache>;
  /** Threads used. */
  readonly threads: number;
  /**
   * Anything worth telling the user (a worker that could not start, say); those of the merge
   * once it is written.
   */
  readonly notes: string[];
}

/**
 * Rebuilds every position of a fills file, in little memory: the same positions whatever the
 * number of threads.
 *
 * @throws {Deno.errors.NotFound} when there is no fills file.
 * @throws {DataFileError} for a malformed input file: the first bad line, as one thread reads it.
 */
export async function rebuildPositions(
  fillsPath: string,
  options: RebuildOptions = {},
): Promise<Rebuilt> {
  const only = options.only === undefined ? undefined : new Set(options.only);
  const jobs = options.jobs ?? await automaticJobs(fillsPath);
  // The workers load as the rebuild is planned; those the plan does not need are ended.
  const workerUrl = options.workerUrl ?? new URL("./worker.ts", import.meta.url);
  const workers = Array.from({ length: jobs - 1 }, () => new ShardWorker(workerUrl));
  let runs: RunsDir | undefined;
  const dispose = async () => {
    for (const worker of workers) worker.end();
    await runs?.[Symbol.asyncDispose]();
  };
  try {
    const weights = new Map(
      [...await estimateFillsBySymbol(fillsPath)].filter(([symbol]) => only?.has(symbol) ?? true),
    );
    const plan = planShards(weights, Math.min(jobs, Math.max(1, weights.size)));
    for (const worker of workers.slice(plan.shards - 1)) worker.end();
    const ranges = options.incomePath === undefined
      ? undefined
      : await incomeRanges(options.incomePath, plan.shards);
    const exchange = new IncomeExchange(plan);
    runs = await makeRunsDir(options.runsIn ?? dirname(fillsPath));
    const runDir = runs.path;
    // Workers that built their shard, kept to merge parts of the runs.
    const kept: ShardWorker[] = [];
    const tasks: ShardTask[] = Array.from({ length: plan.shards }, (_, index) => ({
      fillsPath,
      incomePath: options.incomePath,
      pricesPath: options.pricesPath,
      snapshots: options.snapshots ?? [],
      only: options.only,
      incomeRange: ranges?.[index],
      runDir,
      plan,
      index,
    }));
    // A shard that ends, however, without offering its part of the income file: the others
    // read the whole file instead of waiting for it.
    const ran = <T>(index: number, shard: Promise<T>) => shard.finally(() => exchange.ended(index));
    const notes: string[] = [];
    // (a plan has at least one shard, and no more than there are workers and this thread)
    const taskOf = (index: number) => defined(tasks[index], "the task of a planned shard");
    const inWorkers = tasks.slice(1).map(async (task) => {
      const worker = defined(workers[task.index - 1], "a worker for each shard after the first");
      try {
        const result = await ran(task.index, worker.build(task, exchange));
        kept.push(worker);
        return result;
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
        notes.push(`a worker thread failed (${error.message}); its share was rebuilt on this one`);
        return undefined;
      }
    });
    const outcomes = await Promise.allSettled([
      ran(0, rebuildShard(taskOf(0), exchange.sharer(0))),
      ...inWorkers,
    ]);
    // A worker that could not run leaves its shard to this thread, after its own.
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled" && outcome.value === undefined) {
        outcomes[i] = await Promise.allSettled([rebuildShard(taskOf(i), exchange.sharer(i))])
          .then(([o]) => o);
      }
    }
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
    if (failures.length > 0) {
      // A shard reads the income file, then the price cache, then the fills (`rebuildShard`).
      throw firstError([options.incomePath, options.pricesPath, fillsPath], failures);
    }
    const results = outcomes.map((o) => (o as PromiseFulfilledResult<ShardResult>).value);
    const shardRuns = results.flatMap((r) => r.runs);
    const incomeFrom = new Map<Market, number>();
    for (const [market, time] of results.flatMap((r) => r.incomeFrom)) {
      const known = incomeFrom.get(market);
      if (known === undefined || !(time >= known)) incomeFrom.set(market, time);
    }
    const first = defined(results[0], "the first shard's result");
    return {
      fills: results.reduce((sum, r) => sum + r.fills, 0),
      unknownColumns: first.unknownColumns,
      income: first.income,
      incomeFrom,
      runs: shardRuns.map(asRun),
      runsDir: runDir,
      merged: () => mergedInParts(shardRuns, kept, runDir, notes),
      symbols: new Map(results.flatMap((r) => r.symbols)),
      threads: plan.shards,
      notes,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * The merge of `runs` in as many parts as there are `workers` and one: the first merged here, as
 * the others are merged by the workers into files in `runDir`, which are then read back; the
 * workers are then ended. A worker that fails by itself leaves its part to this thread, and a note
 * in `notes`.
 */
async function* mergedInParts(
  runs: readonly ShardRun[],
  workers: readonly ShardWorker[],
  runDir: string,
  notes: string[],
): AsyncGenerator<string | Uint8Array> {
  const all = runs.map(asRun);
  const points = splitPoints(all, workers.length + 1);
  // Part k from points[k] to the next, merged by worker k (there are fewer points than workers).
  const parts = points.map((from, k) => {
    const part = { from, to: points[k + 1] };
    const file = join(runDir, `part-${crypto.randomUUID()}.csv`);
    const worker = defined(workers[k], "a worker for each part of the merge after the first");
    const done = worker.merge(runs, part, file).then(() => undefined, (error: unknown) => error);
    return { part, file, done };
  });
  try {
    yield* mergedRuns(all, { to: points[0] });
    for (const { part, file, done } of parts) {
      const error = await done;
      if (error === undefined) yield* fileChunks(file);
      else if (error instanceof WorkerUnavailable) {
        notes.push(
          `a worker thread failed (${error.message}); its part of the merge was done on this one`,
        );
        yield* mergedRuns(all, part);
      } else throw error;
    }
  } finally {
    // Their memory back now, not when the rebuild is disposed of (a sync goes on writing).
    for (const worker of workers) worker.end();
  }
}

/**
 * Writes the rebuilt positions to `path`, atomically, merging their runs on the way; a file that
 * already holds them is left as it is (see `writeFileIfChanged`). Resolves to whether `path` was
 * replaced. The temporary file is made in the runs directory if that is beside `path` (a rename
 * stays on one file system): a run killed as it writes leaves it there, and the next run removes
 * the directory, where beside `path` it would stay for good.
 */
export function writeRebuilt(path: string, rebuilt: Rebuilt): Promise<boolean> {
  const beside = resolve(dirname(rebuilt.runsDir)) === resolve(dirname(path));
  return writeFileIfChanged(path, rebuilt.merged(), {
    tempIn: beside ? rebuilt.runsDir : undefined,
  });
}

/** The default number of threads for a fills file. */
async function automaticJobs(fillsPath: string): Promise<number> {
  const { size } = await Deno.stat(fillsPath);
  if (size < PARALLEL_BYTES) return 1;
  return Math.max(1, Math.min(navigator.hardwareConcurrency ?? 1, MAX_JOBS));
}

/**
 * The error one thread would have met first: it reads the files in `readOrder`, each from its
 * first line (line 0, the file as a whole, comes first), and the data before rebuilding. (Each
 * thread checks the rows of its own symbols: the first bad line of a file is one thread's first.)
 */
function firstError(
  readOrder: readonly (string | undefined)[],
  errors: readonly unknown[],
): unknown {
  const dataErrors = errors.filter((e): e is DataFileError => e instanceof DataFileError);
  if (dataErrors.length === 0) return errors[0];
  const rank = (e: DataFileError) => {
    const k = readOrder.indexOf(e.path);
    return k < 0 ? readOrder.length : k;
  };
  return dataErrors.reduce((first, e) =>
    rank(e) - rank(first) < 0 ||
      (rank(e) === rank(first) && e.path === first.path && e.line < first.line)
      ? e
      : first
  );
}
