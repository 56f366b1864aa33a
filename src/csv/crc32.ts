/**
 * CRC-32 (IEEE 802.3, the one of zlib, gzip and zip) of text, as the `crc32` column of the
 * project's data files prints it: 8 lowercase hex digits.
 *
 * Each row of `futures_fills.csv`, `futures_income.csv` and `futures_fee_prices.csv` ends with
 * the CRC-32 of the UTF-8 bytes of the rest of its CSV line (the fields before it, joined by
 * commas, quoted as the files quote them, without the line break). A row changed after
 * futures-ledger wrote it — a digit lost or doubled, a number a spreadsheet reformatted — no
 * longer matches, and is refused with its line, instead of becoming a different fill. Anyone can
 * check a row: in Python, `zlib.crc32(line.rsplit(",", 1)[0].encode())`.
 *
 * @example
 * ```ts
 * import { crc32Hex } from "./crc32.ts";
 * // The check value of CRC-32: the ASCII text "123456789".
 * if (crc32Hex("123456789") !== "cbf43926") throw new Error();
 * ```
 *
 * @module
 */

// Slicing by 8 (Intel's method): table k holds the CRC of a byte followed by k zero bytes, so
// that 8 bytes at once are 8 lookups.
//
// Every index into `TABLES` below is in [0, 2048) by construction (a byte, plus 256 times a table
// number under 8) and every index into `bytes` is under `end`, which callers keep within the
// array; so the `as number` casts only tell the type checker (noUncheckedIndexedAccess) what the
// bounds already guarantee. They compile away: a runtime check here would cost the hot loop of
// every file read.
const TABLES = new Int32Array(256 * 8);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLES[n] = c;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const previous = TABLES[(k - 1) * 256 + n] as number;
    TABLES[k * 256 + n] = (TABLES[previous & 0xff] as number) ^ (previous >>> 8);
  }
}

/** The CRC-32 state `crc` moved on by 8 bytes, given as two 32-bit little-endian words. */
function eight(crc: number, low: number, high: number): number {
  const T = TABLES;
  const x = crc ^ low;
  return (T[1792 + (x & 0xff)] as number) ^ (T[1536 + ((x >>> 8) & 0xff)] as number) ^
    (T[1280 + ((x >>> 16) & 0xff)] as number) ^ (T[1024 + (x >>> 24)] as number) ^
    (T[768 + (high & 0xff)] as number) ^ (T[512 + ((high >>> 8) & 0xff)] as number) ^
    (T[256 + ((high >>> 16) & 0xff)] as number) ^ (T[high >>> 24] as number);
}

/**
 * The CRC-32 of the UTF-8 bytes of `text[start, end)`, as an unsigned 32-bit number. ASCII, the
 * common case, is read straight from the string, eight characters at a time; other characters
 * are encoded on the way.
 */
export function crc32(text: string, start = 0, end: number = text.length): number {
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = text.charCodeAt(i + 2);
    const d = text.charCodeAt(i + 3);
    const e = text.charCodeAt(i + 4);
    const f = text.charCodeAt(i + 5);
    const g = text.charCodeAt(i + 6);
    const h = text.charCodeAt(i + 7);
    if ((a | b | c | d | e | f | g | h) >= 0x80) break;
    crc = eight(crc, a | (b << 8) | (c << 16) | (d << 24), e | (f << 8) | (g << 16) | (h << 24));
  }
  for (; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      crc = (TABLES[(crc ^ c) & 0xff] as number) ^ (crc >>> 8);
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < end) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate: encoded as U+FFFD
    const bytes = c < 0x800
      ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
      : c < 0x10000
      ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
      : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const b of bytes) crc = (TABLES[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/**
 * The CRC-32 of `bytes[start, end)`, as an unsigned 32-bit number: {@linkcode crc32} of the text
 * they encode, over two times faster.
 *
 * @example
 * ```ts
 * import { crc32, crc32Bytes } from "./crc32.ts";
 * const bytes = new TextEncoder().encode("123456789");
 * if (crc32Bytes(bytes, 0, 9) !== 0xcbf43926 || crc32("123456789") !== 0xcbf43926) {
 *   throw new Error();
 * }
 * ```
 */
export function crc32Bytes(bytes: Uint8Array, start: number, end: number): number {
  let crc = -1;
  let i = start;
  const T = TABLES;
  for (; i + 8 <= end; i += 8) {
    // `eight`, written out: the hot loop of every file read.
    const x = crc ^
      ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
    crc = (T[1792 + (x & 0xff)] as number) ^ (T[1536 + ((x >>> 8) & 0xff)] as number) ^
      (T[1280 + ((x >>> 16) & 0xff)] as number) ^ (T[1024 + (x >>> 24)] as number) ^
      (T[768 + (bytes[i + 4] as number)] as number) ^
      (T[512 + (bytes[i + 5] as number)] as number) ^
      (T[256 + (bytes[i + 6] as number)] as number) ^ (T[bytes[i + 7] as number] as number);
  }
  for (; i < end; i++) crc = (T[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** {@linkcode crc32} as the files print it: 8 lowercase hex digits. */
export function crc32Hex(text: string, start = 0, end: number = text.length): string {
  return crc32(text, start, end).toString(16).padStart(8, "0");
}

/**
 * Whether `text[from, to)` is the 8 lowercase hex digits of `crc`, compared without making a
 * string (the readers' hot path).
 */
export function isCrc32Hex(text: string, from: number, to: number, crc: number): boolean {
  if (to - from !== 8) return false;
  const H = HEX;
  // Each digit's value, or 16 (which no digit of `crc` is) for anything but 0-9 and a-f; a
  // character past the table (over 127) reads as `undefined`, which no digit equals either.
  return H[text.charCodeAt(from)] === crc >>> 28 &&
    H[text.charCodeAt(from + 1)] === ((crc >>> 24) & 15) &&
    H[text.charCodeAt(from + 2)] === ((crc >>> 20) & 15) &&
    H[text.charCodeAt(from + 3)] === ((crc >>> 16) & 15) &&
    H[text.charCodeAt(from + 4)] === ((crc >>> 12) & 15) &&
    H[text.charCodeAt(from + 5)] === ((crc >>> 8) & 15) &&
    H[text.charCodeAt(from + 6)] === ((crc >>> 4) & 15) &&
    H[text.charCodeAt(from + 7)] === (crc & 15);
}

/** The value of each lowercase hex digit by character code; 16 for any other ASCII character. */
const HEX = new Uint8Array(128).fill(16);
for (let c = 48; c <= 57; c++) HEX[c] = c - 48;
for (let c = 97; c <= 102; c++) HEX[c] = c - 87;
