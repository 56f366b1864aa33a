/**
 * Crash-safe file replacement: write a temporary file beside the target, flush it to disk, then
 * rename it over the target. Readers see the old file or the new one, never a mix.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

const encoder = new TextEncoder();
const BATCH_CHARS = 1 << 20;

/**
 * Atomically replaces `path` with `content` (a string, or strings to concatenate, which lets a
 * large file be streamed). The temporary file has a unique name, so overlapping runs never share
 * it, and is removed if anything fails.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Iterable<string>,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
      const write = async (text: string) => {
        const bytes = encoder.encode(text);
        for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      };
      if (typeof content === "string") {
        await write(content);
      } else {
        let batch = "";
        for (const part of content) {
          batch += part;
          if (batch.length >= BATCH_CHARS) {
            await write(batch);
            batch = "";
          }
        }
        await write(batch);
      }
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes a rename durable (POSIX); a no-op where directories cannot be opened (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  using handle = await Deno.open(dir, { read: true });
  await handle.sync();
}

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temporary files that {@linkcode writeFileAtomic} left in `dir` when a run was killed
 * mid-write. Call it only while holding the directory's lock, so no live write is touched.
 * Returns the names removed.
 */
export async function removeStaleTemporaryFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && TEMPORARY.test(entry.name)) {
      await Deno.remove(join(dir, entry.name));
      removed.push(entry.name);
    }
  }
  return removed;
}
