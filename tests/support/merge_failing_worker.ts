/**
 * A shard worker that builds its shard as `src/rebuild/worker.ts` does, then fails by itself as
 * it is sent a part of the merge (as a worker that runs out of memory would): for
 * `tests/rebuild_test.ts`.
 *
 * @module
 */

import "../../src/rebuild/worker.ts";

/** The worker's global scope, as far as this worker uses it. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<object>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const real = scope.onmessage;
scope.onmessage = (event) => {
  if ("merge" in event.data) throw new Error("this worker cannot merge");
  real?.(event);
};
