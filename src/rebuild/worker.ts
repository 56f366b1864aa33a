/**
 * The worker that rebuilds one shard of the positions (`rebuild.ts`): it receives one
 * {@linkcode ShardTask}, answers with one {@linkcode ShardAnswer}; the host then ends it.
 *
 * `deno compile` does not follow `new Worker`: the compile script passes this file to
 * `--include`.
 *
 * @module
 */

import { sendError, type ShardAnswer } from "./answer.ts";
import { rebuildShard, type ShardTask } from "./shard.ts";

/** The worker's global scope, as far as this worker uses it. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ShardTask>) => void) | null;
  postMessage(message: ShardAnswer): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = async ({ data: task }) => {
  let answer: ShardAnswer;
  try {
    answer = { ok: true, result: await rebuildShard(task) };
  } catch (error) {
    answer = { ok: false, error: sendError(error) };
  }
  scope.postMessage(answer);
};
