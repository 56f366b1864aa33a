/**
 * The time zone of an export: only an offset some time zone has (UTC−12:00 to UTC+14:00, in
 * quarter hours) is taken, from `--utc-offset` or from the file's name; a typo is refused, with
 * nothing written, rather than every time read minutes or days off.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

const HEADER = "Time,Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
const ROW = "2024-01-05 10:00:00,BTCUSDT,BUY,42000.5,0.010,420.005,0.168,USDT,0,USDT";

async function importing(name: string, ...options: string[]) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/${name}`, `${HEADER}\n${ROW}\n`);
  const run = await runCli(
    { cwd: dir.path },
    "import",
    name,
    "--position-mode",
    "one-way",
    ...options,
  );
  const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`).catch(() => undefined);
  await dir[Symbol.asyncDispose]();
  return { ...run, time: fills?.split("\n")[1]?.split(",")[0] };
}

Deno.test("--utc-offset takes a time zone's offset, and refuses a typo", async (t) => {
  // 10:00 at UTC+5:45 (Nepal) is 04:15 UTC; at UTC-12, 22:00 UTC the next day.
  for (
    const [offset, utc] of [
      ["+05:45", "2024-01-05T04:15:00.000Z"],
      ["+0545", "2024-01-05T04:15:00.000Z"],
      ["-12:00", "2024-01-05T22:00:00.000Z"],
      ["+14", "2024-01-04T20:00:00.000Z"],
    ]
  ) {
    await t.step(`${offset}: ${utc}`, async () => {
      const run = await importing("trades.csv", `--utc-offset=${offset}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.time, utc);
    });
  }
  for (const offset of ["+3:75", "+375", "+3:60", "-14:00", "+15", "+05:20"]) {
    await t.step(`${offset}: refused, nothing written`, async () => {
      const run = await importing("trades.csv", `--utc-offset=${offset}`);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--utc-offset .*: expected a time zone's offset/);
      assert.equal(run.time, undefined);
    });
  }
});

Deno.test("a file name stating no time zone's offset is refused", async (t) => {
  await t.step("(UTC+5.75) is +5:45", async () => {
    const run = await importing("t(UTC+5.75).csv");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.time, "2024-01-05T04:15:00.000Z");
  });
  for (const name of ["t(UTC+3:75).csv", "t(UTC+99).csv", "t(UTC+5.45).csv", "t(UTC--13).csv"]) {
    await t.step(name, async () => {
      const run = await importing(name);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /its name says \(UTC.*\) is no time zone's offset/);
      assert.equal(run.time, undefined);
    });
  }
});
