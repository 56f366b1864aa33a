/**
 * Chaos benchmark (issue 10): `deno task bench chaos [--kills N] [--seed N] [--write]`.
 *
 * The real CLI syncs against the fake exchange while 10–50% of its requests fail at random (5xx,
 * 429, connections reset, truncated JSON, -1021: `tests/fake_exchange/faults.ts`), and each sync
 * is killed with SIGKILL at a moment that rotates as in `tests/sync_crash_test.ts`: after a
 * random number of its requests (while it fetches), at a random time, as its first file is
 * written, as its last files are written. After each kill the sync runs again — with the faults
 * still on every other time — until it exits 0 (at most {@linkcode MAX_RERUNS} times); the
 * directory must then hold exactly the files of an uninterrupted, fault-free run, with no
 * temporary file or append journal left and the lock free. Every 20th round a second sync is
 * started while the first holds the lock: it must be refused (exit 3). Every line any run printed
 * (at `LOG_LEVEL=DEBUG`) and every file left in the directories is searched for the API key and
 * the secret. A quarter of the rounds start from an empty directory, the rest from the files of an
 * earlier sync with 1,000 fills to add.
 *
 * Figures go to the `chaos` section of RELIABILITY.md with `--write`; the run fails (after
 * writing) if any rerun's files differ, a temporary file, an append journal or the lock stays, or a
 * secret leaks.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { defined } from "../../src/defined.ts";
import { startFakeExchange } from "../../tests/fake_exchange/mod.ts";
import { Prng } from "../../tests/fake_exchange/prng.ts";
import { cliCommand, type CliResult, runCli } from "../../tests/support/cli.ts";
import { copy } from "../../tests/support/copy.ts";
import { exchangeEnv, snapshot, tempDir } from "../../tests/support/sync.ts";
import { writeReliabilitySection } from "../reliability_report.ts";
import { machine } from "./report.ts";
import { gauge } from "./scale.ts";

const ACCOUNT = { seed: 41, symbols: 6, fills: 4000, months: 2, weightLimit: 1_000_000 };
const MOMENTS = ["fetching", "any time", "first write", "last writes"] as const;
type Moment = (typeof MOMENTS)[number];
const LAST_WRITES =
  /^\.(futures_positions\.csv|futures_fee_conversions\.csv|state\.json|\.futures-ledger-cache\.json)\./;
const LOCK = ".futures-ledger.lock";
/** Reruns after a kill, at most, before the round counts as a failure. */
const MAX_RERUNS = 10;
const MIN_RATE = 0.1;
const MAX_RATE = 0.5;

interface Tally {
  kills: number;
  /** Kills that met a running sync (the others came after it had ended). */
  interrupted: number;
  /** By moment: kills that met a running sync. */
  byMoment: Record<Moment, number>;
  /** What the interrupting kills cut short. */
  untouched: number;
  midWrite: number;
  betweenWrites: number;
  written: number;
  /** Kills that came after the run had ended: it completed, or gave up on a fault. */
  completedFirst: number;
  exitedFirst: number;
  rates: number[];
  faults: number;
  reruns: number;
  rerunsWithFaults: number;
  mostReruns: number;
  mismatches: string[];
  temporaryLeft: number;
  lockStuck: number;
  concurrentTried: number;
  concurrentRefused: number;
  leaks: string[];
  scanned: { outputs: number; files: number };
}

