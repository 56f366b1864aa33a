/**
 * Crash-safe file replacement: write a temporary file beside the target, flush it to disk, then
 * rename it over the target. Readers see the old file or the new one, never a mix.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { readAt } from "./read_at.ts";

const encoder = new TextEncoder();

/** Bytes gathered before they are written: each write waits for a thread of the runtime's. */
const WRITE_BYTES = 1 << 20;

/**
 * Text encoded straight into one buffer, reused until the file is written: no string is joined
 * and no array made per write (batches of a million characters joined as strings went to V8's
 * large-object space, and piled up there until a full collection).
 */
class EncodedBuffer {
  readonly #bytes = new Uint8Array(WRITE_BYTES);
  #used = 0;

  /** Encodes as much of `text` as fits; returns the rest (empty when it all fit). */
  put(text: string): string {
    const { read, written } = encoder.encodeInto(text, this.#bytes.subarray(this.#used));
    this.#used += written;
    return read === text.length ? "" : text.slice(read);
  }

  /** The bytes gathered, and the buffer emptied (they are valid until the next `put`). */
  take(): Uint8Array {
    const bytes = this.#bytes.subarray(0, this.#used);
    this.#used = 0;
    return bytes;
  }
}

/**
 * Atomically replaces `path` with `content` (a string, or pieces to concatenate, which lets a
 * large file be streamed, also from an async source). The temporary file has a unique name, so
 * overlapping runs never share it, and is removed if anything fails.
 */
export async function writeFileAtomic(path: string, content: FileContent): Promise<void> {
  await replaceAtomic(path, (file) => writeAll(file, content, { flushing: true }));
}

/**
 * {@linkcode writeFileAtomic}, except that a file that already holds exactly `content` is left as
 * it is, its modification time too (which a sync's cache compares): resolves to whether `path`
 * was replaced. The content is compared with the file as it is written, a mebibyte at a time.
 * The temporary file is made in `tempIn` if given (on the file system of `path`), else beside
 * `path`.
 */
export async function writeFileIfChanged(
  path: string,
  content: FileContent,
  { tempIn }: { readonly tempIn?: string } = {},
): Promise<boolean> {
  let old: Deno.FsFile | undefined;
  try {
    old = await Deno.open(path, { read: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  using _old = old;
  let offset = 0;
  let same = old !== undefined;
  return await replaceAtomic(path, async (file) => {
    const written = (bytes: Uint8Array) => {
      if (same && old !== undefined) same = equalBytes(readAt(old, offset, bytes.length), bytes);
      offset += bytes.length;
    };
    await writeAll(file, content, { written, flushing: true });
    // Unchanged only if the file also ends where the content does.
    return !same || old === undefined || readAt(old, offset, 1).length > 0;
  }, tempIn);
}

/** Whether two byte arrays are equal: four bytes at a time where both are aligned. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >> 2 : 0;
  const x = new Int32Array(a.buffer, a.byteOffset, words);
  const y = new Int32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) if (x[i] !== y[i]) return false;
  for (let i = 4 * words; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Atomically replaces `path` with `bytes` (a downloaded file), as {@linkcode writeFileAtomic}. */
export async function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await replaceAtomic(path, async (file) => {
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  });
}

/**
 * Atomically replaces `path` with what `produce` writes through the function it is given (which
 * may be called from inside a synchronous callback: it buffers, and writes synchronously a mebibyte
 * at a time).
 */
export async function writeAtomicWith(
  path: string,
  produce: (write: (text: string) => void) => Promise<void> | void,
): Promise<void> {
  await replaceAtomic(path, async (file) => {
    const buffer = new EncodedBuffer();
    const flush = () => {
      const bytes = buffer.take();
      for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
    };
    await produce((text) => {
      for (let rest = buffer.put(text); rest !== ""; rest = buffer.put(rest)) flush();
    });
    flush();
  });
}

/** What a file is written from: text, or pieces of text and of bytes (UTF-8), to concatenate. */
export type FileContent =
  | string
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/** Bytes written between the flushes to disk that {@linkcode writeAll} starts as it goes. */
const FLUSH_BYTES = 32 << 20;

/** How {@linkcode writeAll} writes. */
export interface WriteOptions {
  /** Handed each piece of bytes as it is written. */
  readonly written?: (bytes: Uint8Array) => void;
  /**
   * Flush what is written to disk as it goes, every 32 MiB, while the writing goes on: the
   * caller's last flush then has little left to wait for (on a large file, most of the time the
   * disk takes is spent while the content is made).
   */
  readonly flushing?: boolean;
}

/**
 * Writes `content` to `file`, a mebibyte of text at a time (bytes as they come). A piece of bytes
 * is written before the next piece is asked for (so a source may reuse its buffer).
 */
export async function writeAll(
  file: Deno.FsFile,
  content: FileContent,
  { written, flushing = false }: WriteOptions = {},
): Promise<void> {
  const buffer = new EncodedBuffer();
  let unflushed = 0;
  // The flush going on, if any (one at a time), and the first that failed.
  let flush: Promise<void> | undefined;
  let failed: { error: unknown } | undefined;
  const write = async (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    written?.(bytes);
    unflushed += bytes.length;
    if (flushing && unflushed >= FLUSH_BYTES && flush === undefined) {
      unflushed = 0;
      flush = file.syncData().then(
        () => (flush = undefined),
        (error) => {
          failed ??= { error };
          flush = undefined;
        },
      );
    }
  };
  const writeBuffer = () => write(buffer.take());
  try {
    for await (const part of typeof content === "string" ? [content] : content) {
      if (typeof part !== "string") {
        await writeBuffer();
        await write(part);
        continue;
      }
      for (let rest = buffer.put(part); rest !== ""; rest = buffer.put(rest)) await writeBuffer();
    }
    await writeBuffer();
  } finally {
    await flush;
  }
  if (failed !== undefined) throw failed.error;
}

/**
 * Writes a temporary file in `tempIn` (beside `path` by default) with `fill`, flushes it, and
 * renames it over `path`; unless `fill` resolves to `false` (`path` is to stay as it is): the
 * temporary file is then removed. Resolves to whether `path` was replaced.
 */
async function replaceAtomic(
  path: string,
  fill: (file: Deno.FsFile) => Promise<boolean | void>,
  tempIn?: string,
): Promise<boolean> {
  const dir = dirname(path);
  const temp = join(
    tempIn ?? dir,
    `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    let replace: boolean;
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
      replace = (await fill(file)) !== false;
      if (replace) await file.sync();
    }
    if (!replace) {
      await Deno.remove(temp);
      return false;
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
  return true;
}

/**
 * Makes a rename, a creation or a removal in `dir` durable (POSIX); a no-op where directories
 * cannot be opened (Windows).
 */
export async function syncDirectory(dir: string): Promise<void> {
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
