/**
 * Crash safety, with real processes: a sync killed (SIGKILL) at any moment is completed by the
 * next run, with exactly the files an uninterrupted run writes, and no temporary file left; two
 * syncs at once never mix. 32 kills, at moments that rotate from while it fetches to while it
 * writes its last files; the test counts the kills that met a running sync (and what they cut
 * short), so that kills landing after the run had ended cannot pass for crash safety. A longer
 * run with injected faults: `deno task bench chaos` (RELIABILITY.md).
 */
import assert from "node:assert/strict";
import { cliCommand, runCli } from "./support/cli.ts";
import { at } from "./support/indexed.ts";
import { killedAppend } from "./support/killed_append.ts";
import { copy } from "./support/copy.ts";
import { type FakeExchange, startFakeExchange } from "./fake_exchange/mod.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

/** Kills, each followed by a run to the end; their moments rotate through {@linkcode MOMENTS}. */
const RUNS = 32;

/**
 * When a kill lands: after a random number of the run's requests (while it fetches: nothing
 * written yet); at a random time within an uninterrupted run's duration; as its first file is
 * written (a temporary file appears); as its last files — positions, state, cache — are written.
 */
const MOMENTS = ["fetching", "any time", "first write", "last writes"] as const;

/** Temporary files of the writes that come last (see `src/sync/commit.ts`). */
const LAST_WRITES =
  /^\.(futures_positions\.csv|futures_fee_conversions\.csv|state\.json|\.futures-ledger-cache\.json)\./;

/** What an unfinished write leaves: a temporary file, or an append's undo journal. */
const UNFINISHED = /\.tmp$|\.append\.json$/;

/** Starts `sync` in `dir` without waiting for it. */
function spawnSync(env: Record<string, string>, dir: string): Deno.ChildProcess {
  return cliCommand({ cwd: dir, env, output: "null" }, "sync").spawn();
}

