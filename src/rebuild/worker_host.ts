/**
 * The host's side of a shard worker (`worker.ts`): it starts the worker on a shard, passes its
 * offer of the income file to the exchange and the share back, and, once the shard is built,
 * keeps the worker to merge a part of the runs while this thread merges another
 * (`writeRebuilt`), until it is ended.
 *
 * @module
 */

import type { MergePart } from "../storage/run_merge.ts";
import { type MergeAnswer, receiveError, type ShardAnswer, type WorkerMessage } from "./answer.ts";
import type { IncomeExchange } from "./income_share.ts";
import type { ShardResult, ShardRun, ShardTask } from "./shard.ts";

/** A worker that failed by itself (it could not load, say), not with its task's error. */
export class WorkerUnavailable extends Error {
  /** The first line of `why`, without terminal colours: it goes into a one-line note. */
  constructor(why: string) {
    // deno-lint-ignore no-control-regex -- ESC starts the colour codes it removes
    super(why.replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0].trim());
  }
}

/** A shard worker, kept after its shard for a merge. */
export class ShardWorker {
  readonly #worker: Worker;
  #waiting: { resolve(answer: ShardAnswer | MergeAnswer): void; reject(e: unknown): void } | null =
    null;
  #ended = false;

  private constructor(worker: Worker, exchange: IncomeExchange, index: number) {
    this.#worker = worker;
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if ("offer" in data) {
        exchange.sharer(index)(data.offer)
          .then((shared) => this.#ended || worker.postMessage({ shared }));
        return;
      }
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.resolve(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.end();
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.reject(new WorkerUnavailable(event.message));
    };
  }

  /**
   * Runs shard `task` in a worker of module `url`, which shares the income file through
   * `exchange`: its result, and the worker, kept (end it). Its error, if any, is thrown here as
   * the CLI knows it (the worker ended).
   *
   * @throws {WorkerUnavailable} when the worker fails by itself.
   */
  static async start(
    url: URL,
    task: ShardTask,
    exchange: IncomeExchange,
  ): Promise<{ result: ShardResult; worker: ShardWorker }> {
    let worker: Worker;
    try {
      worker = new Worker(url, { type: "module" });
    } catch (error) {
      throw new WorkerUnavailable(error instanceof Error ? error.message : String(error));
    }
    const host = new ShardWorker(worker, exchange, task.index);
    const answer = await host.#ask(task);
    if ("ok" in answer && answer.ok) return { result: answer.result, worker: host };
    host.end();
    throw "error" in answer ? receiveError(answer.error) : new Error("unexpected answer");
  }

  /**
   * Has the worker write `part` of the merge of `runs` to a new file `out`.
   *
   * @throws {WorkerUnavailable} when the worker fails by itself, or was ended.
   */
  async merge(runs: readonly ShardRun[], part: MergePart, out: string): Promise<void> {
    if (this.#ended) throw new WorkerUnavailable("the worker was ended");
    const answer = await this.#ask({ merge: { runs, part, out } });
    if ("merged" in answer && answer.merged) return;
    throw "error" in answer ? receiveError(answer.error) : new Error("unexpected answer");
  }

  /** Ends the worker (again: nothing). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#worker.terminate();
  }

  #ask(message: unknown): Promise<ShardAnswer | MergeAnswer> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.postMessage(message);
    });
  }
}
