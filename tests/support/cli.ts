/**
 * Running the real command line in a separate process, as a user or cron would.
 *
 * @module
 */

import { permissionFlags } from "../../scripts/compile.ts";

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
  /** Environment; only these variables (plus PATH and HOME) are passed. */
  readonly env?: Record<string, string>;
}

/**
 * The command `deno run main.ts ...args` with the permissions the `deno task` entries and the
 * binary grant (`permissionFlags` of `scripts/compile.ts`: only futures-ledger's own variables of
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
      ...permissionFlags(["127.0.0.1"]),
      MAIN,
      ...args,
    ],
    cwd: options.cwd,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...options.env },
    clearEnv: true,
    stdout: output,
    stderr: output,
  });
}

/** Runs {@linkcode cliCommand} to the end. */
export async function runCli(options: CliOptions, ...args: string[]): Promise<CliResult> {
  const { code, stdout, stderr } = await cliCommand(options, ...args).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}
