/**
 * The progress of a sync as a user sees it, without a terminal: events in, the live line and the
 * plain log lines out (`src/cli/progress_state.ts`, `src/cli/progress_render.ts`).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { LOG_GAP_MS, logLines, renderLine } from "../src/cli/progress_render.ts";
import { initialProgress, type ProgressState, reduceProgress } from "../src/cli/progress_state.ts";
import type { SyncEvent } from "../src/sync/progress_events.ts";
import { at } from "./support/indexed.ts";

const DAY = 86_400_000;
const SEPT = Date.UTC(2026, 8, 1);

/** The state after `events`, each at its time (ms after the start). */
function after(events: readonly [number, SyncEvent][]): ProgressState {
  return events.reduce(
    (state, [at, event]) => reduceProgress(state, event, at),
    initialProgress(0),
  );
}

/** Every log line `events` produce, each with its time. */
function logged(events: readonly [number, SyncEvent][]): [number, string][] {
  let state = initialProgress(0);
  const out: [number, string][] = [];
  for (const [at, event] of events) {
    const step = logLines(reduceProgress(state, event, at), event, at);
    state = step.state;
    for (const line of step.lines) out.push([at, line]);
  }
  return out;
}

const INCOME: [[number, SyncEvent], ...[number, SyncEvent][]] = [
  [0, { kind: "income-start", from: SEPT, to: SEPT + 100 * DAY }],
  // 14 days 5 hours of 100 days read after 10 s: 14.2 %, so 10 s × 0.858 / 0.142 = 60.4 s left.
  [10_000, { kind: "income-page", reached: SEPT + 14 * DAY + 5 * 3_600_000, records: 12_345 }],
];
const WAIT: [number, SyncEvent][] = [
  [10_500, { kind: "request", usedWeight: 1920 }],
  [11_000, { kind: "wait", cause: "budget", ms: 38_000, used: 1920, budget: 1920 }],
];
const FILLS: [number, SyncEvent][] = [
  [20_000, { kind: "fills-start", symbols: ["BTCUSDT", "ETHUSDT", "SOLUSDT"] }],
  [20_100, { kind: "symbol", index: 0, symbol: "BTCUSDT" }],
  [20_200, { kind: "page", symbol: "BTCUSDT", fills: 7 }],
  [20_300, { kind: "symbol", index: 1, symbol: "ETHUSDT" }],
  [20_400, { kind: "page", symbol: "ETHUSDT", fills: 1000 }],
  [20_500, { kind: "page", symbol: "ETHUSDT", fills: 234 }],
];
const PRICES: [[number, SyncEvent], ...[number, SyncEvent][]] = [
  [30_000, { kind: "prices-start", minutes: 5000, symbols: ["BNBUSDT"] }],
  // 1,200 of 5,000 minutes (24 %) after 8 s: 8 × 0.76 / 0.24 = 25.3 s left.
  [38_000, { kind: "prices-page", minutes: 499 }],
  [38_000, { kind: "prices-page", minutes: 701 }],
];

Deno.test("the live line: phase, how far, time left, and waits first", async (t) => {
  const cases: [string, [number, SyncEvent][], number, number, string][] = [
    ["before anything", [], 0, 80, "syncing"],
    [
      "income history: the date reached, the share of the range, records, time left",
      INCOME,
      10_000,
      200,
      "income history: up to 2026-09-15 05:00 (14%) · 12,345 records · about 61 s left",
    ],
    [
      "no time left before it can be estimated (under 3 s)",
      [INCOME[0], [2_000, { kind: "income-page", reached: SEPT + 50 * DAY, records: 10 }]],
      2_000,
      200,
      "income history: up to 2026-10-21 00:00 (50%) · 10 records",
    ],
    [
      "a rate-limit wait comes first, counting down, with the weight used",
      [...INCOME, ...WAIT],
      30_000, // 19 s of the 38 s wait left; 14.2 % after 30 s: 181 s = 3 min left
      200,
      "waiting 19 s for Binance's rate limit (1,920 of 1,920 weight used this minute) · " +
      "income history: up to 2026-09-15 05:00 (14%) · 12,345 records · about 3 min left · " +
      "weight 1,920/min",
    ],
    [
      "a wait that is over is not shown",
      [...INCOME, ...WAIT],
      49_001,
      200,
      "income history: up to 2026-09-15 05:00 (14%) · 12,345 records · about 5 min left · " +
      "weight 1,920/min",
    ],
    [
      "cut to the terminal's width, one column spare",
      [...INCOME, ...WAIT],
      11_000,
      40,
      "waiting 38 s for Binance's rate limit …",
    ],
    [
      "fills: symbol i/n, its pages and fills, all fills so far",
      FILLS,
      20_500,
      200,
      "fills: 2/3 ETHUSDT · page 2, 1,234 fills · 1,241 fills in all",
    ],
    [
      "fills: the count before the first symbol",
      FILLS.slice(0, 1),
      20_000,
      200,
      "fills: 3 symbols to query",
    ],
    [
      "fee prices: minutes i/n, share, time left",
      PRICES,
      38_000,
      200,
      "fee prices: 1,200/5,000 minutes (24%) · about 26 s left",
    ],
    [
      "a retry's backoff, with attempt n/m and the reason",
      [...PRICES, [39_000, {
        kind: "retry",
        ms: 4_000,
        attempt: 2,
        attempts: 6,
        path: "/fapi/v1/klines",
        reason: "GET /fapi/v1/klines: network error: connection reset",
      }]],
      39_500, // 9.5 s after the start: 9.5 s × 0.76 / 0.24 = 30.1 s left
      200,
      "retrying in 4 s (attempt 2/6): GET /fapi/v1/klines: network error: connection reset · " +
      "fee prices: 1,200/5,000 minutes (24%) · about 31 s left",
    ],
    [
      "Binance's 429",
      [[0, { kind: "wait", cause: "429", ms: 12_000, used: 2400, budget: 1920 }]],
      0,
      200,
      "waiting 12 s: Binance asked to slow down (HTTP 429) · syncing",
    ],
    [
      "bulk download requested, with Binance's usual preparation time",
      [[0, {
        kind: "bulk-requested",
        history: "trades",
        from: SEPT - 365 * DAY,
        to: SEPT,
        expectedMs: 7_241_837,
      }]],
      0,
      200,
      "bulk download of the trade history: requested; Binance takes about 2.0 h",
    ],
    [
      "bulk download pending",
      [[0, { kind: "bulk-pending", history: "income", waitedMs: 300_000 }]],
      0,
      200,
      "bulk download of the transaction history: Binance is preparing it (waited 5 min)",
    ],
    [
      "bulk download downloading: bytes of the size, share, time left",
      [
        [0, { kind: "bulk-ready", history: "trades" }],
        [10_000, {
          kind: "bulk-downloading",
          history: "trades",
          bytes: 1_200_000,
          totalBytes: 3_400_000,
        }],
      ],
      10_000,
      200,
      "bulk download of the trade history: downloading 1.2 MB of 3.4 MB (35%)",
    ],
  ];
  for (const [what, events, now, width, line] of cases) {
    await t.step(what, () => assert.equal(renderLine(after(events), now, width), line));
  }
});

