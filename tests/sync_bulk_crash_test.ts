/**
 * Crash safety of the bulk downloads, with real processes: a sync killed (SIGKILL) while it
 * downloads the ready zips or merges their rows is completed by the next run, with exactly the
 * files an uninterrupted run writes, and nothing is requested again.
 */
import assert from "node:assert/strict";
import { cliCommand } from "./support/cli.ts";
import { copy } from "./support/copy.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

const RUNS = 9;
const DAY = 86_400_000;

/** Resolves once a file whose name passes `test` shows up in `dir` (or `child` ends). */
async function appears(
  dir: string,
  test: (name: string) => boolean,
  child: Deno.ChildProcess,
): Promise<void> {
  let done = false;
  child.status.then(() => (done = true));
  while (!done) {
    try {
      for (const entry of Deno.readDirSync(dir)) if (test(entry.name)) return;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

Deno.test("sync killed while downloading or merging, then run again, ends as if never killed", async () => {
  await using exchange = await startFakeExchange({
    seed: 73,
    symbols: 4,
    fills: 3000,
    months: 14,
    weightLimit: 1_000_000,
    exportPartRows: 500,
  });
  const env = exchangeEnv(exchange);
  const from = new Date(Math.floor(exchange.account.startTime / DAY) * DAY).toISOString();
  await using pending = await tempDir();
  assert.equal((await syncWith(exchange, pending.path, "--from", from.slice(0, 10))).code, 0);
  const asked = () => exchange.log.filter((e) => /\/asyn$/.test(e.endpoint)).length;
  const requests = asked();

  await using reference = await tempDir();
  await copy(pending.path, reference.path);
  const started = Date.now();
  const done = await syncWith(exchange, reference.path);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /merged/);
  const duration = Date.now() - started;
  const expected = await snapshot(reference.path);

  for (let run = 0; run < RUNS; run++) {
    await using dir = await tempDir();
    await copy(pending.path, dir.path);
    const child = cliCommand({ cwd: dir.path, env, output: "null" }, "sync").spawn();
    if (run % 3 === 0) { // any moment
      await new Promise((r) => setTimeout(r, Math.random() * duration));
    } else if (run % 3 === 1) { // downloading: once the first zip is being written
      await appears(`${dir.path}/futures_downloads`, (name) => /\.(zip|tmp)$/.test(name), child);
      await new Promise((r) => setTimeout(r, Math.random() * 20));
    } else { // merging: once the commit writes its first file
      await appears(dir.path, (name) => name.endsWith(".tmp"), child);
      await new Promise((r) => setTimeout(r, Math.random() * 30));
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
    assert.deepEqual([...Deno.readDirSync(`${dir.path}/futures_downloads`)], [], `run ${run}`);
  }
  assert.equal(asked(), requests, "nothing was requested again");
});
