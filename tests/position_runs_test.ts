/**
 * Sorting positions in runs (`PositionRuns`, `mergedRuns`): whatever order the positions come in
 * and however many runs the buffer's size makes, the merged lines are the positions file of the
 * sorted positions, and of positions that order equal the one added first comes first; merged in
 * parts cut anywhere, the parts end to end are the whole merge. And reading lines back
 * (`readLinePieces`) in pieces.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { Decimal } from "../src/decimal.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { comparePositions, type Position } from "../src/position.ts";
import { readLinePieces } from "../src/storage/line_reader.ts";
import { type PositionRow, PositionRuns } from "../src/storage/position_lines.ts";
import { mergedRuns, type MergePart, type Run, splitPoints } from "../src/storage/run_merge.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const account = generateAccount({ seed: 5, symbols: 6, fills: 8_000, hedge: "mixed" });
const POSITIONS = buildLedger(account.trades.map((r) => fillFromTrade(r, account.market)))
  .positions;

async function merged(runs: PositionRuns): Promise<string> {
  let text = "";
  for await (const line of mergedRuns(runs.runs)) text += line;
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
          const p = at(shuffled, k % shuffled.length);
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

async function text(lines: AsyncIterable<string>): Promise<string> {
  let all = "";
  for await (const line of lines) all += line;
  return all;
}

Deno.test("merged in parts cut anywhere, the parts end to end are the whole merge", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(POSITIONS, { minLength: 1 }),
      fc.integer({ min: 2_000, max: 100_000 }),
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.integer({ min: 2, max: 5 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.nat(),
      async (shuffled, runBytes, markEvery, twins, parts, cuts, dropping) => {
        // Twins order equal to their position: equal rows in one run and across runs.
        const added: Position[] = [...shuffled];
        for (const k of twins) {
          added.splice(k % (added.length + 1), 0, at(shuffled, k % shuffled.length));
        }
        await using dir = await tempDir();
        const sorted = new PositionRuns(dir.path, runBytes, markEvery);
        for (const p of added) sorted.add(p);
        sorted.flush();
        // Some runs leave out the rows of a symbol, as a shard's first runs do.
        const symbol = at(added, dropping % added.length).symbol;
        const runs: Run[] = sorted.runs.map((run, i) =>
          (i + dropping) % 3 === 0 ? { ...run, drop: (row) => row.symbol === symbol } : run
        );
        const whole = await text(mergedRuns(runs));
        // Points from the marks, as a rebuild cuts; or at positions of any kind (a point
        // between marks, or equal to rows of several runs).
        const points = cuts.length === 0
          ? splitPoints(runs, parts)
          : cuts.map((k) => at(added, k % added.length)).sort(comparePositions);
        if (cuts.length === 0) assert.ok(points.length < parts);
        const bounds: MergePart[] = [undefined, ...points].map((from, k) => ({
          from,
          to: points[k],
        }));
        let joined = "";
        for (const part of bounds) joined += await text(mergedRuns(runs, part));
        assert.ok(joined === whole);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("a positions file merged with runs: its header checked, rows dropped, CRLF read as LF", async () => {
  await using dir = await tempDir();
  const old = POSITIONS.slice(0, 60);
  const added = POSITIONS.slice(60, 90);
  // The old file's rows of one symbol are left out (a sync rebuilt that symbol).
  const symbol = at(old, 0).symbol;
  const file = `${dir.path}/positions.csv`;
  // Saved by a spreadsheet: CRLF line breaks, and a byte-order mark.
  const oldCsv = positionsCsv([...old].sort(comparePositions));
  await Deno.writeTextFile(file, "\ufeff" + oldCsv.replaceAll("\n", "\r\n"));
  const runs = new PositionRuns(dir.path, 4_000);
  for (const p of added) runs.add(p);
  runs.flush();
  const drop = (row: PositionRow) => row.symbol === symbol;
  const merged = await text(mergedRuns([{ path: file, positionsFile: true, drop }, ...runs.runs]));
  const expected = [...old.filter((p) => p.symbol !== symbol), ...added].sort(comparePositions);
  assert.ok(old.some((p) => p.symbol !== symbol) && old.some((p) => p.symbol === symbol));
  assert.ok(merged === positionsCsv(expected));
  // Any other first line is not a positions file of this version.
  await Deno.writeTextFile(file, "status,symbol\r\n");
  await assert.rejects(text(mergedRuns([{ path: file, positionsFile: true }])), {
    name: "DataFileError",
    line: 1,
  });
});

Deno.test("the points that cut a merge: as many as asked, in order, of parts of about equal size", async () => {
  await using dir = await tempDir();
  const sorted = new PositionRuns(dir.path, 20_000, 16);
  const added = POSITIONS;
  for (const p of added) sorted.add(p);
  sorted.flush();
  assert.ok(sorted.runs.length > 3, `${sorted.runs.length} runs`);
  const whole = [...added].sort(comparePositions);
  for (const parts of [2, 3, 4]) {
    const points = splitPoints(sorted.runs, parts);
    assert.equal(points.length, parts - 1);
    // Rows before each point: about k/parts of them (within the marks' spacing, per run).
    for (const [k, point] of points.entries()) {
      const before = whole.filter((p) => comparePositions(p, point) < 0).length;
      const expected = ((k + 1) * whole.length) / parts;
      assert.ok(Math.abs(before - expected) <= 16 * sorted.runs.length, `${before} ≠ ${expected}`);
    }
  }
  assert.deepEqual(splitPoints(sorted.runs, 1), []);
  // A run without marks (a positions file) cannot be read from a point: no cut.
  assert.deepEqual(splitPoints([...sorted.runs, { path: "p.csv", positionsFile: true }], 2), []);
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
  const text = lines.map((line, i) => line + (i % 3 === 0 ? "\r\n" : "\n")).join("");
  await using dir = await tempDir();
  const path = `${dir.path}/lines.csv`;
  await Deno.writeTextFile(path, "\ufeff" + text);
  const pieces: string[] = [];
  for await (const piece of readLinePieces(path)) pieces.push(piece);
  assert.ok(pieces.length > 10, `${pieces.length} pieces`);
  assert.ok(pieces.every((piece) => piece.endsWith("\n")), "each piece is whole lines");
  assert.ok(pieces.join("") === text, "the text, without its byte-order mark");
  // From a line further on: the rest of the file (the BOM is dropped only at the start).
  const offset =
    new TextEncoder().encode("\ufeff" + text.slice(0, text.indexOf("\n7\r\n") + 1)).length;
  let rest = "";
  for await (const piece of readLinePieces(path, offset)) rest += piece;
  assert.ok(rest === text.slice(text.indexOf("\n7\r\n") + 1));
});

Deno.test("reading lines: a byte that is not UTF-8, and a last line cut short, are named by line", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/lines.csv`;
  const read = async (offset = 0, firstLine = 1) => {
    for await (const _ of readLinePieces(path, offset, firstLine));
  };
  // Line 3 (of 5) holds 0xFF, which UTF-8 never has; a U+FFFD written as text is read as text.
  const bytes = new TextEncoder().encode("a\n\uFFFD\nbXc\nd\ne\n");
  bytes[bytes.indexOf(88)] = 0xff;
  await Deno.writeFile(path, bytes);
  await assert.rejects(read(), { name: "DataFileError", line: 3, problem: "is not UTF-8 text" });
  // Read from line 2 (byte 2), numbered from there.
  await assert.rejects(read(2, 2), { name: "DataFileError", line: 3 });
  await Deno.writeTextFile(path, "a\nb\nc");
  await assert.rejects(read(), (error: Error & { line: number }) => {
    assert.equal(error.line, 3);
    assert.match(error.message, /cut short/);
    return true;
  });
});