/** Runs the chaos benchmark (`args`: its options) and prints (and with `--write`, records) it. */
export async function benchChaos(_dir: string, args: readonly string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      kills: { type: "string", default: "200" },
      seed: { type: "string", default: "1" },
      write: { type: "boolean", default: false },
    },
    strict: true,
  });
  const kills = Number(values.kills);
  const seed = Number(values.seed);
  if (!Number.isInteger(kills) || kills < 1) throw new Error("--kills must be a whole number ≥ 1");
  if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number");
  const rng = new Prng(seed, 77);
  const started = performance.now();
  const speed = gauge();

  await using exchange = await startFakeExchange(ACCOUNT);
  const env = { ...exchangeEnv(exchange), LOG_LEVEL: "DEBUG" };
  const secrets = [exchange.apiKey, exchange.secret];
  const tally: Tally = {
    kills: 0,
    interrupted: 0,
    byMoment: { "fetching": 0, "any time": 0, "first write": 0, "last writes": 0 },
    untouched: 0,
    midWrite: 0,
    betweenWrites: 0,
    written: 0,
    completedFirst: 0,
    exitedFirst: 0,
    rates: [],
    faults: 0,
    reruns: 0,
    rerunsWithFaults: 0,
    mostReruns: 0,
    mismatches: [],
    temporaryLeft: 0,
    lockStuck: 0,
    concurrentTried: 0,
    concurrentRefused: 0,
    leaks: [],
    scanned: { outputs: 0, files: 0 },
  };
  const scanOutput = (what: string, result: { stdout: string; stderr: string }) => {
    tally.scanned.outputs++;
    for (const secret of secrets) {
      if (result.stdout.includes(secret) || result.stderr.includes(secret)) tally.leaks.push(what);
    }
  };
  const scanFiles = async (what: string, dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile) continue;
      tally.scanned.files++;
      const text = new TextDecoder().decode(await Deno.readFile(`${dir}/${entry.name}`));
      for (const secret of secrets) {
        if (text.includes(secret)) tally.leaks.push(`${what}/${entry.name}`);
      }
    }
  };
  const sync = async (dir: string, what: string) => {
    const result = await runCli({ cwd: dir, env }, "sync");
    scanOutput(what, result);
    return result;
  };

  // The truth: an earlier sync, 1,000 fills to add since, and a fault-free run adding them.
  await using before = await tempDir();
  exchange.setFaultRate(0);
  if ((await sync(before.path, "first sync")).code !== 0) throw new Error("first sync failed");
  const start = await snapshot(before.path);
  exchange.account.addTrades(1000, Date.now() - 1);
  await using reference = await tempDir();
  await copy(before.path, reference.path);
  const from = exchange.log.length;
  const t0 = performance.now();
  if ((await sync(reference.path, "reference")).code !== 0) throw new Error("reference failed");
  const requestCount = exchange.log.length - from;
  const expected = await snapshot(reference.path);
  await scanFiles("reference", reference.path);
  // How long a run takes at each fault rate (retries and Retry-After make it longer).
  const durations = new Map<number, number>([[0, performance.now() - t0]]);
  for (const rate of [MIN_RATE, (MIN_RATE + MAX_RATE) / 2, MAX_RATE]) {
    await using dir = await tempDir();
    await copy(before.path, dir.path);
    exchange.setFaultRate(rate);
    const t = performance.now();
    let result: CliResult | undefined;
    for (let n = 0; n < MAX_RERUNS && result?.code !== 0; n++) {
      result = await sync(dir.path, `timing at ${rate}`);
    }
    durations.set(rate, performance.now() - t);
  }
  const durationAt = (rate: number) => {
    const known = [...durations].sort(([a], [b]) => a - b);
    const above = defined(known.find(([r]) => r >= rate) ?? known.at(-1), "a timed run");
    return above[1];
  };
  console.log(
    `chaos: a run takes ${
      [...durations].map(([r, ms]) => `${(ms / 1000).toFixed(1)} s at ${r * 100}%`).join(", ")
    } faults; ${kills} kills follow`,
  );

  const faultsBefore = exchange.log.filter((e) => e.fault !== undefined).length;
  for (let round = 0; round < kills; round++) {
    const moment = defined(MOMENTS[round % MOMENTS.length], "a moment of the rotation");
    const fresh = Math.floor(round / MOMENTS.length) % 4 === 3;
    const rate = MIN_RATE + rng.next() * (MAX_RATE - MIN_RATE);
    tally.rates.push(rate);
    await using dir = await tempDir();
    if (!fresh) await copy(before.path, dir.path);
    exchange.setFaultRate(rate);
    const log = exchange.log.length;
    const child = cliCommand({ cwd: dir.path, env }, "sync").spawn();
    let ended = false;
    const output = child.output().then((o) => (ended = true, o));
    const done = () => ended;

    if (round % 20 === 10) { // a second sync while the first holds the lock
      while (!done() && !(await lockHolder(dir.path)).includes(`pid ${child.pid},`)) await tick();
      if (!done()) {
        tally.concurrentTried++;
        const second = await runCli({ cwd: dir.path, env }, "sync");
        scanOutput(`round ${round}: second sync`, second);
        if (second.code === 3 && /another futures-ledger run is using/.test(second.stderr)) {
          tally.concurrentRefused++;
        }
      }
    }
    if (moment === "fetching") {
      const count = 1 + Math.floor(rng.next() * requestCount);
      while (!done() && exchange.log.length - log < count) await tick();
    } else if (moment === "any time") {
      await sleep(rng.next() * durationAt(rate), done);
    } else if (moment === "first write") {
      await temporaryFile(dir.path, done, /\.tmp$/);
      await sleep(rng.next() * 15, done);
    } else {
      await temporaryFile(dir.path, done, LAST_WRITES);
    }
    try {
      child.kill("SIGKILL");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // it had ended
    }
    const killed = await output;
    tally.kills++;
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    scanOutput(`round ${round}: killed sync`, {
      stdout: decode(killed.stdout),
      stderr: decode(killed.stderr),
    });
    if (killed.signal === "SIGKILL") {
      tally.interrupted++;
      tally.byMoment[moment]++;
      const left = [...Deno.readDirSync(dir.path)].some((e) => UNFINISHED.test(e.name));
      const files = JSON.stringify(await snapshot(dir.path));
      if (left) tally.midWrite++;
      else if (files === JSON.stringify(fresh ? {} : start)) tally.untouched++;
      else if (files === JSON.stringify(expected)) tally.written++;
      else tally.betweenWrites++;
    } else if (killed.code === 0) tally.completedFirst++;
    else tally.exitedFirst++;

    // Run again until it completes: with the faults on every other round, else without.
    const faulty = round % 2 === 0;
    exchange.setFaultRate(faulty ? rate : 0);
    let reruns = 0;
    let completed = false;
    while (!completed && reruns < MAX_RERUNS) {
      const result = await sync(dir.path, `round ${round}: rerun ${reruns + 1}`);
      reruns++;
      if (result.code === 3) tally.lockStuck++;
      completed = result.code === 0;
    }
    tally.reruns += reruns;
    if (faulty) tally.rerunsWithFaults += reruns;
    tally.mostReruns = Math.max(tally.mostReruns, reruns);
    if (!completed) tally.mismatches.push(`round ${round}: no rerun completed`);
    else if (JSON.stringify(await snapshot(dir.path)) !== JSON.stringify(expected)) {
      tally.mismatches.push(`round ${round} (${moment}${fresh ? ", from nothing" : ""})`);
    }
    if ([...Deno.readDirSync(dir.path)].some((e) => UNFINISHED.test(e.name))) tally.temporaryLeft++;
    if (!(await lockIsFree(dir.path))) tally.lockStuck++;
    await scanFiles(`round ${round}`, dir.path);
    if ((round + 1) % 10 === 0) {
      console.log(
        `chaos: ${round + 1}/${kills} kills, ${tally.interrupted} mid-run, ` +
          `${tally.mismatches.length} mismatches, ${tally.leaks.length} leaks`,
      );
    }
  }
  exchange.setFaultRate(0);
  tally.faults = exchange.log.filter((e) => e.fault !== undefined).length - faultsBefore;
  const seconds = (performance.now() - started) / 1000;
  const text = report(tally, seconds, speed, kills, seed, values.write === true);
  console.log(text);
  if (values.write) {
    await writeReliabilitySection("chaos", `${text}\n\nMeasured ${await machine()}.`);
    console.log("written to RELIABILITY.md");
  }
  const broken = [
    ...tally.mismatches,
    ...tally.leaks.map((l) => `secret in ${l}`),
    ...(tally.temporaryLeft > 0
      ? [`${tally.temporaryLeft} temporary files or append journals left`]
      : []),
    ...(tally.lockStuck > 0 ? [`the lock stuck ${tally.lockStuck} times`] : []),
    ...(tally.concurrentRefused < tally.concurrentTried ? ["a second sync was not refused"] : []),
  ];
  if (broken.length > 0) throw new Error(`chaos: ${broken.join("; ")}`);
}

