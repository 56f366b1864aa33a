/**
 * Times as the files print and read them: ISO 8601 UTC with milliseconds.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatTime, parseTime } from "../src/time.ts";

Deno.test("time", async (t) => {
  await t.step("prints what toISOString prints, for any millisecond (property)", () => {
    const edges = [0, -1, 999, 86_399_999, 86_400_000, -86_400_001, 1_735_689_620_875];
    for (const ms of edges) assert.equal(formatTime(ms), new Date(ms).toISOString());
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        assert.equal(formatTime(ms), new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    assert.throws(() => formatTime(NaN), RangeError);
  });

  await t.step("rejects what is not a real time, even right after a valid one", () => {
    for (
      const text of [
        "20x5-01-01T00:00:00.000Z",
        "-025-01-01T00:00:00.000Z",
        "2025-02-30T00:00:00.000Z",
        "2025-01-01T24:00:00.000Z",
        "2025-01-01T00:60:00.000Z",
        "2025-01-01T00:00:0x.000Z",
      ]
    ) {
      assert.equal(parseTime("2025-01-01T00:00:00.000Z"), Date.UTC(2025, 0, 1));
      assert.equal(parseTime(text), undefined, text);
    }
  });

  await t.step("reads back what it prints", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        assert.equal(parseTime(formatTime(ms)), ms);
      }),
    );
  });
});
