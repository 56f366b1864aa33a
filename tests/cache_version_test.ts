/**
 * The ledger cache of an earlier version is not continued from: version 2 books were built by a
 * ledger that left a position held into delivery open (or, read against Binance's empty position
 * after the delivery, a made-up PARTIAL short), and a sync continuing them kept that row for good
 * while `positions` closed it; version 3 caches describe files that may hold a fill twice, which
 * only a sync reading them whole repairs (`tests/sync_repeated_rows_test.ts`). The sync rebuilds
 * such a cache once.
 */
import assert from "node:assert/strict";
import { CACHE_VERSION, readCacheFile } from "../src/storage/cache_file.ts";
import { crc32Hex } from "../src/csv/crc32.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("a cache of another version is not used: the sync rebuilds it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/cache.json`;
  const write = (version: number) => {
    const line = JSON.stringify({ version, files: {}, markets: {} });
    return Deno.writeTextFile(path, `${line}\n${crc32Hex(line)}\n`);
  };
  await write(CACHE_VERSION);
  assert.equal((await readCacheFile(path))?.version, 4);
  for (const version of [1, 2, 3, 5]) {
    await write(version);
    assert.equal(await readCacheFile(path), undefined, `version ${version}`);
  }
});
