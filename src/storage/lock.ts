/**
 * One sync at a time per output directory: an exclusive advisory lock on a lock file. The
 * operating system releases it when the process ends, however it ends, so a lock left by a killed
 * run is simply taken over by the next one.
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

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Releases the lock (closing the file releases it too). */
  release(): void {
    try {
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
    const holder = (await Deno.readTextFile(path).catch(() => "")).trim();
    throw new LockedError(
      `another futures-ledger run is using ${dir}${holder ? ` (${holder})` : ""}; ` +
        "wait for it to finish, then run again",
    );
  }
  await file.truncate(0);
  await file.write(
    new TextEncoder().encode(`pid ${Deno.pid}, started ${new Date().toISOString()}\n`),
  );
  return new SyncLock(file);
}
