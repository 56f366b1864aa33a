/**
 * What a shard worker (`worker.ts`) answers: its result, or its error as plain data (errors lose
 * their class crossing to another thread, and the CLI reports a {@linkcode DataFileError} by it).
 *
 * @module
 */

import { DataFileError } from "../storage/data_file.ts";
import type { ShardResult } from "./shard.ts";

/** A shard's outcome as a worker posts it: its result, or its error as plain data. */
export type ShardAnswer =
  | { readonly ok: true; readonly result: ShardResult }
  | { readonly ok: false; readonly error: SentError };

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

/** The error again, as the class the CLI reports it by. */
export function receiveError(sent: SentError): Error {
  if (sent.dataFile !== undefined) {
    const { path, line, problem } = sent.dataFile;
    return new DataFileError(path, line, problem);
  }
  const error = new Error(sent.message);
  error.name = sent.name;
  return error;
}
