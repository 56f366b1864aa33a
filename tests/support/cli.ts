/**
 * Running the real command line in a separate process, as a user or cron would.
 *
 * @module
 */

import { runtimeFlags } from "../../scripts/compile.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** What a finished run printed and returned. */
export interface CliResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** How to run it. */
export interface CliOptions {
  /** Working directory. */
  readonly cwd: string;
  /** Environment; only these variables (plus PATH, HOME, and DENO_COVERAGE_DIR if set) are passed. */
  readonly env?: Record<string, string>;
}

/**
 * The command `deno run main.ts ...args` with the permissions the `deno task` entries and the
 * binary grant (`runtimeFlags` of `scripts/compile.ts`: only futures-ledger's own variables of
 * the environment, no prompt), except that the network is 127.0.0.1, where the fake exchange
 * listens; in `options.cwd`, with only `options.env` (plus PATH and HOME, which it may not read)
 * in its environment; output piped unless told otherwise.
 */
export function cliCommand(
  options: CliOptions & { readonly output?: "piped" | "null" },
  ...args: string[]
): Deno.Command {
  const output = options.output ?? "piped";
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...runtimeFlags(["127.0.0.1"]),
      MAIN,
      ...args,
    ],
    cwd: options.cwd,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      ...coverage(),
      ...options.env,
    },
    clearEnv: true,
    stdout: output,
    stderr: output,
  });
}

/**
 * `DENO_COVERAGE_DIR`, when the tests run with it set: the runs of the command line then add their
 * coverage of `src/` to the tests' own (RELIABILITY.md says how coverage is measured).
 */
function coverage(): Record<string, string> {
  const dir = Deno.env.get("DENO_COVERAGE_DIR");
  return dir === undefined ? {} : { DENO_COVERAGE_DIR: dir };
}

/** Runs {@linkcode cliCommand} to the end. */
export async function runCli(options: CliOptions, ...args: string[]): Promise<CliResult> {
  const { code, stdout, stderr } = await cliCommand(options, ...args).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}
