/**
 * Builds the standalone `futures-ledger` executables with `deno compile`, with the permissions
 * the tool needs baked in (a compiled binary never prompts and cannot be given more at run time).
 *
 * ```sh
 * deno task compile                   # all five targets into dist/
 * deno task compile --target host     # only this machine's target
 * deno task compile --target aarch64-apple-darwin --out-dir build
 * ```
 *
 * Each file is named `futures-ledger-<target>` (`.exe` on Windows), so all five can sit side by
 * side in one release. `deno compile` downloads its runtime (`denort`) for each target unless the
 * environment variable `DENORT_BIN` names one; that runtime is one platform's, so with
 * `DENORT_BIN` set only one target is built per run.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };
import { DOWNLOAD_HOST } from "../src/binance/download_archive.ts";
import { BASE_URLS, TESTNET_BASE_URLS } from "../src/binance/client.ts";
import { VARIABLES } from "../src/config.ts";

/** Every platform a release ships, as `deno compile --target` names it. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One of {@linkcode TARGETS}. */
export type Target = (typeof TARGETS)[number];

/**
 * The hosts the executable may connect to: Binance's futures hosts, live and testnet, and the
 * bucket Binance serves its bulk downloads from. The bucket is named exactly: `--allow-net`
 * also accepts `*.s3.amazonaws.com` ("to allow any subdomain for a hostname, `*` can be used",
 * https://docs.deno.com/runtime/fundamentals/security/), but that would let the binary reach
 * every bucket on S3; a download link to another host is refused by name instead
 * (`fetchArchive`). A host without a port allows any port (the links are HTTPS, 443).
 */
export const BINANCE_HOSTS: readonly string[] = [
  ...new Set([
    ...[...Object.values(BASE_URLS), ...Object.values(TESTNET_BASE_URLS)].map((url) =>
      new URL(url).host
    ),
    DOWNLOAD_HOST,
  ]),
];

/**
 * V8's flags, baked into the executable as its permissions are ("the runtime flags used to
 * execute the script must be specified at compilation time",
 * https://docs.deno.com/runtime/reference/cli/compiler/).
 * - Semi-spaces of 8 MiB for the young generation instead of V8's default, which it sizes from
 *   the machine's memory (here it peaked as 32 MiB does): `positions` on a million fills peaks at
 *   about 200 MB instead of 280 MB with its two threads, in the same time (run alternately with
 *   and without it on one host, 1M fills, medians: `positions` 5.8 s and 6.0 s, a sync of 1,000
 *   new fills 2.1 s and 2.2 s). Nearly everything the readers and the ledger allocate dies young,
 *   so a smaller nursery frees as much for less memory.
 * - The old generation may grow by half of what survived the last full collection before the
 *   next one (`--heap-growing-percent=50`), instead of up to 4 times, V8's default when
 *   collections are quick. What survives is small (about 20 MB in `positions`: the books, one
 *   run's buffer), so V8 let garbage pile up to 100 MB per thread. Run alternately with and
 *   without it on one host (3M fills, the scale benchmark's steps): `positions` peaked at 198 MB
 *   instead of 238 MB (one thread: 147 MB instead of 190 MB), a first sync with no cache at
 *   206 MB instead of 313 MB, with no slower step (`positions` 8.8 s and 9.2 s, medians; the
 *   first sync 29.8 s and 35.6 s). On 10M fills, `positions` peaked at 212–221 MB instead of
 *   281–291 MB (two runs each).
 */
export const V8_FLAGS = "--v8-flags=--max-semi-space-size=8,--heap-growing-percent=50";

/**
 * The runtime flags baked into the executable: its permissions, for network access to `hosts`
 * (the demo passes 127.0.0.1 to run the real CLI with the same permissions against the fake
 * exchange), and {@linkcode V8_FLAGS}.
 */
