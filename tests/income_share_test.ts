/**
 * Sharing the reading of the income file among a rebuild's shards (`src/rebuild/income_share.ts`):
 * ranges that tile the file at line starts, and the exchange that gives each shard the funding of
 * its symbols in file order — or tells all of them to read the whole file.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { IncomeRecord } from "../src/income.ts";
import {
  IncomeExchange,
  type IncomePart,
  incomeRanges,
  readIncomePart,
} from "../src/rebuild/income_share.ts";
import type { ShardPlan } from "../src/rebuild/shards.ts";
import { writeIncomeFile } from "../src/storage/income_file.ts";
import { at } from "./support/indexed.ts";

/** A funding record of `symbol` at `time`. */
function funding(symbol: string, time: number): IncomeRecord {
  return {
    market: "usdm",
    time,
    symbol,
    incomeType: "FUNDING_FEE",
    income: "-0.5",
    asset: "USDT",
    info: "",
    tranId: String(time),
    tradeId: "",
  };
}

const PLAN: ShardPlan = { shards: 3, owners: new Map([["A", 0], ["B", 1], ["C", 2]]) };

Deno.test("income shared among shards", async (t) => {
  await t.step("ranges tile the file, each from a line's start (property)", async () => {
    const path = await Deno.makeTempFile();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(300), { minLength: 1, maxLength: 40 }),
          fc.integer({ min: 2, max: 9 }),
          async (lengths, shards) => {
            const text = lengths.map((n) => "x".repeat(n) + "\n").join("");
            await Deno.writeTextFile(path, text);
            const ranges = (await incomeRanges(path, shards))!;
            assert.equal(ranges.length, shards);
            assert.equal(ranges[0]?.start, 0);
            assert.equal(ranges.at(-1)!.end, text.length);
            for (const [i, { start, end }] of ranges.entries()) {
              assert.ok(start <= end);
              assert.ok(start === 0 || text[start - 1] === "\n", `range ${i} starts a line`);
              if (i > 0) assert.equal(start, ranges[i - 1]?.end);
            }
            // About equal: each cut at the first line start at or after its share of the bytes.
            for (let i = 1; i < shards; i++) {
              const share = Math.floor((i * text.length) / shards);
              const cut = at(ranges, i).start;
              if (share === 0) assert.equal(cut, 0);
              else assert.ok(cut >= share && !text.slice(share - 1, cut - 1).includes("\n"));
            }
          },
        ),
        { numRuns: 200 },
      );
      assert.equal(await incomeRanges(path, 1), undefined, "one shard reads it whole");
      assert.equal(await incomeRanges(`${path}.none`, 2), undefined, "no file");
    } finally {
      await Deno.remove(path);
    }
  });

  await t.step(
    "each shard gets its symbols' funding, in file order, once all offered",
    async () => {
      const exchange = new IncomeExchange(PLAN);
      const parts: IncomePart[] = [
        { funding: [funding("B", 1), funding("A", 2), funding("B", 3)], starts: [["usdm", 1]] },
        { funding: [funding("C", 4), funding("B", 5)], starts: [["coinm", 7], ["usdm", 4]] },
        { funding: [funding("D", 6)], starts: [["usdm", 6], ["coinm", 6]] },
      ];
      // D is no planned symbol: its shard is a hash of its name, the same for every shard.
      const shares = [0, 1, 2].map((i) => exchange.sharer(i));
      const pending = [at(shares, 2)(at(parts, 2)), at(shares, 0)(at(parts, 0))];
      const last = at(shares, 1)(at(parts, 1));
      const [two, zero, one] = await Promise.all([...pending, last]);
      const times = (s: typeof one) => s!.funding.map((r) => `${r.symbol}${r.time}`);
      assert.deepEqual([times(zero), times(one), times(two)].flat().sort(), [
        "A2",
        "B1",
        "B3",
        "B5",
        "C4",
        "D6",
      ]);
      assert.deepEqual(times(zero).filter((x) => x !== "D6"), ["A2"]);
      assert.deepEqual(times(one).filter((x) => x !== "D6"), ["B1", "B3", "B5"]);
      assert.deepEqual(times(two).filter((x) => x !== "D6"), ["C4"]);
      for (const share of [zero, one, two]) {
        assert.deepEqual(new Map(share!.starts), new Map([["usdm", 1], ["coinm", 6]]));
      }
      // Every shard has had its share: the parts are let go, and a shard run again (its worker
      // failed) reads the whole file instead of getting nothing.
      assert.equal(await exchange.share(1), undefined);
    },
  );

  await t.step("one shard without its part: every shard reads the whole file", async () => {
    // A shard whose range could not be read alone, and one that ended (or never started)
    // before offering: those that offered, and those that offer later, read the whole file.
    for (const missing of ["no part", "ended"] as const) {
      const exchange = new IncomeExchange(PLAN);
      const first = exchange.sharer(0)({ funding: [funding("A", 1)], starts: [] });
      if (missing === "no part") exchange.offer(1, undefined);
      else exchange.ended(1);
      const later = exchange.sharer(2)({ funding: [], starts: [] });
      assert.deepEqual(await Promise.all([first, later]), [undefined, undefined], missing);
    }
    // A shard that ends after offering takes nothing from the others.
    const exchange = new IncomeExchange(PLAN);
    const first = exchange.sharer(0)({ funding: [funding("A", 1)], starts: [] });
    exchange.offer(1, { funding: [], starts: [] });
    exchange.ended(1);
    exchange.offer(2, { funding: [], starts: [] });
    assert.equal((await first)?.funding.length, 1);
  });

  await t.step("a range that does not start a line is not read alone", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/futures_income.csv`;
      await writeIncomeFile(path, [funding("A", 1), funding("B", 2)]);
      const size = (await Deno.stat(path)).size;
      const [, second] = (await incomeRanges(path, 2))!;
      assert.ok(second !== undefined, "a second range");
      assert.ok(second.start > 0 && second.start < size);
      const whole = await readIncomePart(path, { start: 0, end: size });
      assert.deepEqual(whole?.funding.map((r) => r.symbol), ["A", "B"]);
      assert.equal(await readIncomePart(path, { start: second.start - 1, end: size }), undefined);
      assert.equal(await readIncomePart(path, { start: 0, end: second.start - 1 }), undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
