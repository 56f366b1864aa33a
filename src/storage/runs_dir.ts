/**
 * Where a rebuild keeps its sorted runs of positions (`position_lines.ts`) until it merges them:
 * a hidden directory beside the file they become. Not in the system's temporary directory, which
 * is often in memory (tmpfs): runs as large as the positions file would take that memory, and a
 * small /tmp could not hold them.
 *
 * A run killed before it removes its directory leaves it behind. Each directory holds a lock file
 * that its process keeps locked while it lives (the operating system lets go of the lock when the
 * process ends, however it ends), so a later run can tell a directory left behind, which it
 * removes, from one in use, which it leaves. (A directory is made, then its lock file, locked
 * before it is named: one without it is being made, or was a minute after it last changed.)
 *
 * @module
 */

import { join } from "node:path";

const PREFIX = ".futures-ledger-runs-";
const NAME = /^\.futures-ledger-runs-[0-9a-f]{8}$/;
const LOCK = "lock";

/** A directory for runs, locked by this process; `await using` (or dispose) removes it. */
export interface RunsDir extends AsyncDisposable {
  /** The directory. */
  readonly path: string;
}

/**
 * Makes a runs directory in `dir`, locked by this process.
 *
 * @throws {Deno.errors.PermissionDenied} (and the like) when `dir` is not writable.
 */
export async function makeRunsDir(dir: string): Promise<RunsDir> {
  const path = await freshDirectory(dir);
  // Locked under another name, then named: a lock file that a cleaner can see is always locked
  // first by the run that made it.
  const lock = await Deno.open(join(path, `${LOCK}.new`), { write: true, createNew: true });
  await lock.lock(true);
  await Deno.rename(join(path, `${LOCK}.new`), join(path, LOCK));
  let removed = false;
  return {
    path,
    async [Symbol.asyncDispose]() {
      if (removed) return;
      removed = true;
      lock.close();
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** A new directory in `dir` named by {@linkcode NAME}. */
async function freshDirectory(dir: string): Promise<string> {
  for (;;) {
    const path = join(dir, `${PREFIX}${crypto.randomUUID().slice(0, 8)}`);
    try {
      await Deno.mkdir(path);
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}

/**
 * Removes the runs directories in `dir` that runs which ended left behind (their lock is free),
 * leaving those in use. Returns the names removed.
 */
export async function removeStaleRunsDirs(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory || !NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (!(await lockIsFree(path))) continue;
    await Deno.remove(path, { recursive: true }).catch(() => {});
    removed.push(entry.name);
  }
  return removed;
}

/** A directory without its lock file this long after its last change was not being made. */
const MAKING_MS = 60_000;

/**
 * Whether the run that made the runs directory `path` has ended: its lock file is free, or it
 * has none a minute after it last changed (a run killed between making it and locking it).
 */
async function lockIsFree(path: string): Promise<boolean> {
  let lock: Deno.FsFile;
  try {
    lock = await Deno.open(join(path, LOCK), { read: true, write: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return false;
    const { mtime } = await Deno.stat(path).catch(() => ({ mtime: null }));
    return mtime !== null && Date.now() - mtime.getTime() > MAKING_MS;
  }
  try {
    return await lock.tryLock(true);
  } finally {
    lock.close();
  }
}
