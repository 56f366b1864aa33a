/**
 * Which bulk downloads to ask for (`uncoveredWindows`), the quota's month, and the records in
 * state.json: windows Binance accepts that cover exactly what no download covers, never a range
 * twice; malformed records refused by name, old files read as before.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { downloadHistoryProblem } from "../src/storage/download_records.ts";
import { readStateFile } from "../src/storage/state_file.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { quotaResetsAt, sameQuotaMonth, uncoveredWindows } from "../src/sync/download_plan.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const DAY = 86_400_000;
const YEAR = 365 * DAY;

Deno.test("uncoveredWindows: hand-worked cases", () => {
  const merged = (from: number, to: number) =>
    ({ kind: "trade", status: "merged", from_ms: from, to_ms: to }) as const;
  // Nothing covered, 400 days: [0, 365 d] then the 35 days left (each ≤ 365 days apart).
  assert.deepEqual(uncoveredWindows({ from: 0, to: 400 * DAY }, [], "trade"), [
    { from: 0, to: YEAR },
    { from: YEAR + 1, to: 400 * DAY },
  ]);
  // The middle covered: the two sides; the other kind's records count for nothing.
  assert.deepEqual(
    uncoveredWindows(
      { from: 0, to: 99 },
      [merged(10, 19), { ...merged(0, 99), kind: "income" }],
      "trade",
    ),
    [{ from: 0, to: 9 }, { from: 20, to: 99 }],
  );
  // Covered whole, or beyond: nothing to ask for.
  assert.deepEqual(uncoveredWindows({ from: 5, to: 50 }, [merged(0, 60)], "trade"), []);
  // An earlier --from adds only the older part.
  assert.deepEqual(uncoveredWindows({ from: 0, to: 99 }, [merged(40, 99)], "trade"), [
    { from: 0, to: 39 },
  ]);
});

Deno.test("uncoveredWindows: exactly the uncovered part, in windows Binance accepts", () => {
  const range = fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000 }))
    .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
  fc.assert(fc.property(
    range,
    fc.array(range, { maxLength: 6 }),
    fc.integer({ min: 0, max: 300 }),
    (target, covered, max) => {
      const records = covered.map((r) => ({
        kind: "income" as const,
        from_ms: r.from,
        to_ms: r.to,
      }));
      const windows = uncoveredWindows(target, records, "income", max);
      const inWindow = (t: number) => windows.some((w) => w.from <= t && t <= w.to);
      const inCovered = (t: number) => covered.some((r) => r.from <= t && t <= r.to);
      for (let t = target.from; t <= target.to; t++) {
        assert.equal(inWindow(t), !inCovered(t), `at ${t}`);
      }
      for (const [i, w] of windows.entries()) {
        assert.ok(w.from <= w.to && w.to - w.from <= max, "each window Binance accepts");
        assert.ok(w.from >= target.from && w.to <= target.to, "within the target");
        if (i > 0) assert.ok(w.from > at(windows, i - 1).to, "oldest first, disjoint");
      }
      // Asking again once these are recorded asks for nothing.
      const all = [
        ...records,
        ...windows.map((w) => ({ kind: "income" as const, from_ms: w.from, to_ms: w.to })),
      ];
      assert.deepEqual(uncoveredWindows(target, all, "income", max), []);
    },
  ));
});

Deno.test("the quota's month: calendar months of UTC", () => {
  assert.equal(quotaResetsAt(Date.UTC(2026, 1, 28, 23, 59)), Date.UTC(2026, 2, 1));
  assert.equal(quotaResetsAt(Date.UTC(2026, 11, 1)), Date.UTC(2027, 0, 1));
  assert.ok(sameQuotaMonth(Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 31, 23)));
  assert.ok(!sameQuotaMonth(Date.UTC(2026, 4, 31, 23), Date.UTC(2026, 5, 1)));
});

Deno.test("download records: every field checked; old state files read as before", async (t) => {
  const ok = {
    kind: "trade",
    from_ms: 0,
    to_ms: DAY,
    status: "pending",
    download_id: "546975389218332672",
    requested_ms: 5,
    expected_ms: 7241837,
  };
  const problem = (record: Record<string, unknown>) =>
    downloadHistoryProblem({ downloads: [record] }, "markets.usdm");
  await t.step("well formed records pass", () => {
    assert.equal(problem(ok), undefined);
    assert.equal(problem({ kind: "income", from_ms: 0, to_ms: 0, status: "wanted" }), undefined);
    assert.equal(downloadHistoryProblem({ symbols: {} }, "m"), undefined, "no downloads at all");
  });
  await t.step("each malformed field is named", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, kind: "orders" }, /downloads\[0\]\.kind/],
      [{ ...ok, status: "done" }, /downloads\[0\]\.status/],
      [{ ...ok, from_ms: "0" }, /from_ms: expected a time/],
      [{ ...ok, to_ms: -1 }, /to_ms: expected a time/],
      [{ ...ok, from_ms: 2 * DAY }, /from_ms is after to_ms/],
      [{ ...ok, requested_ms: 1.5 }, /requested_ms/],
      [{ ...ok, download_id: 546975389218332672 }, /download_id: expected a string of digits/],
      [{ ...ok, download_id: undefined }, /a pending download needs its id/],
      [{ ...ok, status: "failed" }, /a failed download needs its file and problem/],
      [{ ...ok, file: "../state.json" }, /file: expected the name of a \.zip file/],
    ];
    for (const [record, expected] of cases) assert.match(String(problem(record)), expected);
    assert.match(
      String(downloadHistoryProblem({ api_from_ms: "x" }, "markets.coinm")),
      /markets\.coinm\.api_from_ms/,
    );
  });
  await t.step("readStateFile refuses them, naming the file and field", async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/state.json`;
    const state = (downloads: unknown) => ({
      version: 1,
      markets: { usdm: { symbols: {}, income_time_ms: null, downloads } },
    });
    await Deno.writeTextFile(path, JSON.stringify(state([{ ...ok, status: "maybe" }])));
    await assert.rejects(readStateFile(path), (e: unknown) => {
      assert.ok(e instanceof DataFileError);
      assert.match(e.message, /state\.json: markets\.usdm\.downloads\[0\]\.status/);
      return true;
    });
    await Deno.writeTextFile(path, JSON.stringify(state([ok])));
    assert.notEqual(await readStateFile(path), undefined);
    // A file of an earlier version, without them.
    await Deno.writeTextFile(
      path,
      JSON.stringify({ version: 1, markets: { usdm: { symbols: {}, income_time_ms: 5 } } }),
    );
    assert.notEqual(await readStateFile(path), undefined);
  });
});
