/**
 * The command line: picks the command, turns failures into one clear line and an exit code.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { BinanceApiError, BinanceError } from "../binance/errors.ts";
import { SignerError } from "../binance/sign.ts";
import { ConfigError } from "../config.ts";
import { ArchiveError } from "../archive/types.ts";
import { appendJournalOf } from "../storage/append_in_place.ts";
import { DataFileError } from "../storage/data_file.ts";
import { LockedError } from "../storage/lock.ts";
import { SyncError } from "../sync/sync_error.ts";
import { type Command, UsageError } from "./command.ts";
import { fileInUseHint } from "./file_in_use.ts";
import { isFileSystemError } from "./paths.ts";

/** The version printed by `--version`, from `deno.json`. */
export const VERSION: string = denoJson.version;

/**
 * Each command by name, loaded when it is run: a run loads only its command's modules (a tenth
 * of a second less for each than loading them all).
 */
const COMMANDS: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ["sync", () => import("./sync.ts").then((m) => m.syncCommand)],
  ["import", () => import("./import.ts").then((m) => m.importCommand)],
  ["positions", () => import("./positions.ts").then((m) => m.positionsCommand)],
  ["report", () => import("./report.ts").then((m) => m.reportCommand)],
  ["export", () => import("./export.ts").then((m) => m.exportCommand)],
]);

async function usage(): Promise<string> {
  const commands = await Promise.all([...COMMANDS.values()].map((load) => load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return `futures-ledger ${VERSION}: Binance Futures fills → exact round-trip positions, as CSV.

Usage: futures-ledger <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "futures-ledger <command> --help" for a command's options.
Options: -h, --help   this help;   -V, --version   print the version
`;
}

/**
 * Runs the command line `args`; resolves to the exit code: 0 ok, 1 failed, 2 bad usage or
 * settings, 3 another run holds the directory.
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    console.log(await usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "-V" || name === "--version" || name === "version") {
    console.log(`futures-ledger ${VERSION}`);
    return 0;
  }
  const load = COMMANDS.get(name);
  let command: Command | undefined;
  try {
    if (load === undefined) throw new UsageError(`unknown command "${name}"`);
    command = await load();
    return await command.run(rest);
  } catch (error) {
    return report(error, command);
  }
}

function report(error: unknown, command: Command | undefined): number {
  if (error instanceof UsageError) {
    const hint = command ? `futures-ledger ${command.name} --help` : "futures-ledger --help";
    console.error(`futures-ledger: ${error.message} (see "${hint}")`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof SignerError) {
    console.error(`futures-ledger: ${error.message}`);
    return 2;
  }
  if (error instanceof LockedError) {
    console.error(`futures-ledger: ${error.message}`);
    return 3;
  }
  if (error instanceof DataFileError || error instanceof ArchiveError) {
    console.error(`futures-ledger: ${error.message} (nothing was written)`);
    if (error instanceof DataFileError && appending(error.path)) {
      console.error(
        "A sync was appending to this file and did not finish (or is appending now): the next " +
          "sync undoes the unfinished append. Run sync, then this command again.",
      );
    }
    return 1;
  }
  if (error instanceof SyncError) {
    // Binance refusing a symbol (-1121) is the user's to fix: running again would only fail again.
    const badSymbol = error.cause instanceof BinanceApiError && error.cause.code === -1121;
    console.error(
      `futures-ledger: sync failed at ${error.message}\nThe fills fetched before the failure ` +
        (badSymbol ? "are saved." : "are saved; run sync again to continue."),
    );
    return 1;
  }
  if (error instanceof BinanceError) {
    console.error(`futures-ledger: ${error.message}\nNothing was written.`);
    return 1;
  }
  if (isFileSystemError(error)) {
    // A file or permission problem (not found, permission denied, not a directory, disk full):
    // its message names the path; a stack trace would only hide it.
    const message = (error as Error).message;
    console.error(`futures-ledger: ${message}`);
    if (/\(os error 28\)/.test(message)) {
      console.error(
        "The disk is full: free some space and run again (a file being written is left as it was).",
      );
    }
    const hint = fileInUseHint(error);
    if (hint !== "") console.error(hint);
    return 1;
  }
  console.error(`futures-ledger: ${error instanceof Error ? error.stack : String(error)}`);
  return 1;
}

/** Whether an append to `path` has not finished (its undo journal is there). */
function appending(path: string): boolean {
  try {
    return Deno.statSync(appendJournalOf(path)).isFile;
  } catch {
    return false;
  }
}
