/**
 * Checks of the files and directories a command line names, made before anything is read,
 * requested or written: a missing input, an output that is a directory, lies in a directory that
 * does not exist or cannot be written, or would overwrite an input is one line and exit code 2
 * ({@linkcode ConfigError}), never a stack trace or a failure after the work is done.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../config.ts";
import { CACHE_FILE } from "../storage/cache_file.ts";
import { FILES } from "../storage/file_names.ts";
import {
  acquireLock,
  acquireSharedLock,
  LOCK_FILE,
  LockedError,
  type SyncLock,
} from "../storage/lock.ts";

/** A path as the command line gave it: the option (`--fills`) or `undefined` for a default. */
export interface NamedPath {
  /** The path. */
  readonly path: string;
  /** The option that named it, e.g. `--fills`; `undefined` when it is the default. */
  readonly option: string | undefined;
}

/**
 * Checks that `input` is an existing file. `hint` says what to do when the default file is
 * missing (e.g. "run sync first, or give --fills FILE").
 */
export async function checkInputFile(input: NamedPath, hint = ""): Promise<void> {
  const info = await statOrUndefined(input.path);
  if (info === undefined) {
    throw new ConfigError(
      input.option === undefined
        ? `there is no ${input.path} in ${Deno.cwd()}: ${hint}`
        : `${input.option} ${input.path}: no such file`,
    );
  }
  if (!info.isFile) {
    throw new ConfigError(
      `${label(input)} is ${info.isDirectory ? "a directory, not a file" : "not a regular file"}`,
    );
  }
}

/**
 * Refuses an output named as one of the files futures-ledger keeps (`FILES`: the fills, income and
 * positions files, state.json...; its cache and its lock), wherever it is: a report or an export written there would
 * replace the data (the fills and income Binance no longer serves are gone for good).
 */
export function checkNotKeptFile(output: NamedPath): void {
  const name = basename(output.path);
  const kept = { ...FILES, cache: CACHE_FILE, lock: LOCK_FILE };
  for (const [role, keptName] of Object.entries(kept)) {
    if (name === keptName) {
      throw new ConfigError(
        `${label(output)} is named as futures-ledger's ${role} file: give another file name`,
      );
    }
  }
}

/**
 * Checks that `output` can be written: not a directory, in an existing directory where a file
 * can be created (tried with an empty file, removed at once), and none of `inputs` (the files
 * the command reads, which it would otherwise overwrite).
 */
export async function checkOutputFile(
  output: NamedPath,
  inputs: readonly { readonly path: string; readonly what: string }[],
): Promise<void> {
  const info = await statOrUndefined(output.path);
  if (info?.isDirectory) {
    throw new ConfigError(`${label(output)} is a directory: give a file name`);
  }
  for (const input of inputs) {
    if (await samePath(output.path, input.path)) {
      throw new ConfigError(
        `${label(output)} is the ${input.what} it reads: give another file name`,
      );
    }
  }
  const dir = dirname(resolve(output.path));
  const parent = await statOrUndefined(dir);
  if (parent === undefined) throw new ConfigError(`${label(output)}: ${dir} does not exist`);
  if (!parent.isDirectory) throw new ConfigError(`${label(output)}: ${dir} is not a directory`);
  let probe: string | undefined;
  try {
    probe = await Deno.makeTempFile({ dir, prefix: ".futures-ledger-", suffix: ".tmp" });
  } catch (error) {
    throw new ConfigError(`${label(output)}: cannot write in ${dir} (${reason(error)})`);
  } finally {
    if (probe !== undefined) await Deno.remove(probe).catch(() => {});
  }
}

/**
 * Creates the output directory `dir` if needed and takes its lock (which is also the proof that
 * files can be written in it).
 *
 * @throws {LockedError} when another run holds it.
 */
export async function lockOutputDirectory(dir: NamedPath): Promise<SyncLock> {
  const info = await statOrUndefined(dir.path);
  if (info !== undefined && !info.isDirectory) {
    throw new ConfigError(`${label(dir)} is a file, not a directory`);
  }
  try {
    await Deno.mkdir(dir.path, { recursive: true });
  } catch (error) {
    throw new ConfigError(`${label(dir)}: cannot create the directory (${reason(error)})`);
  }
  let lock: SyncLock;
  try {
    lock = await acquireLock(dir.path);
  } catch (error) {
    if (error instanceof LockedError || !isFileSystemError(error)) throw error;
    throw new ConfigError(`${label(dir)}: cannot write in it (${reason(error)})`);
  }
  // The lock file may be there from an earlier run: a file made now says whether one can be,
  // before anything is fetched. (Named as a temporary file: one a kill leaves is removed.)
  const probe = join(dir.path, `.write-check.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.writeFile(probe, new Uint8Array(), { createNew: true });
    await Deno.remove(probe);
  } catch (error) {
    lock.release();
    if (!isFileSystemError(error)) throw error;
    throw new ConfigError(`${label(dir)}: cannot write in it (${reason(error)})`);
  }
  return lock;
}

/**
 * Shared locks of the directories of the files `paths` (each directory once), for a command that
 * reads several files a sync writes together (the positions and the income file): no sync or
 * import replaces them until the locks are released (`using`), and the command does not read them
 * while one does.
 *
 * @throws {LockedError} when a sync or an import holds one of them.
 */
export async function lockForReading(paths: readonly string[]): Promise<Disposable> {
  const locks: SyncLock[] = [];
  const release = () => locks.forEach((lock) => lock.release());
  try {
    for (const dir of new Set(paths.map((path) => resolve(dirname(path))))) {
      const lock = await acquireSharedLock(dir);
      if (lock !== undefined) locks.push(lock);
    }
  } catch (error) {
    release();
    throw error;
  }
  return { [Symbol.dispose]: release };
}

/**
 * Whether `error` is the operating system refusing a file operation: one of `Deno.errors`, or an
 * error Deno has no class for, such as a read-only file system or a full disk (`(os error N)`).
 *
 * @example
 * ```ts
 * import { isFileSystemError } from "./paths.ts";
 * const full = new Error("No space left on device (os error 28)");
 * const ok = isFileSystemError(full) && isFileSystemError(new Deno.errors.NotFound("x")) &&
 *   !isFileSystemError(new Error("something else"));
 * if (!ok) throw new Error();
 * ```
 */
export function isFileSystemError(error: unknown): boolean {
  return Object.values(Deno.errors).some((kind) => error instanceof kind) ||
    (error instanceof Error && /\(os error \d+\)/.test(error.message));
}

function label(named: NamedPath): string {
  return named.option === undefined ? named.path : `${named.option} ${named.path}`;
}

/** The operating system's reason, without the path it repeats (the message names the path). */
function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotADirectory) return "a part of the path is a file";
  // Deno asks for --allow-all to touch /dev, /proc or /sys: nothing this program should write.
  if (error instanceof Deno.errors.NotCapable) return "this program may not use that path";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\).*$/s, "").toLowerCase();
}

async function samePath(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    return await Deno.realPath(a) === await Deno.realPath(b);
  } catch {
    return false; // one does not exist (yet): not the same file
  }
}

/** `path`'s information; `undefined` if it does not exist. */
async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    if (isFileSystemError(error)) throw new ConfigError(`${path}: ${reason(error)}`);
    throw error;
  }
}
