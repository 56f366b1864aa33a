/**
 * Reading a CSV file in pieces through {@linkcode CsvParser}: a mebibyte of bytes at a time, each
 * decoded in pieces of whole lines, so that neither the file nor a large string is ever held.
 *
 * @module
 */

import { CsvParser, CsvSyntaxError, type LineHandler, type RecordHandler } from "./parser.ts";

/**
 * Bytes decoded into one string at a time by the streaming readers. V8 keeps a string over
 * 128 KiB in its large-object space, which only a full collection frees: pieces of 1 MiB piled up
 * there (about the size of the file read) before one ran. A smaller piece lives and dies in the
 * young generation.
 */
export const TEXT_PIECE_BYTES = 1 << 16;

/** Decoders of UTF-8 that keep a byte-order mark: one that replaces invalid bytes, one that throws. */
const LOOSE = new TextDecoder("utf-8", { ignoreBOM: true });
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Bytes read from a file at a time, synchronously: an awaited read waits for a thread of the
 * runtime's each time, and a reader has nothing else to do meanwhile.
 */
const READ_BYTES = 1 << 20;

/**
 * A byte range of a CSV file, to read with its first line (the header): `start` is 0 or just
 * after a line break, `end` the file's size or just after a line break.
 */
export interface ByteRange {
  /** The first byte. */
  readonly start: number;
  /** After the last byte. */
  readonly end: number;
}

/**
 * Streams a UTF-8 CSV file through {@linkcode CsvParser} (with `requireLineBreak` as there).
 *
 * With `range`, only the first line (the header, which must have no quote) and the records of the
 * range are read, numbered as if the range came right after the first line; a range that does
 * not start a line is an error. A reader of one
 * range cannot tell their true numbers, nor whether `range.start` is inside a quoted field; but a
 * range that ends inside one is an error (a quote left open). So when a file is read in ranges
 * that tile it, and each is read without error, together they read exactly its records.
 *
 * @throws {CsvSyntaxError} for malformed CSV, and for bytes that are not UTF-8 (naming the line).
 */