Deno.test("the log lines without a terminal: a few, never one per page", async (t) => {
  await t.step("phase starts, and waits of 5 s or more; no retry, no request", () => {
    assert.deepEqual(
      logged([
        INCOME[0],
        [500, { kind: "wait", cause: "budget", ms: 3_000, used: 1900, budget: 1920 }],
        [4_000, { kind: "wait", cause: "budget", ms: 38_000, used: 1920, budget: 1920 }],
        [42_000, { kind: "request", usedWeight: 30 }],
        [42_100, { kind: "retry", ms: 9_000, attempt: 2, attempts: 6, path: "/x", reason: "5xx" }],
        ...FILLS,
        ...PRICES.slice(0, 1),
      ]),
      [
        [0, "income history: reading 2026-09-01 00:00 to 2026-12-10 00:00"],
        [4_000, "waiting 38 s for Binance's rate limit (1,920 of 1,920 weight used this minute)"],
        [20_000, "fills: 3 symbols to query"],
        [30_000, "fee prices: 5,000 minutes of BNBUSDT to fetch"],
      ],
    );
  });

  await t.step("a 100 s phase with a page a second: a line at each 10 %, 10 s apart", () => {
    const pages: [number, SyncEvent][] = Array.from({ length: 100 }, (_, i) => [
      (i + 1) * 1000,
      { kind: "income-page", reached: SEPT + (i + 1) * DAY, records: (i + 1) * 1000 },
    ]);
    const lines = logged([INCOME[0], ...pages]);
    assert.equal(lines.length, 11, lines.join("\n"));
    assert.deepEqual(
      lines.map(([at]) => at),
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((s) => s * 1000),
    );
    // At 20 s: 20 of 100 days, 20,000 records; 20 s × 0.8 / 0.2 = 80 s left.
    assert.equal(
      lines[2]?.[1],
      "income history: up to 2026-09-21 00:00 (20%) · 20,000 records · about 80 s left",
    );
  });

  await t.step("a phase of a few seconds is its start line only", () => {
    const pages: [number, SyncEvent][] = Array.from({ length: 50 }, (_, i) => [
      i * 40,
      { kind: "prices-page", minutes: 100 },
    ]);
    assert.deepEqual(logged([PRICES[0], ...pages]).map(([, line]) => line), [
      "fee prices: 5,000 minutes of BNBUSDT to fetch",
    ]);
  });

  await t.step("a slow symbol still says how far it is, every 30 s", () => {
    const pages: [number, SyncEvent][] = Array.from({ length: 90 }, (_, i) => [
      21_000 + i * 1000,
      { kind: "page", symbol: "ETHUSDT", fills: 1000 },
    ]);
    const lines = logged([...FILLS.slice(0, 4), ...pages]);
    // 30 s: symbol 2 of 3 (a new 10 % step), 10 s after the last line; then every 30 s.
    assert.deepEqual(lines.map(([at]) => at), [20_000, 30_000, 60_000, 90_000]);
    assert.equal(lines[2]?.[1], "fills: 2/3 ETHUSDT · page 40, 40,000 fills · 40,007 fills in all");
  });

  await t.step("whatever the pages, lines stay at least 10 s apart (property)", () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3 })), {
        maxLength: 300,
      }),
      (steps) => {
        let now = 0;
        let reached = SEPT;
        const events: [number, SyncEvent][] = [INCOME[0]];
        for (const [gap, days] of steps) {
          now += gap;
          reached = Math.min(reached + days * DAY, SEPT + 100 * DAY);
          events.push([now, { kind: "income-page", reached, records: events.length }]);
        }
        const times = logged(events).map(([time]) => time);
        for (let i = 1; i < times.length; i++) {
          assert.ok(at(times, i) - at(times, i - 1) >= LOG_GAP_MS, `${times}`);
        }
      },
    ));
  });
});
