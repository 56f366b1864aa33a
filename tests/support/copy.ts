/**
 * Copying a directory's files (not recursive), e.g. to start a test from an earlier sync.
 *
 * @module
 */

/**
 * Copies every file of `from` into `to`, with its modification time: the copy is the same
 * directory to a sync (whose cache records each file's size and time).
 */
export async function copy(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    if (!entry.isFile) continue;
    const target = `${to}/${entry.name}`;
    await Deno.copyFile(`${from}/${entry.name}`, target);
    const { atime, mtime } = await Deno.stat(`${from}/${entry.name}`);
    await Deno.utime(target, atime ?? new Date(), mtime ?? new Date());
  }
}
