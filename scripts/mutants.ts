/**
 * `deno task mutants [--jobs N] [--only TEXT]… [--timeout SECONDS] [--write]`: breaks each core
 * rule on purpose, one at a time, and expects the test suite to notice.
 *
 * `tests/mutants.json` lists hand-made mutants: `{file, find, replace, why, tests?}` — in `file`,
 * the text `find` (which must occur exactly once) becomes `replace`, breaking the rule `why`
 * names. For each, the repository is copied to a temporary directory (tracked and untracked files
 * that git does not ignore: the checkout itself is never edited), the mutant is applied to the
 * copy, and the suite runs there with the flags of `deno task test` plus `--fail-fast` (fmt and
 * lint are left out). A mutant is **killed** when the suite fails, **SURVIVED** when it passes
 * (a rule no test holds), **stale** when its `find` text is not in the code exactly once (the
 * code moved on: update the entry), **invalid** when the mutated code does not type-check (the
 * type checker, not a test, would catch it: rewrite the mutant). The test files named in `tests`
 * run first, as a shortcut: if they fail the mutant is killed; if not, the whole suite decides.
 * A run over its time limit counts as killed (a mutant that makes a sync loop forever).
 *
 * `--only TEXT` (repeatable) picks the entries whose file or `why` contains one of the texts.
 * Without `--only`, the suite first runs unmutated in the copy: a kill means something only if
 * the suite passes without the mutant. `--jobs N` runs N mutants at once, each in its own copy.
 * `--write` records the run of the whole list in RELIABILITY.md (section `mutants`). Exits 1 if
 * any mutant survived or is stale or invalid, 2 for a bad command line.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { defined } from "../src/defined.ts";
import denoJson from "../deno.json" with { type: "json" };
import { machine } from "./bench/report.ts";
import { writeReliabilitySection } from "./reliability_report.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const LIST = "tests/mutants.json";

/** One entry of tests/mutants.json. */
interface Mutant {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  readonly why: string;
  readonly tests?: readonly string[];
}

type Verdict = "killed" | "SURVIVED" | "stale" | "invalid";

interface Outcome {
  readonly index: number;
  readonly mutant: Mutant;
  readonly verdict: Verdict;
  readonly seconds: number;
  /** The test file that failed first, a timeout, or why the entry is stale. */
  readonly detail: string;
}

interface SuiteRun {
  readonly ok: boolean;
  readonly output: string;
  readonly timedOut: boolean;
}

function usage(problem: string): never {
  console.error(
    `mutants: ${problem} (usage: deno task mutants [--jobs N] [--only TEXT] [--timeout SECONDS] [--write])`,
  );
  Deno.exit(2);
}

/** The flags `deno task test` gives `deno test`. */
function testFlags(): string[] {
  const task = (denoJson.tasks as Record<string, string>).test;
  const flags = task?.match(/deno test ([^&]*)$/)?.[1];
  if (flags === undefined) {
    throw new Error(`deno.json's test task has no "deno test" step: ${task}`);
  }
  return flags.trim().split(/\s+/);
}

/** Why `mutant` cannot be applied to `text` (its file's text), or `undefined` if it can. */
function staleness(mutant: Mutant, text: string | undefined): string | undefined {
  if (text === undefined) return `${mutant.file} does not exist`;
  const count = text.split(mutant.find).length - 1;
  if (count !== 1) return `its find text occurs ${count} times in ${mutant.file}`;
  if (mutant.find === mutant.replace) return "replace is find";
  for (const test of mutant.tests ?? []) {
    try {
      Deno.statSync(join(ROOT, test));
    } catch {
      return `its test file ${test} does not exist`;
    }
  }
  return undefined;
}

/** Copies the files git would commit (tracked, or untracked and not ignored) into `to`. */
async function copyRepository(to: string): Promise<void> {
  const { code, stdout, stderr } = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`git ls-files failed: ${new TextDecoder().decode(stderr)}`);
  const files = new TextDecoder().decode(stdout).split("\0").filter((f) => f !== "");
  for (const file of files) {
    try {
      await Deno.mkdir(join(to, file, ".."), { recursive: true });
      await Deno.copyFile(join(ROOT, file), join(to, file));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error; // deleted, not yet committed
    }
  }
}

/** Runs `deno test` with the suite's flags in `cwd` (only `files`, if given). */
async function runSuite(
  cwd: string,
  files: readonly string[],
  timeoutMs: number,
): Promise<SuiteRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", ...testFlags(), "--fail-fast", ...files],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  }, timeoutMs);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { ok: code === 0 && !timedOut, output: decode(stdout) + decode(stderr), timedOut };
}

/** What a failed run says: a type error, the first failing test's file, or a timeout. */
function failureOf(run: SuiteRun): { verdict: Verdict; detail: string } {
  if (run.timedOut) return { verdict: "killed", detail: "time limit" };
  const test = run.output.match(/=> (?:\.\/)?(tests\/[^\s:]+):\d+/)?.[1];
  if (test !== undefined) return { verdict: "killed", detail: test };
  // Deno type-checks before any test runs (a test may print a TS error of its own: not this).
  if (/^error: Type checking failed/m.test(run.output)) {
    const first = run.output.match(/TS\d+ \[ERROR\]: ([^\n]*)/);
    return { verdict: "invalid", detail: `type error: ${first?.[1] ?? "see deno check"}` };
  }
  return { verdict: "killed", detail: "the suite failed" };
}

