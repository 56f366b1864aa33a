/**
 * Crash-safe file replacement: write a temporary file beside the target, flush it to disk, then
 * rename it over the target. Readers see the old file or the new one, never a mix.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

const encoder = new TextEncoder();
/**
 * Characters gathered before they are encoded and written. Small enough that the batch, and its
 * bytes in the one buffer each write reuses, never reach V8's large-object space, which only a
 * full collection frees (batches of a million characters piled up there).
 */
const BATCH_CHARS = 1 << 15;

/** A buffer that holds a batch's bytes (UTF-8 takes at most 3 bytes per UTF-16 code unit). */
function batchBuffer(): Uint8Array {
  return new Uint8Array(3 * BATCH_CHARS);
}

/** `text` encoded into `buffer` piece by piece: each piece's bytes, valid until the next. */
function* encodedPieces(text: string, buffer: Uint8Array): Generator<Uint8Array> {
  for (let rest = text; rest.length > 0;) {
    const { read, written } = encoder.encodeInto(rest, buffer);
    yield buffer.subarray(0, written);
    rest = rest.slice(read);
  }
}

/**
 * Atomically replaces `path` with `content` (a string, or strings to concatenate, which lets a
 * large file be streamed, also from an async source). The temporary file has a unique name, so
 * overlapping runs never share it, and is removed if anything fails.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  await replaceAtomic(path, (file) => writeAll(file, content));
}

/** Atomically replaces `path` with `bytes` (a downloaded file), as {@linkcode writeFileAtomic}. */
export async function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await replaceAtomic(path, async (file) => {
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  });
}

/**
 * Atomically replaces `path` with a copy of it plus `tail`: the file is copied (by the operating
 * system, in bulk) to a temporary file beside it, `tail` is appended, and the result replaces
 * it, as {@linkcode writeFileAtomic} does. What a file that only grows at its end costs to update.
 */
export async function appendAtomic(
  path: string,
  tail: Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  await replaceAtomic(path, (file) => writeAll(file, tail), path);
}

/**
 * Atomically replaces `path` with what `produce` writes through the function it is given (which
 * may be called from inside a synchronous callback: it buffers, and writes synchronously some
 * thirty thousand characters at a time).
 */
export async function writeAtomicWith(
  path: string,
  produce: (write: (text: string) => void) => Promise<void> | void,
): Promise<void> {
  await replaceAtomic(path, async (file) => {
    let batch = "";
    const buffer = batchBuffer();
    const flush = () => {
      for (const bytes of encodedPieces(batch, buffer)) {
        for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
      }
      batch = "";
    };
    await produce((text) => {
      batch += text;
      if (batch.length >= BATCH_CHARS) flush();
    });
    flush();
  });
}

/** Writes `content` to `file`, in batches of {@linkcode BATCH_CHARS} characters or so. */
async function writeAll(
  file: Deno.FsFile,
  content: string | Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  const buffer = batchBuffer();
  const write = async (text: string) => {
    for (const bytes of encodedPieces(text, buffer)) {
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    }
  };
  if (typeof content === "string") return await write(content);
  let batch = "";
  for await (const part of content) {
    batch += part;
    if (batch.length >= BATCH_CHARS) {
      await write(batch);
      batch = "";
    }
  }
  await write(batch);
}

/** Writes a temporary file beside `path` with `fill`, flushes it, and renames it over `path`. */
async function replaceAtomic(
  path: string,
  fill: (file: Deno.FsFile) => Promise<void>,
  copyOf?: string,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    if (copyOf !== undefined) await Deno.copyFile(copyOf, temp);
    {
      using file = await Deno.open(temp, {
        write: true,
        createNew: copyOf === undefined,
        append: copyOf !== undefined,
        mode: 0o644,
      });
      await fill(file);
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
