/**
 * The compact set of trade ids the scan of a long history keeps (`src/sync/trade_id_set.ts`):
 * whatever the order of the ids added and of the lookups, it answers as a plain set does.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { TradeIdSet } from "../src/sync/trade_id_set.ts";
import { at } from "./support/indexed.ts";

/** Ids as a symbol's fills bring them: mostly rising by small and large steps, some out of order. */
const ids = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constant("step"), fc.integer({ min: 1, max: 300 })) },
    { weight: 2, arbitrary: fc.tuple(fc.constant("jump"), fc.integer({ min: 1, max: 2 ** 40 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant("back"), fc.integer({ min: 0, max: 2000 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant("same"), fc.constant(0)) },
    { weight: 1, arbitrary: fc.tuple(fc.constant("huge"), fc.bigInt(2n ** 53n, 10n ** 19n)) },
  ),
  { maxLength: 2000, size: "max" },
).map((steps) => {
  let last = 0;
  return steps.map(([kind, n]) => {
    if (kind === "huge") return String(n);
    if (kind === "step" || kind === "jump") last += Number(n);
    if (kind === "back") return String(Math.max(0, last - Number(n)));
    return String(last);
  });
});

Deno.test("TradeIdSet answers as a Set of the ids added, in any order of lookups", () => {
  fc.assert(
    fc.property(ids, fc.array(fc.nat({ max: 3000 })), fc.boolean(), (added, probes, sorted) => {
      const set = new TradeIdSet();
      for (const id of added) set.add(id);
      const plain = new Set(added);
      // Lookups: every id added (in file order, or shuffled by the probes), ids just beside them.
      const numbers = added.filter((id) => id.length < 16).map(Number);
      const asked = [
        ...added,
        ...probes.map((p) => added[p % Math.max(1, added.length)] ?? "1"),
        ...numbers.flatMap((n) => [String(n - 1), String(n + 1)]),
        "0",
        "9007199254740993",
      ];
      if (sorted) asked.sort((a, b) => Number(a) - Number(b));
      for (const id of asked) assert.equal(set.has(id), plain.has(id), `id ${id}`);
    }),
    { numRuns: 300 },
  );
});

Deno.test("TradeIdSet: of a million rising ids, each is found and its neighbours are not", () => {
  const set = new TradeIdSet();
  let id = 5_000_000_000;
  const every: number[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    id += 2 + ((i * 7919) % 40_000);
    every.push(id);
    set.add(String(id));
  }
  for (let i = 0; i < every.length; i += 997) {
    assert.equal(set.has(String(at(every, i))), true);
    assert.equal(set.has(String(at(every, i) + 1)), false);
  }
});