/** Applies `mutant` in the copy at `dir`, runs the suite, and puts the file back. */
async function tryMutant(dir: string, mutant: Mutant, timeoutMs: number) {
  const path = join(dir, mutant.file);
  const original = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, original.replace(mutant.find, () => mutant.replace));
  try {
    if (mutant.tests !== undefined && mutant.tests.length > 0) {
      const first = await runSuite(dir, mutant.tests, timeoutMs);
      if (!first.ok) return failureOf(first);
    }
    const whole = await runSuite(dir, [], timeoutMs);
    if (!whole.ok) return failureOf(whole);
    return { verdict: "SURVIVED" as const, detail: "the whole suite passes" };
  } finally {
    await Deno.writeTextFile(path, original);
  }
}

function line(o: Outcome): string {
  const number = String(o.index + 1).padStart(2);
  const seconds = `${o.seconds.toFixed(0)}s`.padStart(5);
  return `${number} ${
    o.verdict.padEnd(8)
  } ${seconds}  ${o.mutant.file}: ${o.mutant.why} [${o.detail}]`;
}

function minutes(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(0)} min`;
}

const args = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        jobs: { type: "string", default: "1" },
        only: { type: "string", multiple: true },
        timeout: { type: "string" },
        write: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
})();
const jobs = Number(args.jobs);
if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16) usage("--jobs must be a whole number 1–16");
if (args.timeout !== undefined && !(Number(args.timeout) > 0)) usage("--timeout must be > 0");
if (args.write && args.only !== undefined) {
  usage("--write records a run of the whole list: drop --only");
}

const list = JSON.parse(await Deno.readTextFile(join(ROOT, LIST))) as Mutant[];
const outcomes: Outcome[] = [];
const queue: { index: number; mutant: Mutant }[] = [];
for (const [index, mutant] of list.entries()) {
  const text = `${mutant.file} ${mutant.why}`.toLowerCase();
  const wanted = args.only === undefined ||
    args.only.some((part) => text.includes(part.toLowerCase()));
  if (!wanted) continue;
  const code = await Deno.readTextFile(join(ROOT, mutant.file)).catch(() => undefined);
  const stale = staleness(mutant, code);
  if (stale === undefined) queue.push({ index, mutant });
  else outcomes.push({ index, mutant, verdict: "stale", seconds: 0, detail: stale });
}
for (const o of outcomes) console.log(line(o));
if (queue.length === 0 && outcomes.length === 0) usage(`no mutant matches --only ${args.only}`);

const started = performance.now();
const work = await Deno.makeTempDir({ prefix: "futures-ledger-mutants-" });
const cleanUp = () => Deno.removeSync(work, { recursive: true });
Deno.addSignalListener("SIGINT", () => {
  cleanUp();
  Deno.exit(130);
});
try {
  const copies = Array.from(
    { length: Math.min(jobs, Math.max(queue.length, 1)) },
    (_, i) => join(work, `copy${i}`),
  );
  for (const copy of copies) await copyRepository(copy);
  let timeoutMs = Number(args.timeout ?? 1200) * 1000;
  if (args.only === undefined && queue.length > 0) {
    console.log("the suite without a mutant, first…");
    const t0 = performance.now();
    const baseline = await runSuite(defined(copies[0], "a copy to run in"), [], timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    if (!baseline.ok) {
      console.error(baseline.output.slice(-3000));
      console.error("mutants: the suite fails without any mutant: fix it first");
      Deno.exit(1);
    }
    console.log(`…passes, in ${seconds.toFixed(0)} s`);
    if (args.timeout === undefined) timeoutMs = Math.max(600, 3 * seconds) * 1000;
  }
  let next = 0;
  await Promise.all(copies.map(async (copy) => {
    for (let item = queue[next++]; item !== undefined; item = queue[next++]) {
      const { index, mutant } = item;
      const t0 = performance.now();
      const result = await tryMutant(copy, mutant, timeoutMs);
      const outcome = { index, mutant, ...result, seconds: (performance.now() - t0) / 1000 };
      outcomes.push(outcome);
      console.log(line(outcome));
    }
  }));
} finally {
  cleanUp();
}

outcomes.sort((a, b) => a.index - b.index);
const ran = outcomes.filter((o) => o.verdict !== "stale");
const killed = ran.filter((o) => o.verdict === "killed").length;
const bad = outcomes.filter((o) => o.verdict !== "killed");
const percent = ran.length === 0 ? 0 : (100 * killed) / ran.length;
const seconds = (performance.now() - started) / 1000;
const score = `${killed} of ${ran.length} mutants killed (${percent.toFixed(0)}%)`;
console.log(`\nscore: ${score}, in ${minutes(seconds)}`);
for (const o of bad) {
  console.log(`  ${o.verdict}: #${o.index + 1} ${o.mutant.file}: ${o.mutant.why}`);
}

if (args.write) {
  const command = `deno task mutants${jobs > 1 ? ` --jobs ${jobs}` : ""}`;
  const rows = outcomes.map((o) =>
    `| ${o.index + 1} | ${o.mutant.why.replaceAll("|", "\\|")} | \`${o.mutant.file}\` | ${
      o.verdict === "killed" ? o.detail : `**${o.verdict}** (${o.detail})`
    } |`
  );
  await writeReliabilitySection(
    "mutants",
    [
      `Command: \`${command}\`, over the whole list of \`${LIST}\`. Measured ${await machine()}, in ${
        minutes(seconds)
      }.`,
      "",
      `**Score: ${score}.** ${
        bad.length === 0 ? "None survived, none is stale." : `${bad.length} not killed.`
      }`,
      "",
      "| # | the rule broken | file | killed by (the first test file to fail) |",
      "|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
  console.log("written to RELIABILITY.md");
}
Deno.exit(bad.length === 0 ? 0 : 1);
