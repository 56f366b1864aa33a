/**
 * Reading a `.env` file as the person who wrote it means it, whatever editor saved it.
 *
 * The lines are parsed by Node's own `.env` parser (`node:util` `parseEnv`: `NAME=value`, `#`
 * comments, `"…"`, `'…'` and `` `…` `` quotes, `\n` in double quotes, `export NAME=value`). Before
 * it, the text is made what that parser expects, because editors differ in what they save:
 *
 * - **A byte-order mark**: Windows Notepad's "UTF-8 with BOM" starts the file with U+FEFF, which
 *   the parser takes as part of the first name (`\uFEFFBINANCE_API_KEY`), so the first line was
 *   lost. "Unicode" (UTF-16 LE) and "Unicode big endian" files start with their own mark and are
 *   decoded as UTF-16 (https://learn.microsoft.com/en-us/windows/win32/intl/using-byte-order-marks).
 * - **Line breaks**: Windows' CRLF and old Mac CR are read as line breaks (the parser splits on LF
 *   only, so a CR-only file was one line).
 * - **`export` followed by a tab or several blanks**: the parser recognises `export ` with one
 *   space only (`parse_key` in Node's `src/node_dotenv.cc`), so `export<TAB>NAME=…` became a
 *   variable named `export\tNAME`. Any blanks after `export` are now read as one space.
 *
 * Text that is not UTF-8 (or UTF-16 with its mark) is refused with a reason, rather than read
 * with replacement characters that would make a key silently wrong.
 *
 * @module
 */

import { parseEnv } from "node:util";

/** Why a `.env` file cannot be read as text. */
export class DotenvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DotenvError";
  }
}

/**
 * The variables of a `.env` file's bytes.
 *
 * @example A file saved by Notepad: a byte-order mark, CRLF line breaks, a tab after `export`
 * ```ts
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("\uFEFFA=1\r\nexport\tB='two'\r\n");
 * assert.deepEqual(parseDotenv(bytes), { A: "1", B: "two" });
 * ```
 *
 * @throws {DotenvError} when the bytes are not UTF-8 or UTF-16 text.
 */
export function parseDotenv(bytes: Uint8Array): Record<string, string> {
  const text = decode(bytes)
    .replace(/\r\n?/g, "\n")
    // Only where a line starts with `export`, blanks and a name: a value is never touched, and a
    // variable named `export` (`export=1`) stays one.
    .replace(/^([ \t]*)export[ \t]+(?=[A-Za-z_])/gm, "$1export ");
  return { ...parseEnv(text) } as Record<string, string>;
}

/** The text of `bytes`: UTF-8 (a mark is dropped), or UTF-16 when it starts with its mark. */
function decode(bytes: Uint8Array): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe
    ? "utf-16le"
    : bytes[0] === 0xfe && bytes[1] === 0xff
    ? "utf-16be"
    : "utf-8";
  if (encoding === "utf-8" && bytes.includes(0)) {
    throw new DotenvError(
      "it contains NUL bytes (UTF-16 text without a byte-order mark?): save it as UTF-8",
    );
  }
  try {
    // fatal: invalid bytes are an error, not U+FFFD; the BOM of the encoding is removed.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new DotenvError(`it is not valid ${encoding.toUpperCase()} text: save it as UTF-8`);
  }
}
