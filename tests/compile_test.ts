/**
 * The standalone executables. The compile task and the workflows must build the same five
 * targets, and run each on a runner of its own platform; the `deno task` entries must grant what
 * the binary grants. Building one needs deno compile's runtime, `denort`, which deno downloads
 * and this machine cannot: when `DENORT_BIN` names one (the CI workflow sets it), the host's
 * binary is built with `deno task compile` and run, with the permissions baked into it;
 * otherwise that test is skipped, saying why.
 *
 * The workflows themselves run only on GitHub: here they are parsed as YAML and their structure
 * checked, which catches a wrong target, runner or step, not a failure on GitHub's machines.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import YAML from "yaml";
import denoJson from "../deno.json" with { type: "json" };
import { csvLine } from "../src/csv/format.ts";
import { FILL_COLUMNS, fillLine } from "../src/storage/fill_row.ts";
import {
  binaryPath,
  compileArgs,
  hostTarget,
  runtimeFlags,
  TARGETS,
  WORKER,
} from "../scripts/compile.ts";
import { f } from "./support/fills.ts";
import { at, valueAt } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const ROOT = new URL("..", import.meta.url);

/** What issue 6 asks for: Linux x64 and arm64, macOS x64 and arm64, Windows x64. */
const FIVE = [
  "aarch64-apple-darwin",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "x86_64-unknown-linux-gnu",
];

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * GitHub-hosted runner labels and the platform each runs on ("GitHub-hosted runners reference",
 * https://docs.github.com/en/actions/reference/runners/github-hosted-runners; the
 * actions/runner-images README, "Available Images", 2026-08-21).
 */
const RUNNER_PLATFORMS: Record<string, { os: string; cpu: string }> = {
  "ubuntu-24.04": { os: "linux", cpu: "x86_64" },
  "ubuntu-24.04-arm": { os: "linux", cpu: "aarch64" },
  "macos-15-intel": { os: "darwin", cpu: "x86_64" },
  "macos-15": { os: "darwin", cpu: "aarch64" },
  "windows-2025": { os: "windows", cpu: "x86_64" },
};

/** The OS and CPU a `deno compile` target is for. */
function targetPlatform(target: string): { os: string; cpu: string } {
  const os = target.includes("linux") ? "linux" : target.includes("apple") ? "darwin" : "windows";
  return { os, cpu: at(target.split("-"), 0) };
}

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly needs?: string | string[];
  readonly "runs-on": string;
  readonly strategy?: { readonly matrix: Record<string, unknown> };
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

async function workflow(name: string): Promise<Workflow> {
  return YAML.parse(await Deno.readTextFile(new URL(`.github/workflows/${name}`, ROOT)));
}

const runs = (job: Job) => job.steps.flatMap((step) => step.run === undefined ? [] : [step.run]);

/** Checks that `job` runs scripts/check_binary.sh for each of the five on its own platform. */
function assertRunsEachOnItsPlatform(job: Job): void {
  const include = job.strategy?.matrix.include as { target: string; runner: string }[];
  assert.deepEqual(include.map((entry) => entry.target).sort(), FIVE);
  for (const { target, runner } of include) {
    assert.deepEqual(RUNNER_PLATFORMS[runner], targetPlatform(target), `${target} on ${runner}`);
  }
  assert.equal(job["runs-on"], "${{ matrix.runner }}");
  assert.equal(job.defaults?.run?.shell, "bash", "one bash script on every OS (Git Bash)");
  const all = runs(job).join("\n");
  assert.match(
    all,
    /deno eval 'console\.log\(Deno\.build\.target\)'\)" = "\$\{\{ matrix\.target \}\}"/,
  );
  assert.match(all, /bash scripts\/check_binary\.sh "/);
  assert.ok(
    all.includes(
      "dist/futures-ledger-${{ matrix.target }}${{ runner.os == 'Windows' && '.exe' || '' }}",
    ),
    "the binary's name: .exe on Windows",
  );
}

