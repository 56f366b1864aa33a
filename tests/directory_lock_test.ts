/**
 * The lock of a data directory between commands, run as users run them: `sync` (and `import`)
 * write it under an exclusive lock, `positions`, `report` and `export` read it under a shared one;
 * a command kept out exits with code 3 and says why, having written nothing.
 */
import assert from "node:assert/strict";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { acquireLock, acquireSharedLock, LOCK_FILE } from "../src/storage/lock.ts";
import { runCli } from "./support/cli.ts";
import { syncWith, tempDir } from "./support/sync.ts";

const LOCKED = /another futures-ledger run is using .*; wait for it to finish, then run again/;

Deno.test("readers and sync keep each other out of a directory; readers share it", async (t) => {
  await using exchange = await startFakeExchange({ seed: 7, symbols: 2, fills: 40, months: 1 });
  await using dir = await tempDir();
  const positions = (...args: string[]) => runCli({ cwd: dir.path }, "positions", ...args);
  const sync = await syncWith(exchange, dir.path);
  assert.equal(sync.code, 0, sync.stderr);
  // A sync that ended leaves the lock file, naming no process: one kept out later by a reader
  // must not name a finished sync.
  assert.equal(await Deno.readTextFile(`${dir.path}/${LOCK_FILE}`), "");

  await t.step(
    "positions while a sync holds the lock: exit 3, the sync named, nothing written",
    async () => {
      {
        using _sync = await acquireLock(dir.path);
        const kept = await positions("--out", "p.csv");
        assert.equal(kept.code, 3, kept.stderr);
        assert.match(kept.stderr, LOCKED);
        assert.match(kept.stderr, new RegExp(`\\(pid ${Deno.pid}, started `));
      }
      assert.deepEqual([...Deno.readDirSync(dir.path)].filter((e) => e.name === "p.csv"), []);
    },
  );

  await t.step("a sync while positions reads: exit 3, nothing written", async () => {
    const before = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
    exchange.account.addTrades(20, Date.now() - 1, 60_000);
    {
      using _reader = await acquireSharedLock(dir.path);
      const kept = await syncWith(exchange, dir.path);
      assert.equal(kept.code, 3, kept.stderr);
      assert.match(kept.stderr, LOCKED);
      assert.doesNotMatch(kept.stderr, /\(pid/);
    }
    assert.equal(await Deno.readTextFile(`${dir.path}/futures_fills.csv`), before);
    // Once the reader is done, the sync runs.
    const after = await syncWith(exchange, dir.path);
    assert.equal(after.code, 0, after.stderr);
    assert.notEqual(await Deno.readTextFile(`${dir.path}/futures_fills.csv`), before);
  });

  await t.step(
    "report and export while a sync holds the lock: exit 3, nothing written; after it, they run",
    async () => {
      const report = () => runCli({ cwd: dir.path }, "report", "--out", "r.html");
      const exported = () =>
        runCli({ cwd: dir.path }, "export", "koinly", "--from", "2020-01-01", "--out", "k.csv");
      {
        using _sync = await acquireLock(dir.path);
        for (const kept of [await report(), await exported()]) {
          assert.equal(kept.code, 3, kept.stderr);
          assert.match(kept.stderr, LOCKED);
        }
      }
      const written = () =>
        [...Deno.readDirSync(dir.path)].filter((e) => e.name === "r.html" || e.name === "k.csv");
      assert.deepEqual(written(), []);
      // A reader does not keep another out.
      using _reader = await acquireSharedLock(dir.path);
      for (const run of [await report(), await exported()]) assert.equal(run.code, 0, run.stderr);
      assert.equal(written().length, 2);
    },
  );

  await t.step("readers share the lock: positions runs while another reader holds it", async () => {
    using _reader = await acquireSharedLock(dir.path);
    const run = await positions("--out", "p.csv");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      await Deno.readTextFile(`${dir.path}/p.csv`),
      await Deno.readTextFile(`${dir.path}/futures_positions.csv`),
    );
  });
});

Deno.test("a directory no sync has used has no lock to share: positions creates none", async () => {
  await using dir = await tempDir();
  assert.equal(await acquireSharedLock(dir.path), undefined);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});
