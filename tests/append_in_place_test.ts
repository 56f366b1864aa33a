/**
 * Appending in place behind an undo journal (`src/storage/append_in_place.ts`): the rows are
 * added; an append cut short by a killed process, or by an error, leaves the file exactly as it
 * was (bytes and modification time, which the sync's cache compares) once undone; a file changed
 * since is left alone; a journal that is not one is refused.
 */
import assert from "node:assert/strict";
import {
  appendInPlace,
  appendJournalOf,
  undoInterruptedAppends,
} from "../src/storage/append_in_place.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { killedAppend } from "./support/killed_append.ts";
import { tempDir } from "./support/sync.ts";

const HEADER = "time,symbol\n";

/** A file of `rows` lines after the header, with an old modification time. */
async function oldFile(path: string, rows = 3): Promise<{ text: string; mtime: number }> {
  const text = HEADER + Array.from({ length: rows }, (_, i) => `${i},SYM${i}\n`).join("");
  await Deno.writeTextFile(path, text);
  await Deno.utime(path, new Date(1_700_000_000_000), new Date(1_700_000_000_123));
  return { text, mtime: 1_700_000_000_123 };
}

Deno.test("appendInPlace adds the rows at the end and leaves no journal", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const { text } = await oldFile(path);
  await appendInPlace(path, ["3,SYM3\n", "4,SYM4\n"]);
  assert.equal(await Deno.readTextFile(path), text + "3,SYM3\n4,SYM4\n");
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["futures_fills.csv"]);
  assert.deepEqual(await undoInterruptedAppends(dir.path), []);
});

Deno.test("an append killed half-way is undone: the file as it was, byte for byte, and its time", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_income.csv`;
  const { text, mtime } = await oldFile(path);
  await killedAppend(path);
  const left = await Deno.readTextFile(path);
  // What the kill left: a mebibyte of rows, the last cut short, and the journal.
  assert.ok(left.startsWith(text) && left.length > text.length + (1 << 20) - 64, `${left.length}`);
  assert.ok(!left.endsWith("\n"), "the last row is cut short");
  assert.ok(Deno.statSync(appendJournalOf(path)).isFile);

  const done = await undoInterruptedAppends(dir.path);
  assert.deepEqual(done, [
    `futures_income.csv: undid an append an interrupted run left (${
      left.length - text.length
    } bytes)`,
  ]);
  assert.equal(await Deno.readTextFile(path), text);
  assert.equal((await Deno.stat(path)).mtime?.getTime(), mtime);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["futures_income.csv"]);
});

Deno.test("an append that fails (a full disk, say) is undone at once", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const { text, mtime } = await oldFile(path);
  function* rows() {
    for (let i = 0; i < 40_000; i++) yield `${i},${"y".repeat(50)}\n`; // 2 MiB: some written
    throw new Error("No space left on device");
  }
  await assert.rejects(appendInPlace(path, rows()), /No space left/);
  assert.equal(await Deno.readTextFile(path), text);
  assert.equal((await Deno.stat(path)).mtime?.getTime(), mtime);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["futures_fills.csv"]);
});

Deno.test("a file that is no longer the one appended to is left as it is", async (t) => {
  for (
    const [what, change] of [
      ["shorter than before the append", (text: string) => text.slice(0, 10)],
      ["other bytes before the append's start", (text: string) => text.replace("SYM1", "SYM9")],
    ] as const
  ) {
    await t.step(what, async () => {
      await using dir = await tempDir();
      const path = `${dir.path}/futures_fills.csv`;
      const { text } = await oldFile(path, 3000);
      await killedAppend(path);
      const replaced = change(text) + "restored from a backup\n";
      await Deno.writeTextFile(path, replaced);
      assert.deepEqual(await undoInterruptedAppends(dir.path), [
        "futures_fills.csv: changed since an interrupted append began; left as it is",
      ]);
      assert.equal(await Deno.readTextFile(path), replaced);
      assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["futures_fills.csv"]);
    });
  }
});

Deno.test("a journal that is not one is refused, naming it, and nothing is changed", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  await oldFile(path);
  const journal = appendJournalOf(path);
  await Deno.writeTextFile(journal, '{"bytes": 5}\n');
  await assert.rejects(
    undoInterruptedAppends(dir.path),
    (error) =>
      error instanceof DataFileError && error.path === journal &&
      /not an append journal/.test(error.message),
  );
  assert.equal(await Deno.readTextFile(journal), '{"bytes": 5}\n');
  assert.equal((await Deno.stat(path)).size, HEADER.length + 3 * 7);
});
