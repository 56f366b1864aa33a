/**
 * Reading a stretch of a file at a known place: the one loop behind the readers that look at part
 * of a file (its samples, its last bytes, its tail, a line start), where a single `read` may
 * return fewer bytes than asked; and reading a whole file a piece at a time.
 *
 * @module
 */

/**
 * Up to `length` bytes of `file` from byte `offset`: fewer only where the file ends. Read
 * synchronously (the reads it serves are small, or are all the caller does).
 *
 * @example
 * ```ts
 * import { readAt } from "./read_at.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "time,symbol\n1,BTCUSDT\n");
 * using file = await Deno.open(path);
 * const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
 * if (text(readAt(file, 12, 3)) !== "1,B") throw new Error();
 * if (text(readAt(file, 14, 100)) !== "BTCUSDT\n") throw new Error(); // to the end
 * await Deno.remove(path);
 * ```
 */
export function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  // Synchronously: an awaited read waits for a thread of the runtime's, each time.
  file.seekSync(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = file.readSync(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/**
 * The bytes of the file at `path`, in order, a mebibyte or so at a time, in one buffer: each
 * piece is valid until the next is asked for.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  for (let n = file.readSync(buffer); n !== null; n = file.readSync(buffer)) {
    yield buffer.subarray(0, n);
  }
}
