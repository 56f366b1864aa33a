/**
 * Replacing a file only when its content changes (`writeFileIfChanged`): a file that holds the
 * content already keeps its bytes and its modification time, which a sync's cache compares; any
 * difference, anywhere, replaces it. And a large file written from pieces of text and of bytes,
 * flushed to disk as it is written.
 */
import assert from "node:assert/strict";
import { writeFileAtomic, writeFileIfChanged } from "../src/storage/atomic_write.ts";
import { runCli } from "./support/cli.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { syncWith, tempDir } from "./support/sync.ts";

const PAST = new Date("2020-01-02T03:04:05Z");

/** Text of `n` lines, more than one mebibyte (a write's batch) for large `n`. */
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i},${i * 7}\n`);

Deno.test("writeFileIfChanged replaces a file exactly when its content differs", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/f.csv`;
  const content = lines(150_000); // about 2 MiB
  const text = content.join("");

  await t.step("no file: it is written", async () => {
    assert.equal(await writeFileIfChanged(path, content), true);
    assert.equal(await Deno.readTextFile(path), text);
  });

  const cases: [string, string[]][] = [
    ["the same lines, batched alike", content],
    ["the same text in one string", [text]],
  ];
  for (const [what, same] of cases) {
    await t.step(`${what}: left as it is, its time too`, async () => {
      await Deno.utime(path, PAST, PAST);
      assert.equal(await writeFileIfChanged(path, same), false);
      assert.equal((await Deno.stat(path)).mtime?.getTime(), PAST.getTime());
      assert.equal(await Deno.readTextFile(path), text);
    });
  }

  const changed: [string, string][] = [
    ["a byte changed in the first mebibyte", text.replace("line 5,", "line 6,")],
    ["a byte changed past the first mebibyte", text.replace("line 149000,", "line 149001,")],
    ["the last byte changed", text.slice(0, -1) + "\r"],
    ["a line more", text + "line x\n"],
    ["a line less", text.slice(0, text.lastIndexOf("line"))],
    ["empty", ""],
  ];
  for (const [what, next] of changed) {
    await t.step(`${what}: replaced`, async () => {
      await Deno.writeTextFile(path, text);
      await Deno.utime(path, PAST, PAST);
      assert.equal(await writeFileIfChanged(path, [next]), true);
      assert.equal(await Deno.readTextFile(path), next);
      assert.notEqual((await Deno.stat(path)).mtime?.getTime(), PAST.getTime());
    });
  }

  await t.step("no temporary file is left either way", () => {
    assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["f.csv"]);
  });
});

Deno.test("a file of pieces of text and of bytes, past several flushes to disk, is written whole and in order", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/big.csv`;
  // 80 MiB in pieces of text (multi-byte characters among them) and of bytes from one buffer
  // reused (as a part of a merge is read back): more than two flushes of 32 MiB.
  const buffer = new Uint8Array(1 << 20);
  const piece = (k: number) => `${k},é€😀,${"x".repeat(k % 50)}\n`.repeat(1000);
  async function* pieces(): AsyncGenerator<string | Uint8Array> {
    for (let k = 0; k < 80; k++) {
      yield piece(k);
      buffer.fill(48 + (k % 10));
      buffer[buffer.length - 1] = 10;
      yield buffer.subarray(0, buffer.length - k);
    }
  }
  await writeFileAtomic(path, pieces());
  const written = await Deno.readFile(path);
  let expected = 0;
  let at = 0;
  const encoder = new TextEncoder();
  for (let k = 0; k < 80; k++) {
    const text = encoder.encode(piece(k));
    assert.deepEqual(written.subarray(at, at + text.length), text, `piece ${k}`);
    at += text.length;
    const bytes = buffer.length - k;
    const digit = 48 + (k % 10);
    assert.ok(written.subarray(at, at + bytes - 1).every((b) => b === digit), `bytes ${k}`);
    assert.equal(written[at + bytes - 1], k === 0 ? 10 : digit, `bytes ${k} end`);
    at += bytes;
    expected += text.length + bytes;
  }
  assert.equal(written.length, expected);
  assert.ok(expected > 80 << 20);
});

Deno.test("positions over a sync's own positions file leaves it, and the next sync trusts its cache", async () => {
  await using exchange = await startFakeExchange({ seed: 21, symbols: 2, fills: 200, months: 1 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  const positionsFile = `${dir.path}/futures_positions.csv`;
  const cache = `${dir.path}/.futures-ledger-cache.json`;
  const before = await Deno.readTextFile(positionsFile);
  const times = async () => [
    (await Deno.stat(positionsFile)).mtime?.getTime(),
    (await Deno.stat(cache)).mtime?.getTime(),
  ];
  const synced = await times();

  const run = await runCli({ cwd: dir.path }, "positions");
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /already in, left unchanged: futures_positions\.csv/);
  // Nothing new at Binance, the cache trusted: the no-op sync writes nothing, the cache included
  // (a cache not trusted would have the files read whole and the cache written again).
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  assert.deepEqual(await times(), synced);
  assert.equal(await Deno.readTextFile(positionsFile), before);
});
