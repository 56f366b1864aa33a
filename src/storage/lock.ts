/**
 * One writer at a time per output directory, and no writer while another command reads it: an
 * advisory lock on a lock file, exclusive for a run that writes the directory's files (`sync`,
 * `import`), shared for one that reads several of them (`positions`). The operating system
 * releases it when the process ends, however it ends, so a lock left by a killed run is simply
 * taken over by the next one.
 *
 * @module
 */

import { join } from "node:path";

/** The lock file's name in the output directory. */
export const LOCK_FILE = ".futures-ledger.lock";

/** Another run holds the lock. */
export class LockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockedError";
  }
}

/** A held lock; release it with `using` or {@linkcode SyncLock.release}. */
export class SyncLock implements Disposable {
  readonly #file: Deno.FsFile;
  readonly #exclusive: boolean;

  constructor(file: Deno.FsFile, exclusive = true) {
    this.#file = file;
    this.#exclusive = exclusive;
  }

  /**
   * Releases the lock (closing the file releases it too). An exclusive holder first clears the
   * process it recorded, so that a run kept out later by a reader names no finished process.
   */
  release(): void {
    try {
      if (this.#exclusive) this.#file.truncateSync(0);
      this.#file.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }

  /** Same as {@linkcode SyncLock.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Takes the lock of `dir`, or throws {@linkcode LockedError} saying which process holds it.
 * Records this process's id and start time in the file for that message.
 */
export async function acquireLock(dir: string): Promise<SyncLock> {
  const path = join(dir, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  if (!(await file.tryLock(true))) {
    file.close();
    throw await lockedError(dir);
  }
  await file.truncate(0);
  await file.write(
    new TextEncoder().encode(`pid ${Deno.pid}, started ${new Date().toISOString()}\n`),
  );
  return new SyncLock(file);
}

/**
 * Takes a shared lock of `dir` for a run that reads its files: any number of readers at once, but
 * not while a sync or an import writes them (which cannot start meanwhile either). `undefined`
 * (nothing to hold) when `dir` has no lock file: no sync or import ever ran there.
 *
 * @throws {LockedError} when a sync or an import holds it, saying which process.
 */
export async function acquireSharedLock(dir: string): Promise<SyncLock | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(join(dir, LOCK_FILE), { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (!(await file.tryLock(false))) {
    file.close();
    throw await lockedError(dir);
  }
  return new SyncLock(file, false);
}

/** The error of a lock of `dir` that another run holds, naming it if it wrote its name. */
async function lockedError(dir: string): Promise<LockedError> {
  const holder = (await Deno.readTextFile(join(dir, LOCK_FILE)).catch(() => "")).trim();
  return new LockedError(
    `another futures-ledger run is using ${dir}${holder ? ` (${holder})` : ""}; ` +
      "wait for it to finish, then run again",
  );
}
