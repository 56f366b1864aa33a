/**
 * The sync under the failures real networks and exchanges produce, against the fake exchange:
 * the result must be exactly what a fault-free run gives.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

const ACCOUNT = { seed: 31, symbols: 12, fills: 8000, months: 2, endTime: Date.now() - 60_000 };

Deno.test("sync under faults", async (t) => {
  await using clean = await startFakeExchange(ACCOUNT);
  await using cleanDir = await tempDir();
  assert.equal((await syncWith(clean, cleanDir.path)).code, 0);
  const expected = await snapshot(cleanDir.path);

  await t.step(
    "with 10% of requests failing at random, the files equal a fault-free run",
    async () => {
      await using flaky = await startFakeExchange({ ...ACCOUNT, faults: 0.1 });
      await using dir = await tempDir();
      const { code, stderr } = await syncWith(flaky, dir.path);
      assert.equal(code, 0, stderr);
      assert.deepEqual(await snapshot(dir.path), expected);
      assert.ok(flaky.log.some((e) => e.fault !== undefined), "faults were injected");
    },
  );

  for (
    const [what, setUp] of [
      ["a 429 storm is waited out (Retry-After)", (ex) => ex.failNext("429", 3)],
      ["-1021 from clock skew is recovered", (ex) => ex.failNext("skew", 2)],
      ["a server clock an hour off is followed", (ex) => ex.setClockSkew(3_600_000)],
      ["5xx answers are retried", (ex) => ex.failNext("5xx", 3)],
      ["reset connections and truncated JSON are retried", (ex) => {
        ex.failNext("reset", 1);
        ex.failNext("truncated", 1);
      }],
    ] as [string, (ex: Awaited<ReturnType<typeof startFakeExchange>>) => void][]
  ) {
    await t.step(what, async () => {
      await using faulty = await startFakeExchange(ACCOUNT);
      await using dir = await tempDir();
      setUp(faulty);
      const { code, stderr } = await syncWith(faulty, dir.path);
      assert.equal(code, 0, stderr);
      assert.deepEqual(await snapshot(dir.path), expected);
    });
  }

  await t.step("a response slower than REQUEST_TIMEOUT is abandoned and retried", async () => {
    await using slow = await startFakeExchange({ ...ACCOUNT, slowMs: 3000 });
    await using dir = await tempDir();
    slow.failNext("slow", 1);
    const started = Date.now();
    const { code, stderr } = await runCli(
      { cwd: dir.path, env: { ...exchangeEnv(slow), REQUEST_TIMEOUT: "1" } },
      "sync",
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /retrying/);
    assert.deepEqual(await snapshot(dir.path), expected);
    assert.ok(Date.now() - started < 10_000);
  });
});
