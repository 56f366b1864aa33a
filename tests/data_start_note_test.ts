/**
 * An export or a report of a period that begins before the files do says so (CLI review: a tax
 * year the files cover from October looked like a year without trading until then, exit 0 and no
 * word).
 */
import assert from "node:assert/strict";
import { writeFillsFile } from "../src/storage/fills_file.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("a period that begins before the files: export and report name the files' start", async () => {
  await using dir = await tempDir();
  // The files begin on 2025-10-05 08:00 with one round trip.
  await writeFillsFile(`${dir.path}/futures_fills.csv`, [
    f(1, "BUY", "1", "100", { time: Date.UTC(2025, 9, 5, 8) }),
    f(2, "SELL", "1", "110", { time: Date.UTC(2025, 9, 6), realizedPnl: "10" }),
  ]);
  assert.equal((await runCli({ cwd: dir.path }, "positions")).code, 0);
  const run = (...args: string[]) => runCli({ cwd: dir.path }, ...args);
  const note = /note: the files hold nothing before 2025-10-05 .*sync --from 2025-01-01/;

  const year = await run(
    "export",
    "koinly",
    "--from",
    "2025-01-01",
    "--to",
    "2025-12-31",
    "--no-funding",
  );
  assert.equal(year.code, 0, year.stderr);
  assert.match(year.stderr, note);
  const report = await run("report", "--from", "2025-01-01", "--to", "2025-12-31");
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stderr, note);

  // A period within the files, or the whole files: nothing to say.
  for (const args of [["--from", "2025-10-05"], []]) {
    const within = await run("export", "koinly", ...args, "--no-funding");
    assert.equal(within.code, 0, within.stderr);
    assert.doesNotMatch(within.stderr, /hold nothing before/);
  }
});
