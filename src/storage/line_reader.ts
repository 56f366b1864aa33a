/**
 * Reading a text file in pieces of whole lines, in little memory, for files whose lines are whole
 * records: the positions file and the sorted runs a rebuild writes (no field there holds a line
 * break).
 *
 * @module
 */

import {
  countBytes,
  decodeUtf8,
  lineBreaksIn,
  pieceEnd,
  TEXT_PIECE_BYTES,
} from "../csv/csv_file.ts";
import { DataFileError } from "./data_file.ts";

/**
 * The UTF-8 file at `path` from byte `offset` (where a line starts; 0 by default) as pieces of
 * text of whole lines, each ending with its line break, in order; a byte-order mark that starts
 * the file is dropped. A piece is a few tens of kilobytes (about {@linkcode TEXT_PIECE_BYTES}): a
 * reader walks its lines without a string per line, and awaits a piece, not a line. `firstLine`,
 * the number of the line at `offset`, numbers the lines errors name.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for bytes that are not UTF-8, or a last line without its line break.
 */
export async function* readLinePieces(
  path: string,
  offset = 0,
  firstLine = 1,
): AsyncGenerator<string> {
  using file = await Deno.open(path, { read: true });
  if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
  // The line numbers of errors, counted only when one is met.
  const lineAt = async (at: number) => firstLine + await lineBreaksIn(path, offset, at);
  // Read a few pieces at a time, synchronously (an awaited read waits for a thread of the
  // runtime's).
  let chunk = new Uint8Array(4 * TEXT_PIECE_BYTES);
  let carried = 0; // bytes of an unfinished line at the start of `chunk`
  let read = offset; // the file's bytes before `chunk`
  for (;;) {
    if (carried === chunk.length) { // a line longer than the chunk
      const bigger = new Uint8Array(chunk.length * 2);
      bigger.set(chunk);
      chunk = bigger;
    }
    const n = file.readSync(chunk.subarray(carried));
    if (n === null) break;
    const filled = carried + n;
    const lines = chunk.subarray(0, filled).lastIndexOf(10) + 1;
    for (let from = 0; from < lines;) {
      const to = pieceEnd(chunk, from, lines);
      const bytes = chunk.subarray(from, to);
      let text = decodeUtf8(bytes);
      if (typeof text === "number") {
        const line = await lineAt(read + from) + countBytes(bytes.subarray(0, text), 10);
        throw new DataFileError(path, line, "is not UTF-8 text");
      }
      if (read + from === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      yield text;
      from = to;
    }
    chunk.copyWithin(0, lines, filled);
    carried = filled - lines;
    read += lines;
  }
  if (carried > 0) {
    throw new DataFileError(
      path,
      await lineAt(read),
      "the file ends in the middle of this line (no line break after it): it was cut short",
    );
  }
}
