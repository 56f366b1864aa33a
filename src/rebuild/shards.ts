/**
 * Sharing a rebuild out by symbol: which shard reads, and rebuilds, each symbol's fills.
 *
 * Every position belongs to one symbol, so shards that each take whole symbols build exactly the
 * positions of the whole ledger between them. Pure functions, no I/O.
 *
 * @module
 */

/** Which shard takes each symbol. Structured-cloneable, to hand to a worker. */
export interface ShardPlan {
  /** How many shards (at least 1). */
  readonly shards: number;
  /** The shard of each symbol the plan was made from. */
  readonly owners: ReadonlyMap<string, number>;
}

/**
 * Plans `shards` shards of about equal work from each symbol's (estimated) number of fills: the
 * heaviest symbol first, each to the shard with the least work so far (ties: the lower shard, and
 * symbols of equal weight by name, so a plan depends only on its inputs).
 */
export function planShards(weights: ReadonlyMap<string, number>, shards: number): ShardPlan {
  const count = Math.max(1, Math.floor(shards));
  const load: number[] = new Array(count).fill(0);
  const owners = new Map<string, number>();
  const heaviestFirst = [...weights].sort(([a, x], [b, y]) =>
    y - x || (a < b ? -1 : a > b ? 1 : 0)
  );
  for (const [symbol, weight] of heaviestFirst) {
    const least = Math.min(...load);
    const lightest = load.indexOf(least);
    owners.set(symbol, lightest);
    load[lightest] = least + weight;
  }
  return { shards: count, owners };
}

/**
 * The shard of `symbol`: as planned, or (for a symbol the plan never saw) a fixed hash of its
 * text, so that every shard agrees on it.
 */
export function shardOf(plan: ShardPlan, symbol: string): number {
  const planned = plan.owners.get(symbol);
  if (planned !== undefined) return planned;
  let hash = 0;
  for (let i = 0; i < symbol.length; i++) hash = (hash * 31 + symbol.charCodeAt(i)) >>> 0;
  return hash % plan.shards;
}
