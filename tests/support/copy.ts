/**
 * Copying a directory's files (not recursive), e.g. to start a test from an earlier sync.
 *
 * @module
 */

/** Copies every file of `from` into `to`. */
export async function copy(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}
