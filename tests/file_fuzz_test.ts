/**
 * Fuzzing the readers with real files: random truncations, deleted or doubled bytes, swapped
 * lines, inserted separators, quotes, line breaks and byte-order marks. For each mutation, reading
 * either fails with an error naming the file and a line, or yields exactly the rows of the
 * original — never a silently different ledger.
 *
 * The one mutation that yields a valid file with other rows is a cut exactly at the end of a line:
 * the rows read are then rows of the original (fewer of them), as asserted here. No reader can
 * tell such a file from a shorter history; the sync can (state.json records what was synced:
 * see `sync_repair_test.ts`).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { fillKey } from "../src/fill.ts";
import { incomeKey, type IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

type Mutation =
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "delete"; readonly at: number }
  | { readonly kind: "double"; readonly at: number }
  | { readonly kind: "swap"; readonly line: number; readonly with: number }
  | { readonly kind: "insert"; readonly at: number; readonly text: string };

/** Positions, taken modulo the text's length or line count, so any text can take them. */
const fraction = fc.nat({ max: 1_000_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fraction.map((at) => ({ kind: "truncate" as const, at })),
  fraction.map((at) => ({ kind: "delete" as const, at })),
  fraction.map((at) => ({ kind: "double" as const, at })),
  fc.tuple(fraction, fraction).map(([line, other]) => ({
    kind: "swap" as const,
    line,
    with: other,
  })),
  fc.tuple(fraction, fc.constantFrom(",", '"', "\uFEFF", "\n", "\r\n", ";", " ")).map((
    [at, text],
  ) => ({ kind: "insert" as const, at, text })),
);

/** `text` with `m` applied. */
function mutate(text: string, m: Mutation): string {
  const offset = "at" in m ? m.at % (text.length + 1) : 0;
  switch (m.kind) {
    case "truncate":
      return text.slice(0, offset);
    case "delete":
      return text.slice(0, offset) + text.slice(offset + 1);
    case "double":
      return text.slice(0, offset + 1) + text.slice(offset);
    case "insert":
      return text.slice(0, offset) + m.text + text.slice(offset);
    case "swap": {
      const lines = text.split("\n");
      const i = m.line % lines.length;
      const j = m.with % lines.length;
      [lines[i], lines[j]] = [at(lines, j), at(lines, i)];
      return lines.join("\n");
    }
  }
}

/** Runs `read` on `text`: the rows, or the error (which must name the file and a line). */
async function readOrFail<T>(
  path: string,
  text: string,
  read: (path: string) => Promise<T[]>,
): Promise<T[] | undefined> {
  await Deno.writeTextFile(path, text);
  try {
    return await read(path);
  } catch (error) {
    assert.ok(error instanceof DataFileError, `not a DataFileError: ${error}`);
    assert.equal(error.path, path);
    // Line 0 (the file as a whole) only for an empty file.
    assert.ok(error.line > 0 || text.trim() === "", error.message);
    assert.ok(error.message.startsWith(`${path}${error.line > 0 ? `:${error.line}` : ""}: `));
    return undefined;
  }
}

/**
 * Whether the rows read are each a row of the original, when a cut may have dropped whole lines:
 * a mutation list with a truncation that left the text ending after a line.
 */
function cutAtLineEnd(mutations: readonly Mutation[], mutated: string): boolean {
  return mutations.some((m) => m.kind === "truncate") &&
    (mutated === "" || mutated.endsWith("\n"));
}

/** Whether every row of `part` is a row of `whole` (as many times at most). */
function isPartOf<T>(part: readonly T[], whole: readonly T[], key: (row: T) => string): boolean {
  const left = new Map<string, T[]>();
  for (const row of whole) left.set(key(row), [...(left.get(key(row)) ?? []), row]);
  return part.every((row) => {
    const same = left.get(key(row));
    const at = same?.findIndex((r) => JSON.stringify(r) === JSON.stringify(row)) ?? -1;
    if (at < 0) return false;
    same!.splice(at, 1);
    return true;
  });
}

function sortedBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

Deno.test("fuzz: a damaged fills file is refused by line, or read exactly", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const account = generateAccount({ seed: 91, symbols: 3, fills: 120, months: 1, hedge: "mixed" });
  const fills = account.trades.map((t) => fillFromTrade(t, account.market));
  await writeFillsFile(path, fills);
  const original = await Deno.readTextFile(path);
  const rows = (await readFillsFile(path)).fills;
  const positions = positionsCsv(buildLedger(rows).positions);
  const outcomes = { refused: 0, same: 0, cut: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
      const text = mutations.reduce(mutate, original);
      const read = await readOrFail(path, text, async (p) => (await readFillsFile(p)).fills);
      if (read === undefined) return void outcomes.refused++;
      if (cutAtLineEnd(mutations, text) && read.length < rows.length) {
        outcomes.cut++;
        return assert.ok(isPartOf(read, rows, fillKey), text.slice(-300));
      }
      outcomes.same++;
      assert.deepEqual(sortedBy(read, fillKey), sortedBy(rows, fillKey), text.slice(0, 300));
      // A valid file with the same rows in another order (swapped lines): the same positions.
      assert.equal(positionsCsv(buildLedger(read).positions), positions);
    }),
    { numRuns: 400 },
  );
  // The mutations reach every outcome (else the test could not fail where it should).
  assert.ok(outcomes.refused > 200 && outcomes.same > 5, JSON.stringify(outcomes));
});

Deno.test("fuzz: a damaged income file is refused by line, or read exactly", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_income.csv`;
  const account = generateAccount({ seed: 92, symbols: 2, fills: 60, months: 1 });
  const income: IncomeRecord[] = account.incomeRows().map((r) => ({ market: "usdm", ...r }));
  await writeIncomeFile(path, income);
  const original = await Deno.readTextFile(path);
  const rows = await readIncomeFile(path);
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
      const text = mutations.reduce(mutate, original);
      const read = await readOrFail(path, text, readIncomeFile);
      if (read === undefined) return void refused++;
      if (cutAtLineEnd(mutations, text) && read.length < rows.length) {
        return assert.ok(isPartOf(read, rows, incomeKey));
      }
      assert.deepEqual(sortedBy(read, incomeKey), sortedBy(rows, incomeKey));
    }),
    { numRuns: 200 },
  );
  assert.ok(refused > 100, `${refused} refused`);
});
