/**
 * CRC-32 as zlib computes it, over the UTF-8 bytes of any text (eight characters at a time or one),
 * or over bytes.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { crc32, crc32Bytes, crc32Hex, isCrc32Hex } from "../src/csv/crc32.ts";

/** The textbook CRC-32, byte by byte, over the text's UTF-8 encoding. */
function reference(text: string): number {
  let crc = -1;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ -1) >>> 0;
}

Deno.test("crc32", async (t) => {
  await t.step("the standard check values", () => {
    assert.equal(crc32Hex("123456789"), "cbf43926"); // CRC-32's published check value
    assert.equal(crc32Hex(""), "00000000");
    assert.equal(crc32Hex("a"), "e8b7be43"); // zlib.crc32(b"a")
  });

  await t.step("equals the textbook CRC of the UTF-8 bytes, for any text (property)", () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom("a", ",", "9"),
        fc.constantFrom("é", "€", "😀", "\uD800"),
        fc.string({ unit: "binary" }),
      ),
    });
    fc.assert(
      fc.property(text, fc.nat(7), fc.nat(7), (s, before, after) => {
        const padded = "x".repeat(before) + s + "y".repeat(after);
        assert.equal(crc32(padded, before, before + s.length), reference(s));
      }),
      { numRuns: 2000 },
    );
  });

  await t.step("over bytes: equals the textbook CRC of the text they encode (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.nat(9), fc.nat(9), (s, before, after) => {
        const bytes = new TextEncoder().encode(s);
        const padded = new Uint8Array(before + bytes.length + after).fill(0x5a);
        padded.set(bytes, before);
        assert.equal(crc32Bytes(padded, before, before + bytes.length), reference(s));
      }),
      { numRuns: 2000 },
    );
  });

  await t.step("a check is compared in place", () => {
    const crc = crc32("row");
    assert.ok(isCrc32Hex(`,${crc32Hex("row")},`, 1, 9, crc));
    assert.ok(!isCrc32Hex(`,${crc32Hex("row").toUpperCase()},`, 1, 9, crc));
    assert.ok(!isCrc32Hex("1234567", 0, 7, crc));
  });

  await t.step("a check matches exactly its 8 lowercase hex digits (property)", () => {
    // Texts one character from the check: another digit, a capital, a neighbour of 0-9 or a-f in
    // ASCII, a character past ASCII whose low byte is a digit's.
    const other = fc.constantFrom("A", "F", "G", "g", "/", ":", "`", "\u0130", "\u0661", "\uff10");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(7), other, (crc, at, c) => {
        const hex = crc.toString(16).padStart(8, "0");
        assert.ok(isCrc32Hex(`x${hex}`, 1, 9, crc));
        const changed = hex.slice(0, at) + c + hex.slice(at + 1);
        assert.ok(!isCrc32Hex(changed, 0, 8, crc), changed);
        const digit = (Number.parseInt(hex.charAt(at), 16) + 1) % 16;
        const wrong = hex.slice(0, at) + digit.toString(16) + hex.slice(at + 1);
        assert.ok(!isCrc32Hex(wrong, 0, 8, crc), wrong);
      }),
      { numRuns: 2000 },
    );
  });
});
