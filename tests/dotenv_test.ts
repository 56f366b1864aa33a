/**
 * `.env` files as editors save them: each case is a file someone could have written, and the
 * variables they meant.
 */
import assert from "node:assert/strict";
import { DotenvError, parseDotenv } from "../src/dotenv.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** UTF-16 with its byte-order mark, as Notepad's "Unicode" encodings save. */
function utf16(text: string, endian: "le" | "be"): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, endian === "le");
  for (let i = 0; i < text.length; i++) {
    view.setUint16(2 + 2 * i, text.charCodeAt(i), endian === "le");
  }
  return bytes;
}

const KEYS = { BINANCE_API_KEY: "abc", BINANCE_SECRET_KEY: "xyz" };

Deno.test("a .env file is read as the person who wrote it means it", async (t) => {
  const cases: [string, Uint8Array, Record<string, string>][] = [
    ["plain LF lines", utf8("BINANCE_API_KEY=abc\nBINANCE_SECRET_KEY=xyz\n"), KEYS],
    [
      "Notepad's UTF-8 with BOM: the first line is not lost",
      utf8("\uFEFFBINANCE_API_KEY=abc\nBINANCE_SECRET_KEY=xyz\n"),
      KEYS,
    ],
    [
      "Notepad: BOM and CRLF, no line break at the end",
      utf8("\uFEFFBINANCE_API_KEY=abc\r\nBINANCE_SECRET_KEY=xyz"),
      KEYS,
    ],
    [
      "CRLF with quoted values",
      utf8("BINANCE_API_KEY=\"abc\"\r\nBINANCE_SECRET_KEY='xyz'\r\n"),
      KEYS,
    ],
    ["old Mac CR line breaks", utf8("BINANCE_API_KEY=abc\rBINANCE_SECRET_KEY=xyz\r"), KEYS],
    [
      "Notepad's Unicode (UTF-16 LE) with CRLF",
      utf16("BINANCE_API_KEY=abc\r\nBINANCE_SECRET_KEY=xyz\r\n", "le"),
      KEYS,
    ],
    [
      "Unicode big endian (UTF-16 BE)",
      utf16("BINANCE_API_KEY=abc\nBINANCE_SECRET_KEY=xyz\n", "be"),
      KEYS,
    ],
    [
      "export with a space, a tab, several blanks",
      utf8(
        "export BINANCE_API_KEY=abc\nexport\tBINANCE_SECRET_KEY=xyz\nexport \t LOG_LEVEL=debug\n",
      ),
      { ...KEYS, LOG_LEVEL: "debug" },
    ],
    [
      "export indented, after a BOM, with CRLF",
      utf8("\uFEFF\texport\tBINANCE_API_KEY=abc\r\n  export  BINANCE_SECRET_KEY=xyz\r\n"),
      KEYS,
    ],
    [
      "comments: whole lines, and after a value; # inside quotes is kept",
      utf8('# my keys\nBINANCE_API_KEY=abc # the read-only one\nBINANCE_SECRET_KEY="x#yz"\n'),
      { BINANCE_API_KEY: "abc", BINANCE_SECRET_KEY: "x#yz" },
    ],
    [
      "blanks around = and the value; tabs too",
      utf8("BINANCE_API_KEY = abc\nBINANCE_SECRET_KEY\t=\txyz\t\n"),
      KEYS,
    ],
    [
      "a variable named export, and export inside a value, stay as written",
      utf8('export=1\nA="export\tB=2"\n'),
      { export: "1", A: "export\tB=2" },
    ],
    [
      "the last of a name given twice wins",
      utf8("BINANCE_API_KEY=old\nexport\tBINANCE_API_KEY=abc\nBINANCE_SECRET_KEY=xyz\n"),
      KEYS,
    ],
  ];
  for (const [what, bytes, expected] of cases) {
    await t.step(what, () => assert.deepEqual(parseDotenv(bytes), expected));
  }

  await t.step("bytes that are not text are refused, with what to do", () => {
    for (
      const [bytes, message] of [
        [new Uint8Array([0x41, 0x3d, 0xff, 0x0a]), /not valid UTF-8 text: save it as UTF-8/],
        [utf16("A=1\n", "le").subarray(2), /NUL bytes .*save it as UTF-8/],
      ] as const
    ) {
      assert.throws(() => parseDotenv(bytes), (e: unknown) => {
        return e instanceof DotenvError && message.test(e.message);
      });
    }
  });
});
