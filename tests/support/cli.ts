/**
 * Running the real command line in a separate process, as a user or cron would.
 *
 * @module
 */

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
 * Runs `deno run main.ts ...args` with the permissions the `deno task` entries grant
 * (network only to 127.0.0.1, where the fake exchange listens).
 */
export async function runCli(options: CliOptions, ...args: string[]): Promise<CliResult> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      MAIN,
      ...args,
    ],
    cwd: options.cwd,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...options.env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}