Deno.test("the deno tasks grant exactly what the binary grants", () => {
  const tasks = denoJson.tasks as Record<string, string>;
  for (const name of ["sync", "import", "positions", "report", "export"]) {
    assert.equal(tasks[name], `deno run ${runtimeFlags().join(" ")} main.ts ${name}`, name);
  }
});

Deno.test("the compile task and the workflows build the same five targets", async (t) => {
  await t.step("scripts/compile.ts lists the five", () => {
    assert.deepEqual([...TARGETS].sort(), FIVE);
  });

  await t.step("deno compile accepts every one of them", async () => {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["compile", "--target", "nowhere", "main.ts"],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.notEqual(code, 0);
    const known: string[] = decode(stderr).match(/\b(?:x86_64|aarch64)-[\w-]+/g) ?? [];
    for (const target of TARGETS) assert.ok(known.includes(target), `${target} in ${known}`);
  });

  await t.step("each target's file has its own name, .exe on Windows only", () => {
    const names = TARGETS.map((target) => binaryPath(target));
    assert.equal(new Set(names).size, TARGETS.length);
    assert.deepEqual(names.filter((name) => name.endsWith(".exe")), [
      binaryPath("x86_64-pc-windows-msvc"),
    ]);
  });

  await t.step("the binary embeds the worker that positions starts", async () => {
    const args = compileArgs("x86_64-unknown-linux-gnu", "out");
    assert.equal(args[args.indexOf("--include") + 1], WORKER);
    assert.ok((await Deno.stat(WORKER)).isFile);
    const rebuild = await Deno.readTextFile(new URL("../src/rebuild/rebuild.ts", import.meta.url));
    assert.match(rebuild, /new URL\("\.\/worker\.ts", import\.meta\.url\)/);
  });

  const release = await workflow("release.yml");
  await t.step("release.yml builds the five, each with deno task compile", () => {
    const build = valueAt(release.jobs, "build");
    assert.deepEqual([...(build.strategy?.matrix.target as string[])].sort(), FIVE);
    assert.ok(runs(build).includes("deno task compile --target ${{ matrix.target }}"));
  });

  await t.step("release.yml runs the tests first and attaches SHA-256 checksums", () => {
    assert.equal(valueAt(release.jobs, "build").needs, "test");
    assert.ok(runs(valueAt(release.jobs, "test")).includes("deno task test"));
    const publish = runs(valueAt(release.jobs, "release")).join("\n");
    assert.match(publish, /sha256sum futures-ledger-\* > SHA256SUMS\.txt/);
    assert.match(publish, /gh release upload .* dist\/futures-ledger-\* dist\/SHA256SUMS\.txt/);
  });

  await t.step("release.yml runs each built file on its own platform before releasing", () => {
    const verify = valueAt(release.jobs, "verify");
    assert.equal(verify.needs, "build");
    assertRunsEachOnItsPlatform(verify);
    const download = verify.steps.find((step) =>
      step.uses?.startsWith("actions/download-artifact")
    );
    assert.equal(download?.with?.name, "futures-ledger-${{ matrix.target }}");
    assert.equal(valueAt(release.jobs, "release").needs, "verify");
  });

  const ci = await workflow("ci.yml");
  await t.step("ci.yml runs on every push the tests with DENORT_BIN, then the five", () => {
    assert.ok("push" in ci.on && ci.on.push === null, "every push: no branch or tag filter");
    assert.ok("pull_request" in ci.on);
    const test = runs(valueAt(ci.jobs, "test"));
    assert.ok(test.includes("deno task test"));
    assert.ok(test.some((run) => run.includes('echo "DENORT_BIN=')), "DENORT_BIN is set");
    const binaries = valueAt(ci.jobs, "binaries");
    assert.equal(binaries.needs, "test");
    assert.ok(runs(binaries).includes("deno task compile --target ${{ matrix.target }}"));
    assertRunsEachOnItsPlatform(binaries);
  });
});

