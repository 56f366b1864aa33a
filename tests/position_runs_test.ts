/**
 * Sorting positions in runs (`PositionRuns`, `mergedRuns`): whatever order the positions come in
 * and however many runs the buffer's size makes, the merged lines are the positions file of the
 * sorted positions, and of positions that order equal the one added first comes first. And
 * reading lines back (`readLines`) in pieces.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { Decimal } from "../src/decimal.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { comparePositions, type Position } from "../src/position.ts";
import { readLines } from "../src/storage/line_reader.ts";
import { mergedRuns, PositionRuns } from "../src/storage/position_lines.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/mod.ts";
import { tempDir } from "./support/sync.ts";

const account = generateAccount({ seed: 5, symbols: 6, fills: 8_000, hedge: "mixed" });
const POSITIONS = buildLedger(account.trades.map((r) => fillFromTrade(r, account.market)))
  .positions;

async function merged(runs: PositionRuns): Promise<string> {
  let text = "";
  for await (const line of mergedRuns(runs.runs.map((path) => ({ path })))) text += line;
  return text;
}

Deno.test("positions sorted in runs merge into the file of the sorted positions", async () => {
  assert.ok(POSITIONS.length > 300, `${POSITIONS.length} positions`);
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(POSITIONS, { minLength: 1 }),
      // From a run per position or so to every position in one run.
      fc.integer({ min: 400, max: 200_000 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      async (shuffled, runBytes, twins) => {
        // A twin opens with its position, on the same book: with the same opening trade id but
        // another P&L (which was added first shows), or with a shorter or a longer id (ids
        // order by length, then digit by digit).
        const added: Position[] = [...shuffled];
        for (const k of twins) {
          const p = shuffled[k % shuffled.length];
          const twin = k % 3 === 0
            ? { ...p, realizedPnl: p.realizedPnl.plus(Decimal.parse("0.000000000001")) }
            : { ...p, openTradeId: k % 3 === 1 ? String(k) : "9".repeat(19 + (k % 5)) };
          added.splice(k % (added.length + 1), 0, twin);
        }
        await using dir = await tempDir();
        const runs = new PositionRuns(dir.path, runBytes);
        for (const p of added) runs.add(p);
        runs.flush();
        // Array.prototype.sort is stable: equal positions keep the order they were added in.
        const expected = positionsCsv([...added].sort(comparePositions));
        assert.ok(await merged(runs) === expected);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("small runs: a run per line, and a line longer than the buffer", async () => {
  await using dir = await tempDir();
  const runs = new PositionRuns(dir.path, 64);
  const sample = POSITIONS.slice(0, 50).reverse();
  for (const p of sample) runs.add(p);
  runs.flush();
  // The buffer grows to hold the longest line three times over: a run or two lines each.
  assert.ok(runs.runs.length >= 25, `${runs.runs.length} runs`);
  assert.ok(await merged(runs) === positionsCsv([...sample].sort(comparePositions)));
});

Deno.test("the lines of a file, read in pieces: BOM, CRLF, and characters split between pieces", async () => {
  // 40,000 lines (about 1.2 MB), each with two- and four-byte characters, so that pieces of any
  // size cut some of them in two.
  const lines = Array.from(
    { length: 40_000 },
    (_, i) => `${i},币安人生USDT,é€😀${"x".repeat(i % 7)}`,
  );
  const text = "\ufeff" + lines.map((line, i) => line + (i % 3 === 0 ? "\r\n" : "\n")).join("");
  await using dir = await tempDir();
  const path = `${dir.path}/lines.csv`;
  await Deno.writeTextFile(path, text);
  const read: string[] = [];
  for await (const batch of readLines(path)) read.push(...batch);
  assert.deepEqual(read, lines);
});
