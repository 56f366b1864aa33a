/**
 * The end of a data file sorted by time (the fills and income files: time is their first column),
 * read from the end backwards: what a sync needs of the newest rows without reading the file.
 *
 * @module
 */

import { parseTimeAt } from "../time.ts";
import { DataFileError } from "./data_file.ts";
import { readAt } from "./read_at.ts";

const BLOCK = 1 << 16;

/** The header line and the last lines of a file. */
export interface Tail {
  /** The first line, without its line break. */
  readonly header: string;
  /** The lines whose time is at or after the time asked for, in file order, without breaks. */
  readonly lines: string[];
}

/**
 * The header and every line of the file at `path` whose time (its first field, as the file
 * writes it) is at or after `since`, read backwards until an earlier line: the file must be
 * sorted by time, as futures-ledger writes it.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for a line whose time cannot be read, or a file cut short.
 */
export async function readTail(path: string, since: number): Promise<Tail> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const header = headerOf(file, decoder, path);
  // A file of another layout (time not first): no tail; its reader reads it whole.
  if (!header.startsWith("time,")) return { header, lines: [] };
  const lines: string[] = [];
  let end = size;
  let carried = new Uint8Array(0); // the start of a line whose beginning is in an earlier block
  for (let done = false; !done;) {
    const start = Math.max(0, end - BLOCK);
    const read = readAt(file, start, end - start);
    if (read.length < end - start) throw new DataFileError(path, 0, "changed while it was read");
    const block = new Uint8Array(read.length + carried.length);
    block.set(read);
    block.set(carried, read.length);
    if (end === size && block.length > 0 && block[block.length - 1] !== 10) {
      throw new DataFileError(path, 0, "ends in the middle of a line: it was cut short");
    }
    // Whole lines of this block: after its first line break, unless it starts the file.
    const whole = start === 0 ? 0 : block.indexOf(10) + 1;
    if (start > 0 && whole === 0) {
      carried = block; // one line longer than the block: read further back
      end = start;
      continue;
    }
    const text = decoder.decode(block.subarray(whole));
    const found = text.split("\n");
    found.pop(); // after the last line break
    for (const [i, text] of [...found.entries()].reverse()) {
      const line = text.endsWith("\r") ? text.slice(0, -1) : text;
      if (start === 0 && i === 0) break; // the header
      if (line === "") continue;
      const comma = line.indexOf(",");
      const time = parseTimeAt(line, 0, comma < 0 ? line.length : comma);
      if (time === undefined) {
        throw new DataFileError(path, 0, `a row near its end has no time: ${line.slice(0, 40)}`);
      }
      if (time < since) return { header, lines: lines.reverse() };
      lines.push(line); // newest first, until reversed
    }
    carried = block.subarray(0, whole);
    done = start === 0;
    end = start;
  }
  return { header, lines: lines.reverse() };
}

/** The first line of `file`. */
function headerOf(file: Deno.FsFile, decoder: TextDecoder, path: string): string {
  const block = readAt(file, 0, BLOCK);
  const end = block.indexOf(10);
  if (end < 0) throw new DataFileError(path, 1, "has no header line");
  const line = decoder.decode(block.subarray(0, end)).replace(/\r$/, "");
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}
