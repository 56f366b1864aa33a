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

  await t.step("reads back what it prints", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        assert.equal(parseTime(formatTime(ms)), ms);
      }),
    );
  });
});
