import assert from "node:assert/strict";
import {
  BOUNDARY_MARGIN_MS,
  type GovernorWait,
  WeightGovernor,
  WINDOW_MS,
} from "../src/binance/governor.ts";

/** A server clock that only moves when the governor sleeps. */
function fakeClock(start: number) {
  const clock = {
    time: start,
    slept: [] as number[],
    now: () => clock.time,
    sleep: (ms: number) => {
      clock.slept.push(ms);
      clock.time += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

const MINUTE_START = 1_700_000_040_000; // a whole minute of epoch time

Deno.test("weight governor", async (t) => {
  await t.step("uses 80 % of the limit by default", () => {
    assert.equal(new WeightGovernor(fakeClock(0)).budget, 1920);
    assert.equal(new WeightGovernor(fakeClock(0), 1200).budget, 960);
  });

  await t.step("sends while the minute's weight stays within budget", async () => {
    const clock = fakeClock(MINUTE_START + 10_000);
    const governor = new WeightGovernor(clock, 100); // budget 80
    for (let i = 0; i < 16; i++) await governor.acquire(5);
    assert.deepEqual(clock.slept, []);
  });

  await t.step("waits for the next minute of server time (plus a margin), not 60 s", async () => {
    const clock = fakeClock(MINUTE_START + 45_000);
    const governor = new WeightGovernor(clock, 100);
    await governor.acquire(40);
    await governor.acquire(40);
    const window = await governor.acquire(5); // 85 > 80
    assert.deepEqual(clock.slept, [15_000 + BOUNDARY_MARGIN_MS]);
    assert.equal(window, (MINUTE_START + WINDOW_MS) / WINDOW_MS);
  });

  await t.step("counts weight reported by responses (other programs on this IP)", async () => {
    const clock = fakeClock(MINUTE_START + 1_000);
    const governor = new WeightGovernor(clock, 100);
    const window = await governor.acquire(5);
    governor.observe(78, window);
    assert.equal(governor.lastUsedWeight, 78);
    await governor.acquire(5); // 83 > 80
    assert.deepEqual(clock.slept, [59_000 + BOUNDARY_MARGIN_MS]);
  });

  await t.step("does not count a report from a minute that has ended", async () => {
    const clock = fakeClock(MINUTE_START + 59_990);
    const governor = new WeightGovernor(clock, 100);
    const late = await governor.acquire(5);
    clock.time += 20; // a new minute starts while that request is in flight
    await governor.acquire(5);
    governor.observe(79, late); // the old minute's count
    await governor.acquire(5);
    assert.deepEqual(clock.slept, []);
  });

  await t.step("lets a request heavier than the budget go in a fresh minute", async () => {
    const clock = fakeClock(MINUTE_START);
    const governor = new WeightGovernor(clock, 10);
    await governor.acquire(30);
    assert.deepEqual(clock.slept, []);
  });

  await t.step("pauses everything until a 429's Retry-After has passed", async () => {
    const clock = fakeClock(MINUTE_START + 5_000);
    const governor = new WeightGovernor(clock);
    governor.pauseUntil(clock.time + 3_000);
    await governor.acquire(1);
    assert.deepEqual(clock.slept, [3_000]);
  });

  await t.step("serves concurrent callers in order without passing the budget", async () => {
    const clock = fakeClock(MINUTE_START + 30_000);
    const governor = new WeightGovernor(clock, 100);
    const windows = await Promise.all([30, 30, 30, 30].map((w) => governor.acquire(w)));
    const first = MINUTE_START / WINDOW_MS;
    assert.deepEqual(windows, [first, first, first + 1, first + 1]);
  });

  await t.step("says each wait before it starts, with its cause and length", async () => {
    const clock = fakeClock(MINUTE_START + 45_000);
    const waits: [GovernorWait, number][] = [];
    const governor = new WeightGovernor(clock, 100, undefined, (wait) => {
      waits.push([wait, clock.slept.length]);
    });
    await governor.acquire(40);
    await governor.acquire(40);
    await governor.acquire(5); // 85 > 80: the rest of the minute, 15 s, and the margin
    governor.pauseUntil(clock.time + 3_000); // a 429
    await governor.acquire(1);
    assert.deepEqual(waits, [
      [{ cause: "budget", ms: 15_000 + BOUNDARY_MARGIN_MS, used: 80, budget: 80 }, 0],
      [{ cause: "429", ms: 3_000, used: 5, budget: 80 }, 1],
    ]);
    assert.deepEqual(clock.slept, waits.map(([wait]) => wait.ms));
  });

  await t.step("adopts a new limit from exchangeInfo", () => {
    const governor = new WeightGovernor(fakeClock(0));
    governor.setLimit(6000);
    assert.equal(governor.limit, 6000);
    assert.equal(governor.budget, 4800);
    assert.throws(() => governor.setLimit(0), RangeError);
  });
});