/** Resolves once a temporary file whose name `wanted` accepts shows up in `dir` (or the child ends). */
async function tempFile(dir: string, done: () => boolean, wanted = /\.tmp$/): Promise<void> {
  while (!done()) {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.endsWith(".tmp") && wanted.test(entry.name)) return;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Resolves once `exchange` has logged `count` more requests than `from` (or the child ends). */
async function requests(exchange: FakeExchange, from: number, count: number, done: () => boolean) {
  while (!done() && exchange.log.length - from < count) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

Deno.test("sync killed at random moments, then run again, ends as if never killed", async () => {
  await using exchange = await startFakeExchange({
    seed: 41,
    symbols: 6,
    fills: 4000,
    months: 2,
    weightLimit: 1_000_000, // 40 syncs in a minute: rate limits are tested elsewhere
  });
  const env = exchangeEnv(exchange);
  await using before = await tempDir();
  assert.equal((await syncWith(exchange, before.path)).code, 0);
  const start = await snapshot(before.path);
  exchange.account.addTrades(1000, Date.now() - 1);
  await using reference = await tempDir();
  await copy(before.path, reference.path);
  const from = exchange.log.length;
  const started = Date.now();
  assert.equal((await syncWith(exchange, reference.path)).code, 0);
  const duration = Date.now() - started;
  const requestCount = exchange.log.length - from;
  const expected = await snapshot(reference.path);

  // What each kill met: the run still going (else the kill came after it ended), and the files.
  const tally = { interrupted: 0, untouched: 0, midWrite: 0, betweenWrites: 0, written: 0 };
  const landed = new Map(MOMENTS.map((m) => [m, 0]));
  for (let run = 0; run < RUNS; run++) {
    const moment = at(MOMENTS, run % MOMENTS.length);
    const fresh = Math.floor(run / MOMENTS.length) % 4 === 3; // a quarter start from nothing
    await using dir = await tempDir();
    if (!fresh) await copy(before.path, dir.path);
    const log = exchange.log.length;
    const child = spawnSync(env, dir.path);
    let ended = false;
    const status = child.status.then((s) => (ended = true, s));
    const done = () => ended;
    if (moment === "fetching") {
      await requests(exchange, log, 1 + Math.floor(Math.random() * requestCount), done);
    } else if (moment === "any time") {
      await new Promise((r) => setTimeout(r, Math.random() * duration));
    } else if (moment === "first write") {
      await tempFile(dir.path, done);
      await new Promise((r) => setTimeout(r, Math.random() * 15));
    } else {
      await tempFile(dir.path, done, LAST_WRITES);
    }
    try {
      child.kill("SIGKILL");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    const { signal } = await status;
    if (signal === "SIGKILL") {
      tally.interrupted++;
      landed.set(moment, landed.get(moment)! + 1);
      const left = [...Deno.readDirSync(dir.path)].some((e) => UNFINISHED.test(e.name));
      const files = JSON.stringify(await snapshot(dir.path));
      if (left) tally.midWrite++;
      else if (files === JSON.stringify(fresh ? {} : start)) tally.untouched++;
      else if (files === JSON.stringify(expected)) tally.written++;
      else tally.betweenWrites++;
    }
    const { code, stderr } = await syncWith(exchange, dir.path);
    assert.equal(code, 0, `run ${run}: ${stderr}`);
    assert.deepEqual(await snapshot(dir.path), expected, `run ${run}`);
    const left = [...Deno.readDirSync(dir.path)].filter((e) => UNFINISHED.test(e.name));
    assert.deepEqual(left, [], `run ${run}: no temporary file or append journal left`);
  }
  console.log(
    `${RUNS} kills: ${tally.interrupted} interrupted a run (${
      MOMENTS.map((m) => `${landed.get(m)} ${m}`).join(", ")
    }): ${tally.untouched} before any file was written, ${tally.midWrite} in the middle of a ` +
      `write (a temporary file or an append journal left), ${tally.betweenWrites} between two writes, ` +
      `${tally.written} after the data files were written`,
  );
  // Kills that came after the run ended prove nothing: most must interrupt one, at every moment.
  assert.ok(tally.interrupted >= RUNS * 0.75, `only ${tally.interrupted} kills interrupted a run`);
  for (const [moment, n] of landed) assert.ok(n > 0, `no kill interrupted a run at "${moment}"`);
  assert.ok(tally.untouched > 0 && tally.midWrite + tally.betweenWrites > 0, JSON.stringify(tally));
});

Deno.test("a temporary file or runs an interrupted run left are removed by the next run", async () => {
  await using exchange = await startFakeExchange({ seed: 47, symbols: 2, fills: 300, months: 1 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  // As `writeFileAtomic` names it: `.<file>.<pid>.<8 hex>.tmp`, cut off by a kill.
  const stale = ".futures_fills.csv.4242.0badcafe.tmp";
  await Deno.writeTextFile(`${dir.path}/${stale}`, "time,symbol,si");
  // And the sorted runs of a rebuild (`runs_dir.ts`), its lock let go when it was killed.
  const runs = ".futures-ledger-runs-0badcafe";
  await Deno.mkdir(`${dir.path}/${runs}`);
  await Deno.writeTextFile(`${dir.path}/${runs}/lock`, "");
  await Deno.writeTextFile(`${dir.path}/${runs}/run-1.csv`, "2025-01-01T00:00:00.000Z,BTC");
  const result = await syncWith(exchange, dir.path);
  assert.equal(result.code, 0, result.stderr);
  for (const name of [stale, runs]) {
    assert.match(
      result.stderr,
      new RegExp(`removed ${name.replaceAll(".", "\\.")}, left by an interrupted run`),
    );
  }
  assert.deepEqual(
    [...Deno.readDirSync(dir.path)].filter((e) => e.name.endsWith(".tmp") || e.name === runs),
    [],
  );
});

Deno.test("a sync killed while appending: other commands say to run sync, which undoes it and trusts its cache", async () => {
  await using exchange = await startFakeExchange({ seed: 48, symbols: 2, fills: 300, months: 1 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  const before = await snapshot(dir.path);
  const cache = `${dir.path}/.futures-ledger-cache.json`;
  const cacheTime = (await Deno.stat(cache)).mtime?.getTime();
  await killedAppend(`${dir.path}/futures_fills.csv`);

  const positions = await runCli({ cwd: dir.path }, "positions", "--out", "p.csv");
  assert.equal(positions.code, 1);
  assert.match(positions.stderr, /futures_fills\.csv:\d+: .*\(nothing was written\)/);
  assert.match(positions.stderr, /A sync was appending to this file and did not finish/);

  const result = await syncWith(exchange, dir.path);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /futures_fills\.csv: undid an append an interrupted run left/);
  assert.deepEqual(await snapshot(dir.path), before);
  // The file is as the cache knew it (bytes and time), so the cache was trusted: nothing new,
  // nothing written — where a cache not trusted would have had the files read whole.
  assert.equal((await Deno.stat(cache)).mtime?.getTime(), cacheTime);
  assert.deepEqual(
    [...Deno.readDirSync(dir.path)].filter((e) =>
      e.name.endsWith(".json") &&
      e.name.includes("append")
    ),
    [],
  );
});

Deno.test("two syncs at once: the second exits with a clear message, the first completes", async () => {
  await using exchange = await startFakeExchange({
    seed: 43,
    symbols: 4,
    fills: 2000,
    months: 2,
    slowMs: 1500,
  });
  await using dir = await tempDir();
  exchange.failNext("slow", 1); // the first run's first request takes 1.5 s: it holds the lock
  const first = syncWith(exchange, dir.path);
  await new Promise((r) => setTimeout(r, 400));
  const second = await syncWith(exchange, dir.path);
  assert.equal(second.code, 3);
  assert.match(
    second.stderr,
    /another futures-ledger run is using .*\(pid \d+, started .*\); wait/,
  );
  const { code, stderr } = await first;
  assert.equal(code, 0, stderr);
  await using reference = await tempDir();
  assert.equal((await syncWith(exchange, reference.path)).code, 0);
  assert.deepEqual(await snapshot(dir.path), await snapshot(reference.path));
});
