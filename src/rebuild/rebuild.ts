/**
 * Rebuilding the positions file from the fills file on every core: the symbols are shared out
 * among shards of about equal work (`shards.ts`), the first shard runs on this thread and each
 * other in a worker (`worker.ts`), and their positions are merged in order.
 *
 * @module
 */

import { compareIncome, type IncomeRecord } from "../income.ts";
import { comparePositions } from "../position.ts";
import { DataFileError } from "../storage/data_file.ts";
import { estimateFillsBySymbol } from "../storage/fills_file.ts";
import { receiveError, type ShardAnswer } from "./answer.ts";
import { type PositionLine, rebuildShard, type ShardResult, type ShardTask } from "./shard.ts";
import { planShards } from "./shards.ts";

/** Below this size a fills file is rebuilt on one thread: a worker would cost more than it saves. */
const PARALLEL_BYTES = 8 << 20;

/** At most this many threads by default (each holds its share of the fills in memory). */
const MAX_JOBS = 4;

/** How {@linkcode rebuildPositions} runs. */
export interface RebuildOptions {
  /**
   * Threads to use, at most (never more than there are symbols). By default one for a file under
   * 8 MiB, else one per core up to 4.
   */
  readonly jobs?: number;
  /** The worker module (tests point it at one that fails). */
  readonly workerUrl?: URL;
}

/** The rebuilt positions, and what the CLI reports about them. */
export interface Rebuilt {
  /** Fills read. */
  readonly fills: number;
  /** Columns of the fills file that futures-ledger does not know (ignored). */
  readonly unknownColumns: string[];
  /** Whether the income file was beside the fills file. */
  readonly income: boolean;
  /** Every position, in `comparePositions` order. */
  readonly positions: PositionLine[];
  /** FUNDING_FEE records no position took, in `compareIncome` order. */
  readonly unattachedFunding: IncomeRecord[];
  /** Threads used. */
  readonly threads: number;
  /** Anything worth telling the user (a worker that could not start, say). */
  readonly notes: string[];
}

/**
 * Rebuilds every position of a fills file (with the state, income and prices beside it): the
 * same positions whatever the number of threads.
 *
 * @throws {Deno.errors.NotFound} when there is no fills file.
 * @throws {DataFileError} for a malformed input file: the first bad line, as one thread reads it.
 */
export async function rebuildPositions(
  fillsPath: string,
  options: RebuildOptions = {},
): Promise<Rebuilt> {
  const weights = await estimateFillsBySymbol(fillsPath);
  const jobs = options.jobs ?? await automaticJobs(fillsPath);
  const plan = planShards(weights, Math.min(jobs, Math.max(1, weights.size)));
  const tasks: ShardTask[] = Array.from({ length: plan.shards }, (_, index) => ({
    fillsPath,
    plan,
    index,
  }));
  const workerUrl = options.workerUrl ?? new URL("./worker.ts", import.meta.url);
  const notes: string[] = [];
  const inWorkers = tasks.slice(1).map(async (task) => {
    try {
      return await runInWorker(workerUrl, task);
    } catch (error) {
      if (!(error instanceof WorkerUnavailable)) throw error;
      notes.push(`a worker thread failed (${error.message}); its share was rebuilt on this one`);
      return undefined;
    }
  });
  const outcomes = await Promise.allSettled([rebuildShard(tasks[0]), ...inWorkers]);
  // A worker that could not run leaves its shard to this thread, after its own.
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === "fulfilled" && outcome.value === undefined) {
      outcomes[i] = await Promise.allSettled([rebuildShard(tasks[i])]).then(([o]) => o);
    }
  }
  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
  if (failures.length > 0) throw firstError(fillsPath, failures);
  const results = outcomes.map((o) => (o as PromiseFulfilledResult<ShardResult>).value);
  return {
    fills: results.reduce((sum, r) => sum + r.fills, 0),
    unknownColumns: results[0].unknownColumns,
    income: results[0].income,
    positions: results.map((r) => r.positions).reduce(mergePositions),
    unattachedFunding: results.flatMap((r) => r.unattachedFunding).sort(compareIncome),
    threads: plan.shards,
    notes,
  };
}

/** The default number of threads for a fills file. */
async function automaticJobs(fillsPath: string): Promise<number> {
  const { size } = await Deno.stat(fillsPath);
  if (size < PARALLEL_BYTES) return 1;
  return Math.max(1, Math.min(navigator.hardwareConcurrency ?? 1, MAX_JOBS));
}

/** A worker that failed by itself (it could not load, say), not with its shard's error. */
class WorkerUnavailable extends Error {
  /** The first line of `why`, without terminal colours: it goes into a one-line note. */
  constructor(why: string) {
    // deno-lint-ignore no-control-regex -- ESC starts the colour codes it removes
    super(why.replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0].trim());
  }
}

/** Runs one shard in a worker; its error, if any, is thrown here as the CLI knows it. */
function runInWorker(url: URL, task: ShardTask): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(url, { type: "module" });
    } catch (error) {
      reject(new WorkerUnavailable(error instanceof Error ? error.message : String(error)));
      return;
    }
    worker.onmessage = ({ data }: MessageEvent<ShardAnswer>) => {
      worker.terminate();
      if (data.ok) resolve(data.result);
      else reject(receiveError(data.error));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new WorkerUnavailable(event.message));
    };
    worker.postMessage(task);
  });
}

/**
 * The error one thread would have met first: it reads the fills file before the others, each
 * from its first line (line 0, the file as a whole, comes first), and the data before rebuilding.
 */
function firstError(fillsPath: string, errors: readonly unknown[]): unknown {
  const dataErrors = errors.filter((e): e is DataFileError => e instanceof DataFileError);
  if (dataErrors.length === 0) return errors[0];
  const rank = (e: DataFileError) => (e.path === fillsPath ? 0 : 1);
  return dataErrors.reduce((first, e) =>
    rank(e) - rank(first) < 0 || (rank(e) === rank(first) && e.line < first.line) ? e : first
  );
}

/** Two lists in `comparePositions` order, merged into one. */
function mergePositions(a: PositionLine[], b: PositionLine[]): PositionLine[] {
  const merged: PositionLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    merged.push(comparePositions(a[i], b[j]) <= 0 ? a[i++] : b[j++]);
  }
  while (i < a.length) merged.push(a[i++]);
  while (j < b.length) merged.push(b[j++]);
  return merged;
}
