/**
 * The host's side of a shard worker (`worker.ts`): it starts the worker (early, so that it loads
 * while the rebuild is planned), gives it its shard, passes its offer of the income file to the
 * exchange and the share back, and, once the shard is built, keeps the worker to merge a part of
 * the runs while this thread merges another (`writeRebuilt`), until it is ended.
 *
 * @module
 */

import type { MergePart } from "../storage/run_merge.ts";
import { type MergeAnswer, receiveError, type ShardAnswer, type WorkerMessage } from "./answer.ts";
import type { IncomeExchange, OfferIncome } from "./income_share.ts";
import type { ShardResult, ShardRun, ShardTask } from "./shard.ts";

/** A worker that failed by itself (it could not load, say), not with its task's error. */
export class WorkerUnavailable extends Error {
  /** The first line of `why`, without terminal colours: it goes into a one-line note. */
  constructor(why: string) {
    // deno-lint-ignore no-control-regex -- ESC starts the colour codes it removes
    super((why.replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0] ?? "").trim()); // (a split has a first part)
  }
}

/** A shard worker, kept after its shard for a merge. */
export class ShardWorker {
  readonly #worker: Worker | undefined;
  #waiting: { resolve(answer: ShardAnswer | MergeAnswer): void; reject(e: unknown): void } | null =
    null;
  /** Why the worker is unavailable, once it is. */
  #failed: WorkerUnavailable | undefined;
  #share: OfferIncome | undefined;

  /** Starts a worker of module `url`; one that cannot start says so when given its shard. */
  constructor(url: URL) {
    try {
      this.#worker = new Worker(url, { type: "module" });
    } catch (error) {
      this.#failed = new WorkerUnavailable(error instanceof Error ? error.message : String(error));
      return;
    }
    const worker = this.#worker;
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if ("offer" in data) {
        this.#share?.(data.offer).then((shared) => this.#failed || worker.postMessage({ shared }));
        return;
      }
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.resolve(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new WorkerUnavailable(event.message));
    };
  }

  /**
   * Has the worker build shard `task`, sharing the income file through `exchange`. Its error, if
   * any, is thrown here as the CLI knows it (and the worker ended).
   *
   * @throws {WorkerUnavailable} when the worker fails by itself.
   */
  async build(task: ShardTask, exchange: IncomeExchange): Promise<ShardResult> {
    this.#share = exchange.endpoint(task.index);
    const answer = await this.#ask(task);
    if ("ok" in answer && answer.ok) return answer.result;
    this.end();
    throw "error" in answer ? receiveError(answer.error) : new Error("unexpected answer");
  }

  /**
   * Has the worker write `part` of the merge of `runs` to a new file `out`.
   *
   * @throws {WorkerUnavailable} when the worker fails by itself, or was ended.
   */
  async merge(runs: readonly ShardRun[], part: MergePart, out: string): Promise<void> {
    const answer = await this.#ask({ merge: { runs, part, out } });
    if ("merged" in answer && answer.merged) return;
    throw "error" in answer ? receiveError(answer.error) : new Error("unexpected answer");
  }

  /** Ends the worker (again: nothing). */
  end(): void {
    this.#fail(new WorkerUnavailable("the worker was ended"));
  }

  #fail(why: WorkerUnavailable): void {
    if (this.#failed !== undefined) return;
    this.#failed = why;
    this.#worker?.terminate();
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(why);
  }

  #ask(message: unknown): Promise<ShardAnswer | MergeAnswer> {
    return new Promise((resolve, reject) => {
      if (this.#failed !== undefined) return reject(this.#failed);
      this.#waiting = { resolve, reject };
      this.#worker?.postMessage(message);
    });
  }
}
