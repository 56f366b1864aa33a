/**
 * Writing benchmark results into `BENCHMARKS.md`: each section owns the block between its
 * `<!-- bench:NAME -->` markers, so sections can be re-run one at a time.
 *
 * @module
 */

import { defined } from "../../src/defined.ts";

const FILE = new URL("../../BENCHMARKS.md", import.meta.url);

const HEADER = `# Benchmarks

Measured by \`deno task bench\` (all sections) or \`deno task bench <section>\`; each section below
says the exact command, the machine and the date it was measured. Targets come from the issues.
`;

/** Replaces (or appends) section `name` of BENCHMARKS.md with `body`. */
export async function writeSection(name: string, body: string): Promise<void> {
  let text = HEADER;
  try {
    text = await Deno.readTextFile(FILE);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  text = start >= 0 && end > start
    ? text.slice(0, start) + block + text.slice(end + close.length)
    : `${text.trimEnd()}\n\n${block}\n`;
  await Deno.writeTextFile(FILE, text);
}

/** A line describing where and when this ran. */
export async function machine(): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU";
  const cores = navigator.hardwareConcurrency;
  const memory = Math.round(Deno.systemMemoryInfo().total / 2 ** 30);
  const date = new Date().toISOString().slice(0, 10);
  return `${date}, Deno ${Deno.version.deno}, ${cores} cores (${cpu}), ${memory} GiB`;
}

/** Runs `args` under GNU time; resolves to wall seconds and peak RSS in MB. */
export async function timed(
  args: string[],
  cwd?: string,
): Promise<{ seconds: number; mb: number }> {
  const { code, stderr } = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "BENCH %e %M", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  const match = text.match(/BENCH ([\d.]+) (\d+)/);
  if (code !== 0 || match === null) throw new Error(`${args.join(" ")} failed:\n${text}`);
  return { seconds: Number(match[1]), mb: Number(match[2]) / 1024 };
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return defined(sorted[Math.floor(sorted.length / 2)], "a value to take the median of");
}
