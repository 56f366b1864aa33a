/**
 * Crash safety, with real processes: a sync killed (SIGKILL) at any moment is completed by the
 * next run, with exactly the files an uninterrupted run writes; two syncs at once never mix.
 */
import assert from "node:assert/strict";
import { cliCommand } from "./support/cli.ts";
import { copy } from "./support/copy.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

const RUNS = 20;

/** Starts `sync` in `dir` without waiting for it. */
function spawnSync(env: Record<string, string>, dir: string): Deno.ChildProcess {
  return cliCommand({ cwd: dir, env, output: "null" }, "sync").spawn();
}

/** Resolves once a temporary file of an atomic write shows up in `dir` (or the child ends). */
async function firstWrite(dir: string, child: Deno.ChildProcess): Promise<void> {
  let done = false;
  child.status.then(() => (done = true));
  while (!done) {
    for (const entry of Deno.readDirSync(dir)) if (entry.name.endsWith(".tmp")) return;
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
  exchange.account.addTrades(1000, Date.now() - 1);
  await using reference = await tempDir();
  await copy(before.path, reference.path);
  const started = Date.now();
  assert.equal((await syncWith(exchange, reference.path)).code, 0);
  const duration = Date.now() - started;
  const expected = await snapshot(reference.path);

  for (let run = 0; run < RUNS; run++) {
    await using dir = await tempDir();
    if (run % 4 !== 3) await copy(before.path, dir.path); // a quarter start from nothing
    const child = spawnSync(env, dir.path);
    if (run % 2 === 0) {
      await new Promise((r) => setTimeout(r, Math.random() * duration));
    } else {
      await firstWrite(dir.path, child);
      await new Promise((r) => setTimeout(r, Math.random() * 15));
    }
    try {
      child.kill("SIGKILL");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    await child.status;
    const { code, stderr } = await syncWith(exchange, dir.path);
    assert.equal(code, 0, `run ${run}: ${stderr}`);
    assert.deepEqual(await snapshot(dir.path), expected, `run ${run}`);
    const left = [...Deno.readDirSync(dir.path)].filter((e) => e.name.endsWith(".tmp"));
    assert.deepEqual(left, [], `run ${run}: no temporary file left`);
  }
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
