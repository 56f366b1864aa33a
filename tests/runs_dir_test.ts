/**
 * Where a rebuild keeps its sorted runs (`src/storage/runs_dir.ts`): beside the positions file,
 * not in the system's temporary directory; left behind by a killed run, removed by the next one,
 * but never while the run that made it lives. With them, the parts of the merge and the positions
 * file being written: a `positions` killed at any moment leaves nothing once run again.
 */
import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { writeFillsFile } from "../src/storage/fills_file.ts";
import { makeRunsDir, removeStaleRunsDirs } from "../src/storage/runs_dir.ts";
import { generateAccount } from "./fake_exchange/mod.ts";
import { cliCommand, runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

const RUNS = /^\.futures-ledger-runs-[0-9a-f]{8}$/;

/** The temporary file of `p.csv` being written. */
const TEMPORARY = /^\.p\.csv\.\d+\.[0-9a-f]{8}\.tmp$/;

/** The runs directories in `dir`. */
function runsDirs(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => RUNS.test(e.name)).map((e) => e.name);
}

Deno.test("a runs directory in use is left; one whose run was killed is removed", async () => {
  await using dir = await tempDir();
  // Another process makes one, with a run in it, and lives on until killed.
  const module = new URL("../src/storage/runs_dir.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { makeRunsDir } = await import(${JSON.stringify(module)});
       const runs = await makeRunsDir(${JSON.stringify(dir.path)});
       await Deno.writeTextFile(runs.path + "/run-1.csv", "a run\\n");
       console.log("ready");
       setInterval(() => {}, 1000);`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "ready");
  const [made] = runsDirs(dir.path);
  assert.ok(made !== undefined);

  assert.deepEqual(await removeStaleRunsDirs(dir.path), [], "in use: left");
  assert.deepEqual(runsDirs(dir.path), [made]);

  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  assert.deepEqual(await removeStaleRunsDirs(dir.path), [made], "its run was killed: removed");
  assert.deepEqual(runsDirs(dir.path), []);

  // One without its lock file (a run killed as it made it): left while it may be being made,
  // removed a minute after it last changed.
  const lockless = `${dir.path}/.futures-ledger-runs-0badcafe`;
  await Deno.mkdir(lockless);
  assert.deepEqual(await removeStaleRunsDirs(dir.path), []);
  await Deno.utime(lockless, new Date(), new Date(Date.now() - 61_000));
  assert.deepEqual(await removeStaleRunsDirs(dir.path), [".futures-ledger-runs-0badcafe"]);

  // This process's own, in use, is left too; removed when it is done with.
  {
    await using mine = await makeRunsDir(dir.path);
    assert.deepEqual(await removeStaleRunsDirs(dir.path), []);
    assert.ok(RUNS.test(mine.path.split("/").at(-1)!));
  }
  assert.deepEqual(runsDirs(dir.path), []);
});

Deno.test("positions killed mid-rebuild: the next one removes its runs and writes the same file", async () => {
  await using dir = await tempDir();
  const account = generateAccount({ seed: 12, symbols: 6, fills: 30_000, months: 3 });
  await writeFillsFile(
    `${dir.path}/futures_fills.csv`,
    account.trades.map((t) => fillFromTrade(t, account.market)),
  );
  await Deno.mkdir(`${dir.path}/out`);
  assert.equal((await runCli({ cwd: dir.path }, "positions", "--out", "out/whole.csv")).code, 0);
  assert.deepEqual(runsDirs(`${dir.path}/out`), [], "runs removed when done");
  const expected = await Deno.readTextFile(`${dir.path}/out/whole.csv`);

  // Killed once its runs directory is there (beside the output, not in the system's temp).
  let left: string[] = [];
  for (let attempt = 0; attempt < 5 && left.length === 0; attempt++) {
    const child = cliCommand({ cwd: dir.path, output: "null" }, "positions", "--out", "out/p.csv")
      .spawn();
    let ended = false;
    child.status.then(() => (ended = true));
    const locked = () =>
      runsDirs(`${dir.path}/out`).some((d) => exists(`${dir.path}/out/${d}/lock`));
    while (!ended && !locked()) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (!ended) child.kill("SIGKILL");
    await child.status;
    left = runsDirs(`${dir.path}/out`);
  }
  assert.equal(left.length, 1, "a killed run leaves its runs directory");

  const again = await runCli({ cwd: dir.path }, "positions", "--out", "out/p.csv");
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    new RegExp(`note: removed out/${left[0]}, left by an interrupted run`),
  );
  assert.deepEqual(runsDirs(`${dir.path}/out`), []);
  assert.ok(await Deno.readTextFile(`${dir.path}/out/p.csv`) === expected);
});

Deno.test("positions killed at random moments, then run again, leaves the file it would have written and nothing else", async () => {
  await using dir = await tempDir();
  const account = generateAccount({ seed: 14, symbols: 6, fills: 30_000, months: 3 });
  await writeFillsFile(
    `${dir.path}/futures_fills.csv`,
    account.trades.map((t) => fillFromTrade(t, account.market)),
  );
  await Deno.mkdir(`${dir.path}/out`);
  const args = ["positions", "--jobs", "2", "--out", "out/p.csv"];
  const whole = await runCli({ cwd: dir.path }, ...args);
  assert.equal(whole.code, 0, whole.stderr);
  const expected = await Deno.readTextFile(`${dir.path}/out/p.csv`);
  const started = performance.now();
  await runCli({ cwd: dir.path }, ...args);
  const took = performance.now() - started;
  const path = `${dir.path}/out/p.csv`;
  /** Whether the positions file is being written (its temporary file is there, wherever). */
  const writing = () =>
    [...Deno.readDirSync(`${dir.path}/out`)].some((e) =>
      TEMPORARY.test(e.name) ||
      (RUNS.test(e.name) &&
        [...Deno.readDirSync(`${dir.path}/out/${e.name}`)].some((f) => TEMPORARY.test(f.name)))
    );
  /** Kills a run when `now` says, then checks what it left and what a run after it writes. */
  const killed = async (round: number, now: (ended: () => boolean) => Promise<void>) => {
    if (round % 2 === 0) await Deno.remove(path).catch(() => {});
    const child = cliCommand({ cwd: dir.path, output: "null" }, ...args).spawn();
    let ended = false;
    child.status.then(() => (ended = true));
    await now(() => ended);
    if (!ended) child.kill("SIGKILL");
    const { signal } = await child.status;
    const left = exists(path) ? await Deno.readTextFile(path) : undefined;
    assert.ok(left === undefined || left === expected, `round ${round}: a whole file or none`);
    const again = await runCli({ cwd: dir.path }, ...args);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(await Deno.readTextFile(path) === expected, `round ${round}`);
    // Nothing else, but for the runs directory of a run killed as it was making it (between its
    // mkdir and its lock's rename: a few system calls), which a run leaves for a minute as it
    // cannot tell it from one being made now (`runs_dir.ts`).
    const others = [...Deno.readDirSync(`${dir.path}/out`)].map((e) => e.name).filter((name) =>
      !(RUNS.test(name) && !exists(`${dir.path}/out/${name}/lock`))
    );
    assert.deepEqual(others, ["p.csv"]);
    return signal === "SIGKILL";
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  // From before the rebuild to the merge and the write, with no file yet or the file of a run
  // before.
  for (let round = 0; round < 6; round++) {
    await killed(round, () => sleep(((round + 0.5) / 6) * took));
  }
  // And as the positions file is written, which is quick: tried until a kill lands there.
  let landed = false;
  for (let round = 0; round < 30 && !landed; round++) {
    landed = await killed(round, async (ended) => {
      while (!ended() && !writing()) await sleep(1);
    });
  }
  assert.ok(landed, "killed as it wrote the positions file");
});

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
