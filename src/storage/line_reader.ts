/**
 * Reading a text file line by line, in little memory, for files whose lines are whole records:
 * the positions file and the sorted runs a rebuild writes (no field there holds a line break).
 *
 * @module
 */

import { TEXT_PIECE_BYTES } from "../csv/csv_file.ts";
import { DataFileError } from "./data_file.ts";

/**
 * The lines of the UTF-8 file at `path`, without their line breaks (LF or CRLF), in order, a
 * batch at a time (the lines of a piece of the file: awaiting each line alone would cost more
 * than reading it); the first line's byte-order mark is dropped. From `offset` on, if given (the
 * byte a line starts at).
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for bytes that are not UTF-8, or a last line without its line break.
 */
export async function* readLines(path: string, offset = 0): AsyncGenerator<string[]> {
  using file = await Deno.open(path, { read: true });
  if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
  // The decoder drops a byte-order mark at the start (its `ignoreBOM` is false).
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // Read a few pieces at a time, synchronously (an awaited read waits for a thread of the
  // runtime's), decoded a piece at a time (see TEXT_PIECE_BYTES).
  const chunk = new Uint8Array(4 * TEXT_PIECE_BYTES);
  let rest = "";
  let line = 0;
  for (;;) {
    const n = file.readSync(chunk);
    if (n === null) break;
    for (let from = 0; from < n; from += TEXT_PIECE_BYTES) {
      const piece = chunk.subarray(from, Math.min(n, from + TEXT_PIECE_BYTES));
      let text: string;
      try {
        text = rest + decoder.decode(piece, { stream: true });
      } catch {
        throw new DataFileError(path, line + 1, "is not UTF-8 text");
      }
      const batch: string[] = [];
      let at = 0;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", at)) {
        batch.push(text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end));
        at = end + 1;
      }
      line += batch.length;
      rest = text.slice(at);
      if (batch.length > 0) yield batch;
    }
  }
  if (rest !== "") {
    throw new DataFileError(
      path,
      line + 1,
      "the file ends in the middle of this line (no line break after it): it was cut short",
    );
  }
}