export async function parseCsvFile(
  path: string,
  onRecord: RecordHandler,
  onLine?: LineHandler,
  requireLineBreak = false,
  range?: ByteRange,
): Promise<void> {
  const parser = new CsvParser(onRecord, onLine, requireLineBreak);
  using file = await Deno.open(path, { read: true });
  let offset = 0; // of the bytes decoded next, in the file
  // The byte-order mark that starts a file is dropped, as a streaming decoder drops it.
  const decode = async (bytes: Uint8Array) => {
    let text = decodeUtf8(bytes);
    if (typeof text === "number") {
      const bad = text;
      // Lines are counted only now: a file read whole costs no counting.
      const line = await lineBreaksIn(path, 0, offset) +
        countBytes(bytes.subarray(0, bad), 10) + 1;
      const column = bad - bytes.subarray(0, bad).lastIndexOf(10);
      throw new CsvSyntaxError(line, `is not UTF-8 text (byte ${column} of the line)`);
    }
    if (offset === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  };
  // Whole lines are decoded at a time (a line break is one byte, never inside a UTF-8
  // sequence), so that each piece of text is one flat string: a partial line joined to the
  // next chunk as text would make V8 keep the chunk as a pair of strings, slower to read.
  // The file is read a mebibyte at a time, and decoded in pieces of whole lines of about
  // TEXT_PIECE_BYTES.
  // With a range that starts further on, its first line is read first, then the range.
  let header = range !== undefined && range.start > 0;
  let left = range === undefined ? Infinity : header ? range.start : range.end; // bytes to read
  let chunk = new Uint8Array(READ_BYTES);
  let carried = 0; // bytes of an unfinished line at the start of `chunk`
  for (;;) {
    if (carried === chunk.length) { // a line longer than the chunk
      const bigger = new Uint8Array(chunk.length * 2);
      bigger.set(chunk);
      chunk = bigger;
    }
    const room = Math.min(chunk.length - carried, left);
    const n = room === 0 ? null : file.readSync(chunk.subarray(carried, carried + room));
    if (n === null) break;
    left -= n;
    const filled = carried + n;
    const lines = header
      ? chunk.subarray(0, filled).indexOf(10) + 1
      : chunk.subarray(0, filled).lastIndexOf(10) + 1;
    if (header && lines > 0 && chunk.subarray(0, lines).includes(34)) {
      throw new CsvSyntaxError(1, "has a quoted header: it cannot be read a byte range at a time");
    }
    for (let from = 0; from < lines;) {
      const to = pieceEnd(chunk, from, lines);
      const bytes = chunk.subarray(from, to);
      parser.push(await decode(bytes), bytes); // read before `chunk` is reused below
      offset += to - from;
      from = to;
    }
    if (header && lines > 0 && range !== undefined) {
      header = false;
      // The byte before the range must be a line break (else the file changed since the range
      // was chosen); reading it leaves the file at the range's start.
      await file.seek(range.start - 1, Deno.SeekMode.Start);
      const before = new Uint8Array(1);
      if ((await file.read(before)) !== 1 || before[0] !== 10) {
        throw new CsvSyntaxError(1, `byte ${range.start} does not start a line`);
      }
      offset = range.start;
      left = range.end - range.start;
      carried = 0;
      continue;
    }
    chunk.copyWithin(0, lines, filled);
    carried = filled - lines;
  }
  parser.push(await decode(chunk.subarray(0, carried)));
  parser.end();
}

/**
 * Where the piece of `bytes` that starts at `from` (a line's start) ends, to decode it on its own:
 * after the last line break within {@linkcode TEXT_PIECE_BYTES}, or after the first line if it is
 * longer; at most `end`, the end of the whole lines of `bytes`.
 */
export function pieceEnd(bytes: Uint8Array, from: number, end: number): number {
  if (end - from <= TEXT_PIECE_BYTES) return end;
  const last = bytes.subarray(from, from + TEXT_PIECE_BYTES).lastIndexOf(10);
  return last >= 0 ? from + last + 1 : bytes.indexOf(10, from + TEXT_PIECE_BYTES) + 1;
}

/**
 * `bytes` decoded as UTF-8 (a byte-order mark kept), or, if they are not UTF-8, the offset of the
 * first byte that is not. Invalid bytes decode to U+FFFD, so only text holding one is decoded
 * again, strictly, to tell them from a U+FFFD the bytes hold: about five times faster than a strict
 * decoder, which has no single-pass path. Give it whole lines: each call decodes on its own.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./csv_file.ts";
 * const bytes = new Uint8Array([0x61, 0xef, 0xbf, 0xbd, 0x0a, 0xff, 0x0a]); // "a\uFFFD\n", 0xFF
 * if (decodeUtf8(bytes.subarray(0, 5)) !== "a\uFFFD\n") throw new Error();
 * if (decodeUtf8(bytes) !== 5) throw new Error(); // 0xFF is never UTF-8
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string | number {
  const text = LOOSE.decode(bytes);
  if (!text.includes("\uFFFD")) return text;
  try {
    STRICT.decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return firstInvalidUtf8(bytes);
  }
  return text;
}

/** The line breaks in bytes `[start, end)` of the file at `path`. */
export async function lineBreaksIn(path: string, start: number, end: number): Promise<number> {
  using file = await Deno.open(path, { read: true });
  await file.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(1 << 20);
  let count = 0;
  for (let read = start; read < end;) {
    const n = await file.read(buffer.subarray(0, Math.min(buffer.length, end - read)));
    if (n === null) break;
    count += countBytes(buffer.subarray(0, n), 10);
    read += n;
  }
  return count;
}

/** How many times `byte` is in `bytes`. */
export function countBytes(bytes: Uint8Array, byte: number): number {
  let n = 0;
  for (let i = bytes.indexOf(byte); i !== -1; i = bytes.indexOf(byte, i + 1)) n++;
  return n;
}

/** The offset of the first byte of `bytes` that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // The `as number` casts tell the type checker (noUncheckedIndexedAccess) what the bounds
  // guarantee, at no cost: `i` is under the length, `i + k` under `i + length`, checked within it;
  // `second` is read only for a sequence of 3 or 4 bytes.
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] as number;
    const length = b < 0x80
      ? 1
      : b >= 0xc2 && b < 0xe0
      ? 2
      : b >= 0xe0 && b < 0xf0
      ? 3
      : b >= 0xf0 && b < 0xf5
      ? 4
      : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1] as number;
    if (
      (b === 0xe0 && second < 0xa0) || (b === 0xed && second >= 0xa0) ||
      (b === 0xf0 && second < 0x90) || (b === 0xf4 && second >= 0x90)
    ) return i;
    i += length;
  }
  return bytes.length;
}