function report(
  t: Tally,
  seconds: number,
  speed: number,
  kills: number,
  seed: number,
  write: boolean,
): string {
  const mean = t.rates.reduce((a, b) => a + b, 0) / t.rates.length;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const command = `deno task bench chaos${kills === 200 ? "" : ` --kills ${kills}`}${
    seed === 1 ? "" : ` --seed ${seed}`
  }${write ? " --write" : ""}`;
  return [
    `Command: \`${command}\`, ${
      seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(0)} min`
    } (host gauge: ${speed} ms, the`,
    "ledger section's big.js loop of BENCHMARKS.md).",
    "",
    "| what | figure |",
    "|---|---|",
    `| syncs killed (SIGKILL) | ${t.kills} |`,
    `| … that met a running sync | ${t.interrupted} (${
      MOMENTS.map((m) => `${t.byMoment[m]} ${m}`).join(", ")
    }) |`,
    `| … cutting it short | ${t.untouched} before any file was written, ${t.midWrite} in the middle of a write, ${t.betweenWrites} between two writes, ${t.written} after the data files |`,
    `| … that came after the sync had ended | ${t.completedFirst} completed, ${t.exitedFirst} gave up on a fault |`,
    `| fault rate of the killed runs | ${pct(Math.min(...t.rates))}–${
      pct(Math.max(...t.rates))
    } of requests, mean ${pct(mean)}; ${t.faults} faults injected |`,
    `| reruns to completion | ${t.reruns} (${t.rerunsWithFaults} with the faults on), at most ${t.mostReruns} for one kill |`,
    `| reruns whose files differ from an uninterrupted run | **${t.mismatches.length}** |`,
    `| temporary files or append journals left after a rerun | **${t.temporaryLeft}** |`,
    `| lock found held with no sync running | **${t.lockStuck}** |`,
    `| second syncs started while the first held the lock, refused | ${t.concurrentRefused} of ${t.concurrentTried} |`,
    `| API key or secret found (${t.scanned.outputs} outputs at LOG_LEVEL=DEBUG, ${t.scanned.files} files) | **${t.leaks.length}** |`,
  ].join("\n");
}

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}

/** Sleeps `ms`, or less if `done` turns true. */
async function sleep(ms: number, done: () => boolean): Promise<void> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await tick();
}

/** What an unfinished write leaves: a temporary file, or an append's undo journal. */
const UNFINISHED = /\.tmp$|\.append\.json$/;

/** Resolves once a temporary file whose name matches `wanted` is in `dir` (or `done`). */
async function temporaryFile(dir: string, done: () => boolean, wanted: RegExp): Promise<void> {
  while (!done()) {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.endsWith(".tmp") && wanted.test(entry.name)) return;
    }
    await tick();
  }
}

/** What the lock file of `dir` says (who holds it), or "". */
async function lockHolder(dir: string): Promise<string> {
  return await Deno.readTextFile(`${dir}/${LOCK}`).catch(() => "");
}

/** Whether the lock of `dir` can be taken now (then it is released at once). */
async function lockIsFree(dir: string): Promise<boolean> {
  try {
    using file = await Deno.open(`${dir}/${LOCK}`, { read: true, write: true });
    const free = await file.tryLock(true);
    if (free) await file.unlock();
    return free;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}
