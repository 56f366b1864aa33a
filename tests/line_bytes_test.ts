/**
 * `LineBytes`, the positions file's writer of bytes: what it writes is exactly the UTF-8 of what
 * `Decimal.toString`, `formatTime` and the text itself print, field after field, however long
 * the line grows.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineBytes } from "../src/csv/line_bytes.ts";
import { Decimal } from "../src/decimal.ts";
import { formatTime } from "../src/time.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decimals of every shape: mantissas small and large (BigInt beyond 2^53), any sign, scales 0–30. */
const decimals = fc.oneof(
  fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.nat({ max: 12 })),
  fc.tuple(fc.maxSafeInteger(), fc.nat({ max: 20 })),
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat({ max: 30 })),
).map(([m, s]) =>
  typeof m === "bigint" && m <= BigInt(Number.MAX_SAFE_INTEGER) &&
    m >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? new Decimal(Number(m), s)
    : new Decimal(m, s)
);

/** A field, and what it must print as. */
const fields = fc.oneof(
  decimals.map((d) => ({ write: (l: LineBytes) => l.decimal(d), text: d.toString() })),
  // From 1900 to 2200, to the millisecond; and a time that is not a whole millisecond.
  fc.integer({ min: -2_208_988_800_000, max: 7_258_118_400_000 }).map((ms) => ({
    write: (l: LineBytes) => l.time(ms),
    text: formatTime(ms),
  })),
  fc.double({ min: 0, max: 2e12, noNaN: true }).map((ms) => ({
    write: (l: LineBytes) => l.time(ms),
    text: formatTime(ms),
  })),
  fc.string({ unit: "grapheme", maxLength: 40 }).map((text) => ({
    write: (l: LineBytes) => l.text(text),
    text,
  })),
  fc.nat().map((n) => ({ write: (l: LineBytes) => l.integer(n), text: String(n) })),
);

Deno.test("a line of bytes is the UTF-8 of its fields as text, joined by commas", () => {
  const line = new LineBytes();
  fc.assert(
    fc.property(fc.array(fields, { maxLength: 80 }), (row) => {
      line.clear();
      row.forEach((field, i) => {
        if (i > 0) line.comma();
        field.write(line);
      });
      line.end();
      assert.equal(decoder.decode(line.bytes()), row.map((f) => f.text).join(",") + "\n");
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decimals and times, worked by hand", () => {
  // [mantissa, scale, printed]: every digit of the scale kept, a zero before the point.
  const cases: [number | bigint, number, string][] = [
    [0, 0, "0"],
    [-0, 2, "0.00"],
    [5, 4, "0.0005"],
    [-5, 4, "-0.0005"],
    [12345, 2, "123.45"],
    [-120, 1, "-12.0"],
    [9_007_199_254_740_991, 8, "90071992.54740991"],
    [9_007_199_254_740_989, 0, "9007199254740989"], // 2^53 - 3: a last digit 9, near 2^53
    [-(2n ** 64n), 3, "-18446744073709551.616"],
  ];
  const line = new LineBytes();
  for (const [m, s, printed] of cases) {
    line.clear();
    line.decimal(new Decimal(m, s));
    assert.equal(decoder.decode(line.bytes()), printed);
  }
  // 2024-02-29 23:59:59.007 UTC (a leap day; a millisecond below 10), and 1969-12-31 23:59:59.999.
  line.clear();
  line.time(1_709_251_199_007);
  line.comma();
  line.time(-1);
  line.comma();
  line.decimal(undefined); // nothing: an empty field
  assert.equal(
    decoder.decode(line.bytes()),
    "2024-02-29T23:59:59.007Z,1969-12-31T23:59:59.999Z,",
  );
});

Deno.test("text of several bytes a character, where the line's buffer ends, is written whole", () => {
  // The buffer starts at 1 KiB: ASCII up to a few bytes short of it, then 10 characters of two
  // bytes (é) and 10 of four (an emoji, two UTF-16 units each).
  for (let n = 1000; n < 1030; n++) {
    const line = new LineBytes();
    line.text("a".repeat(n));
    line.text("é".repeat(10));
    line.text("🙂".repeat(10));
    assert.equal(decoder.decode(line.bytes()), "a".repeat(n) + "é".repeat(10) + "🙂".repeat(10));
  }
});
