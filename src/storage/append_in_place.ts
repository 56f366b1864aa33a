/**
 * Appending to a large file in place, crash-safely: what a file that only grows at its end costs
 * to update is the rows added, not a copy of the file.
 *
 * Before the rows are appended, an undo journal is written beside the file (atomically: whole or
 * absent) with the file's size, modification time and a CRC-32 of its last bytes. The rows are
 * appended and flushed to disk, and only then is the journal removed (and the removal flushed).
 * A journal found later therefore means an append that may not have finished: the file is cut
 * back to the size the journal gives, and its time set back, which leaves it exactly as it was
 * before the append began ({@linkcode undoInterruptedAppends}, run under the directory's lock by
 * the next sync). A file that is no longer the one appended to (shorter than that size, or other
 * bytes there) is left as it is.
 *
 * Readers that do not take the lock (`positions`, `report`) can meet a half-written last row
 * while an append runs, or after a run killed mid-append: they stop at that row, as at any
 * damaged one, and the command line adds that a sync undoes it ({@linkcode appendJournalOf}).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { crc32Bytes } from "../csv/crc32.ts";
import { syncDirectory, writeAll, writeFileAtomic } from "./atomic_write.ts";
import { DataFileError } from "./data_file.ts";
import { readAt } from "./read_at.ts";

/** Bytes before the old end whose CRC-32 the journal keeps, to know the file again. */
const TAIL_BYTES = 64 << 10;

const JOURNAL = /^\.(.+)\.append\.json$/;

/** What the journal records of the file before the append. */
interface Journal {
  /** Its size, bytes. */
  readonly bytes: number;
  /** Its modification time, ms. */
  readonly modifiedMs: number;
  /** The CRC-32 of its last `min(bytes, TAIL_BYTES)` bytes. */
  readonly tailCrc32: number;
}

/** The undo journal of an append to `path` (present only while one runs, or after a kill). */
export function appendJournalOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.append.json`);
}

/**
 * Appends `tail` to the existing file at `path` in place, with an undo journal (see the module
 * doc): once it resolves the rows are on disk; if the process dies before, the next
 * {@linkcode undoInterruptedAppends} leaves the file as it was.
 *
 * @throws {Deno.errors.NotFound} when there is no file at `path`.
 */
export async function appendInPlace(path: string, tail: Iterable<string>): Promise<void> {
  const journal = appendJournalOf(path);
  {
    using file = await Deno.open(path, { read: true, write: true });
    const { size, mtime, atime } = await file.stat();
    const record: Journal = {
      bytes: size,
      modifiedMs: mtime?.getTime() ?? 0,
      tailCrc32: tailCrc(file, size),
    };
    await writeFileAtomic(journal, JSON.stringify(record) + "\n");
    try {
      await file.seek(0, Deno.SeekMode.End);
      await writeAll(file, tail);
      await file.sync();
    } catch (error) {
      // Undone at once (a full disk, say); if even that fails, the next sync undoes it.
      await cutBack(file, record, atime).catch(() => {
        throw error;
      });
      await Deno.remove(journal).catch(() => {});
      throw error;
    }
  }
  await Deno.remove(journal);
  // Durable before anything the appended rows allow (a watermark) is written.
  await syncDirectory(dirname(path));
}

/**
 * Undoes the appends of `dir` that a killed run left unfinished (see the module doc). Call it
 * only while holding the directory's lock. Returns what it did, one line per file, to log.
 *
 * @throws {DataFileError} for a journal that is not one (nothing is changed).
 */
export async function undoInterruptedAppends(dir: string): Promise<string[]> {
  const done: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const name = JOURNAL.exec(entry.name)?.[1];
    if (!entry.isFile || name === undefined) continue;
    const journal = join(dir, entry.name);
    const record = parseJournal(journal, await Deno.readTextFile(journal));
    done.push(await undo(join(dir, name), name, record));
    await Deno.remove(journal);
    await syncDirectory(dir);
  }
  return done;
}

async function undo(path: string, name: string, record: Journal): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return `${name}: gone, nothing to undo`;
    throw error;
  }
  using _file = file;
  const { size, atime } = await file.stat();
  if (size < record.bytes || tailCrc(file, record.bytes) !== record.tailCrc32) {
    return `${name}: changed since an interrupted append began; left as it is`;
  }
  if (size === record.bytes) return `${name}: the interrupted append had added nothing`;
  await cutBack(file, record, atime);
  return `${name}: undid an append an interrupted run left (${size - record.bytes} bytes)`;
}

/**
 * Cuts `file` back to the size the journal gives and sets its modification time back: it is then
 * the file as it was before the append, byte for byte, with the stamp the cache knew it by.
 */
async function cutBack(file: Deno.FsFile, record: Journal, atime: Date | null): Promise<void> {
  await file.truncate(record.bytes);
  await file.sync();
  await file.utime(atime ?? new Date(), new Date(record.modifiedMs));
}

/** The CRC-32 of the `TAIL_BYTES` bytes (or fewer) before `end`. */
function tailCrc(file: Deno.FsFile, end: number): number {
  const length = Math.min(end, TAIL_BYTES);
  const bytes = readAt(file, end - length, length);
  if (bytes.length < length) throw new Deno.errors.UnexpectedEof(`ends before byte ${end}`);
  return crc32Bytes(bytes, 0, bytes.length);
}

function parseJournal(path: string, text: string): Journal {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const v = value as Partial<Journal> | undefined;
  const whole = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (!whole(v?.bytes) || !whole(v?.modifiedMs) || !whole(v?.tailCrc32)) {
    throw new DataFileError(
      path,
      1,
      "is not an append journal of futures-ledger's (bytes, modifiedMs, tailCrc32): remove it " +
        "only if no sync was interrupted here",
    );
  }
  return v as Journal;
}
