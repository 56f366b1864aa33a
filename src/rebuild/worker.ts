/**
 * The worker that rebuilds one shard of the positions (`rebuild.ts`): it receives one
 * {@linkcode ShardTask}, may offer its part of the income file and wait for its share
 * (`answer.ts`), and answers with one {@linkcode ShardAnswer}; then, if the host keeps it, it
 * writes the part of the merge it is sent ({@linkcode MergeTask}) and answers when done.
 *
 * `deno compile` does not follow `new Worker`: the compile script passes this file to
 * `--include`.
 *
 * @module
 */

import {
  type MergeTask,
  sendError,
  type ShardAnswer,
  type ShareReply,
  type WorkerMessage,
} from "./answer.ts";
import { type IncomeReturn, sharing } from "./income_share.ts";
import { writeMergedPart } from "../storage/run_merge.ts";
import { asRun, rebuildShard, type ShardTask } from "./shard.ts";

/** The worker's global scope, as far as this worker uses it. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ShardTask | ShareReply | MergeTask>) => void) | null;
  postMessage(message: WorkerMessage): void;
}

const scope = self as unknown as WorkerScope;
let onShare: ((shared: IncomeReturn | undefined) => void) | undefined;
scope.onmessage = async ({ data }) => {
  if ("shared" in data) return onShare?.(data.shared);
  if ("merge" in data) {
    const { runs, part, out } = data.merge;
    try {
      await writeMergedPart(out, runs.map(asRun), part);
      scope.postMessage({ merged: true });
    } catch (error) {
      scope.postMessage({ merged: false, error: sendError(error) });
    }
    return;
  }
  let answer: ShardAnswer;
  try {
    const result = await rebuildShard(
      data,
      sharing(data.plan, data.index, (offer) =>
        new Promise((resolve) => {
          onShare = resolve;
          scope.postMessage({ offer });
        })),
    );
    answer = { ok: true, result };
  } catch (error) {
    answer = { ok: false, error: sendError(error) };
  }
  scope.postMessage(answer);
};
