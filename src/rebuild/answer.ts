/**
 * What a shard worker (`worker.ts`) and its host say to each other. The host sends the task; the
 * worker may offer its part of the income file and get its share back (`income_share.ts`); it
 * answers with its result, or its error as plain data (errors lose their class crossing to another
 * thread, and the CLI reports a {@linkcode DataFileError} or a `Deno.errors` one by it). The host
 * may then send it a part of the merge of the runs to write (`run_merge.ts`), which it answers in
 * the same way.
 *
 * @module
 */

import { DataFileError } from "../storage/data_file.ts";
import type { IncomeOffer, IncomeReturn } from "./income_share.ts";
import type { MergePart } from "../storage/run_merge.ts";
import type { ShardResult, ShardRun } from "./shard.ts";

/** A shard's outcome as a worker posts it: its result, or its error as plain data. */
export type ShardAnswer =
  | { readonly ok: true; readonly result: ShardResult }
  | { readonly ok: false; readonly error: SentError };

/** A part of the merge of the runs, for a worker to write to a new file. */
export interface MergeTask {
  readonly merge: {
    /** All the runs. */
    readonly runs: readonly ShardRun[];
    /** The part to write. */
    readonly part: MergePart;
    /** The file to write it to. */
    readonly out: string;
  };
}

/** A merge's outcome as a worker posts it: done, or its error as plain data. */
export type MergeAnswer =
  | { readonly merged: true }
  | { readonly merged: false; readonly error: SentError };

/** A message from a shard worker: its offer of the income file, or an outcome. */
export type WorkerMessage =
  | { readonly offer: IncomeOffer | undefined }
  | ShardAnswer
  | MergeAnswer;

/** The host's reply to an offer: what the other shards found for the worker. */
export interface ShareReply {
  /** What came back, or `undefined`: read the whole file. */
  readonly shared: IncomeReturn | undefined;
}

/** An error sent across: its class name and message; a {@linkcode DataFileError}'s parts too. */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly dataFile?: { readonly path: string; readonly line: number; readonly problem: string };
}

/** An error as plain data. */
export function sendError(error: unknown): SentError {
  if (error instanceof DataFileError) {
    const { path, line, problem } = error;
    return { name: error.name, message: error.message, dataFile: { path, line, problem } };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/**
 * The error again, as the class the CLI reports it by: a {@linkcode DataFileError}, or one of
 * `Deno.errors` (a file missing, not allowed, in use), which the CLI reports by its message and,
 * on Windows, a hint, as it would had this thread met it; any other as an `Error` of that name.
 *
 * @example
 * ```ts
 * import { receiveError, sendError } from "./answer.ts";
 * const denied = new Deno.errors.PermissionDenied("Access is denied. (os error 5)");
 * const back = receiveError(sendError(denied));
 * if (!(back instanceof Deno.errors.PermissionDenied) || back.message !== denied.message) {
 *   throw new Error("the class is lost");
 * }
 * ```
 */
export function receiveError(sent: SentError): Error {
  if (sent.dataFile !== undefined) {
    const { path, line, problem } = sent.dataFile;
    return new DataFileError(path, line, problem);
  }
  const kind = Object.hasOwn(Deno.errors, sent.name)
    ? Deno.errors[sent.name as keyof typeof Deno.errors]
    : undefined;
  const error = kind === undefined ? new Error(sent.message) : new kind(sent.message);
  error.name = sent.name;
  return error;
}