export function runtimeFlags(hosts: readonly string[] = BINANCE_HOSTS): string[] {
  return [
    V8_FLAGS,
    // Only Binance (and its download bucket): `--base-url` and BINANCE_BASE_URL can still pick
    // among these hosts, but a proxy or any other host is refused ("Requires net access"); use
    // `deno run` for those.
    `--allow-net=${hosts.join(",")}`,
    // Only the settings it reads (src/config.ts); Deno.execPath() and isTerminal() need nothing.
    `--allow-env=${VARIABLES.join(",")}`,
    // Files: anywhere. A compiled binary resolves relative permission paths against the working
    // directory when it starts, so `--allow-read=.` would refuse what the tool legitimately
    // touches elsewhere: `sync --out DIR`, `report --positions/--income/--out FILE`,
    // `positions --fills/--out FILE`, BINANCE_PRIVATE_KEY_FILE, and the `.env` beside the binary
    // (read when cron or Task Scheduler starts it in another directory). It opens only paths the
    // user named and the default files of the working directory.
    "--allow-read",
    "--allow-write",
    // A permission the binary lacks fails at once: cron and Task Scheduler cannot answer a prompt.
    "--no-prompt",
  ];
}

/** The target of the machine running this script, if a release ships it. */
export function hostTarget(): Target | undefined {
  return TARGETS.find((target) => target === Deno.build.target);
}

/** Where `target`'s executable is written in `outDir`. */
export function binaryPath(target: Target, outDir = "dist"): string {
  return join(outDir, `futures-ledger-${target}${target.includes("windows") ? ".exe" : ""}`);
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** The worker `positions` starts (`src/rebuild/rebuild.ts`): deno compile does not follow `new Worker`. */
export const WORKER: string = fileURLToPath(new URL("../src/rebuild/worker.ts", import.meta.url));

/** The `deno compile` arguments that build `target` into `output`. */
export function compileArgs(target: Target, output: string): string[] {
  return [
    "compile",
    "--target",
    target,
    "--output",
    output,
    // Ship exactly the locked dependencies, and only those main.ts reaches (not fast-check).
    // uPlot is reached through a text import, so it is embedded too.
    "--frozen-lockfile",
    "--exclude-unused-npm",
    // No --env-file: that would bake the builder's secrets into the binary; `.env` is read at
    // run time instead (working directory, then beside the binary).
    ...runtimeFlags(),
    "--include",
    WORKER,
    MAIN,
  ];
}

const HELP = `Usage: deno task compile [--target TARGET|host|all] [--out-dir DIR]

Builds futures-ledger ${denoJson.version} with deno compile, one executable per target, named
futures-ledger-<target> (.exe on Windows).

  --target T    "all" (default), "host" (this machine's) or one of
                ${TARGETS.join("\n                ")}
  --out-dir DIR where to write them (default: dist)
  -h, --help    this help

deno compile downloads its runtime (denort) for each target, or uses the one DENORT_BIN names;
with DENORT_BIN set, build one target (the one that runtime is for).`;

function selectTargets(name: string): readonly Target[] | string {
  if (name === "all") return TARGETS;
  if (name === "host") {
    const host = hostTarget();
    return host === undefined ? `this machine (${Deno.build.target}) is not a release target` : [
      host,
    ];
  }
  const target = TARGETS.find((t) => t === name);
  return target === undefined ? `unknown target "${name}"` : [target];
}

async function main(args: string[]): Promise<number> {
  let values: { target?: string; "out-dir"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        target: { type: "string" },
        "out-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`compile: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const targets = selectTargets(values.target ?? "all");
  if (typeof targets === "string") {
    console.error(`compile: ${targets}\n\n${HELP}`);
    return 2;
  }
  const denort = Deno.env.get("DENORT_BIN");
  if (denort !== undefined && targets.length > 1) {
    console.error(
      `compile: DENORT_BIN=${denort} is one platform's runtime; deno compile would put it in ` +
        "every target. Pass --target (host, or the target it is for), or unset DENORT_BIN.",
    );
    return 2;
  }
  for (const target of targets) {
    const output = resolve(binaryPath(target, values["out-dir"]));
    console.log(`compile: futures-ledger ${denoJson.version} for ${target} → ${output}`);
    const child = new Deno.Command("deno", {
      args: compileArgs(target, output),
      cwd: ROOT,
      stdin: "null",
    }).spawn();
    const { code } = await child.status;
    if (code !== 0) {
      console.error(`compile: deno compile failed for ${target} (exit code ${code})`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
