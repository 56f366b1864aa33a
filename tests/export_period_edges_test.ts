/**
 * The export dates a position's whole realized P&L at its close (README, `export`); Binance books
 * each closing fill's P&L at its own time. Where the two differ across the period's edges — a
 * position closed in the period that opened before it, or one partly closed and still open at the
 * period's end — the command says so, for the tax year.
 */
import assert from "node:assert/strict";
import { writeFillsFile } from "../src/storage/fills_file.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("positions across the period's edges are named, with where their P&L counts", async () => {
  await using dir = await tempDir();
  // BUY 2 @ 100 on 2025-12-30; SELL 1 @ 150 on 2025-12-31 (+50, Binance's 2025); SELL 1 @ 90 on
  // 2026-01-02 (−10): one position, realized +40, closed in 2026. A second one inside 2026.
  await writeFillsFile(`${dir.path}/futures_fills.csv`, [
    f(1, "BUY", "2", "100", { time: Date.UTC(2025, 11, 30) }),
    f(2, "SELL", "1", "150", { time: Date.UTC(2025, 11, 31), realizedPnl: "50" }),
    f(3, "SELL", "1", "90", { time: Date.UTC(2026, 0, 2), realizedPnl: "-10" }),
    f(4, "BUY", "1", "100", { time: Date.UTC(2026, 0, 5) }),
    f(5, "SELL", "1", "101", { time: Date.UTC(2026, 0, 6), realizedPnl: "1" }),
    // Opened in February 2026, open still: not 2025's to mention.
    f(6, "BUY", "1", "100", { time: Date.UTC(2026, 1, 1) }),
  ]);
  const positions = await runCli({ cwd: dir.path }, "positions");
  assert.equal(positions.code, 0, positions.stderr);
  const year = (y: number) =>
    runCli(
      { cwd: dir.path },
      "export",
      "koinly",
      "--from",
      `${y}-01-01`,
      "--to",
      `${y}-12-31`,
      "--no-funding",
      "--out",
      `k${y}.csv`,
    );

  const y2025 = await year(2025);
  assert.equal(y2025.code, 0, y2025.stderr);
  assert.match(y2025.stderr, /note: 1 position open at the period's end .* may have closed part/);
  assert.doesNotMatch(y2025.stderr, /opened before it/);
  assert.doesNotMatch(y2025.stderr, /not exported/);

  const y2026 = await year(2026);
  assert.equal(y2026.code, 0, y2026.stderr);
  assert.match(y2026.stderr, /note: 1 position closed in the period opened before it/);
  assert.doesNotMatch(y2026.stderr, /may have closed part/);
  assert.match(y2026.stderr, /note: 1 position open at the period's end is not exported/);
  // The rule itself is unchanged: the +40 is 2026's, at the close.
  assert.match(await Deno.readTextFile(`${dir.path}/k2026.csv`), /2026-01-02 00:00 UTC,,,40,/);
});