const DENORT_BIN = Deno.env.get("DENORT_BIN");
if (DENORT_BIN === undefined) {
  console.log(
    "compile_test: skipping the host binary: DENORT_BIN is not set, and deno compile would " +
      "download its runtime (denort), which needs the internet. Set DENORT_BIN to a denort " +
      "binary of this platform to run it (the release workflow does).",
  );
}

/** Runs the binary with exactly `env` as its environment. */
async function runBinary(
  binary: string,
  cwd: string,
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(binary, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

Deno.test({
  name: "the host's binary runs with only the permissions baked into it",
  ignore: DENORT_BIN === undefined,
  async fn(t) {
    const host = hostTarget();
    assert.ok(host, `${Deno.build.target} is not a release target`);
    await using tmp = await tempDir();
    const binary = binaryPath(host, join(tmp.path, "bin"));
    const work = join(tmp.path, "work");
    await Deno.mkdir(work);

    await t.step("deno task compile --target host builds it", async () => {
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["task", "compile", "--target", "host", "--out-dir", dirname(binary)],
        cwd: ROOT,
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(code, 0, decode(stderr));
      assert.ok((await Deno.stat(binary)).isFile);
    });

    await t.step("--version prints deno.json's version", async () => {
      const { code, stdout } = await runBinary(binary, work, {}, "--version");
      assert.equal(code, 0);
      assert.equal(stdout, `futures-ledger ${denoJson.version}\n`);
    });

    await t.step("sync --help prints the options of sync", async () => {
      const { code, stdout } = await runBinary(binary, work, {}, "sync", "--help");
      assert.equal(code, 0);
      assert.match(stdout, /^Usage: futures-ledger sync/);
      assert.match(stdout, /--out DIR/);
    });

    await t.step("started in another directory, it reads the .env beside it", async () => {
      const envFile = join(dirname(binary), ".env");
      await Deno.writeTextFile(envFile, "LOG_LEVEL=LOUD\n");
      const { code, stderr } = await runBinary(binary, work, {}, "sync");
      await Deno.remove(envFile);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /LOG_LEVEL=LOUD is not valid/);
    });

    await t.step("it may connect to Binance's hosts only", async () => {
      const { code, stderr } = await runBinary(binary, work, {
        BINANCE_API_KEY: "demo-key",
        BINANCE_SECRET_KEY: "demo-secret",
        BINANCE_BASE_URL: "http://127.0.0.1:8080",
        MAX_RETRIES: "0",
      }, "sync");
      assert.equal(code, 2, stderr);
      assert.match(stderr, /^futures-ledger: this program may not connect to 127\.0\.0\.1:8080: /);
    });

    await t.step(
      "offline, it rebuilds positions (two threads) and writes a report with uPlot inside",
      async () => {
        const fills = [
          f(1, "BUY", "1", "100"),
          f(2, "SELL", "1", "110", { realizedPnl: "10" }),
          f(3, "BUY", "2", "5", { symbol: "ETHUSDT" }), // a second symbol: a second thread
        ];
        await Deno.writeTextFile(
          join(work, "futures_fills.csv"),
          csvLine(FILL_COLUMNS) + fills.map(fillLine).join(""),
        );
        const positions = await runBinary(binary, work, {}, "positions", "--jobs", "2");
        assert.equal(positions.code, 0, positions.stderr);
        assert.doesNotMatch(positions.stderr, /worker thread failed/, "the worker is inside");
        assert.match(positions.stdout, /3 fills → 2 positions/);
        const report = await runBinary(binary, work, {}, "report");
        assert.equal(report.code, 0, report.stderr);
        const html = await Deno.readTextFile(join(work, "report.html"));
        assert.ok(html.includes(uplotJs.slice(0, 300)), "the page inlines uPlot");
      },
    );
  },
});
