/**
 * A process that dies in the middle of an append, as a SIGKILL would leave it: it appends rows to
 * the file given with `appendInPlace`, and exits at once, without running any `finally`, once
 * more than a mebibyte of them (the writer's buffer) has been written — so the file ends in a
 * row cut short and its undo journal is still there.
 *
 * Usage: `deno run --allow-read --allow-write tests/support/killed_append.ts FILE`
 *
 * @module
 */

import { appendInPlace } from "../../src/storage/append_in_place.ts";
import { at } from "./indexed.ts";

/** Rows of 65 bytes (a mebibyte ends inside one): 20,000 are 1.24 MiB, a buffer written, one not. */
function* rows(): Generator<string> {
  for (let i = 0; i < 20_000; i++) yield `${String(i).padStart(9, "0")},${"x".repeat(54)}\n`;
  Deno.exit(9);
}

if (import.meta.main) await appendInPlace(at(Deno.args, 0), rows());

/** Runs this script on `path`; resolves once it has died. */
export async function killedAppend(path: string): Promise<void> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", new URL(import.meta.url).pathname, path],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 9) throw new Error(`the append did not die as planned (exit ${code})`);
}
