/**
 * `positions` on several threads: the symbols are shared out (`src/rebuild/`), and the result
 * must be the same file whatever the number of threads — the in-memory ledger's — including
 * PARTIAL books, funding, symbols out of trade-id order, bad rows and a worker that cannot start.
 */
import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import type { IncomeRecord } from "../src/income.ts";
import { buildLedger } from "../src/ledger/aggregate.ts";
import { rebuildPositions, writeRebuilt } from "../src/rebuild/rebuild.ts";
import { incomeRanges, readIncomePart } from "../src/rebuild/income_share.ts";
import { planShards, shardOf } from "../src/rebuild/shards.ts";
import { estimateFillsBySymbol, writeFillsFile } from "../src/storage/fills_file.ts";
import { writeIncomeFile } from "../src/storage/income_file.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { at, last } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 1, 12, 0, 0);

Deno.test("sharing symbols out among shards", async (t) => {
  await t.step("the heaviest symbol goes first, each to the least loaded shard", () => {
    // 9 → shard 0; 5 → 1; 4 → 2; 3 → 2 (4+3 = 7); 2 → 1 (5+2 = 7); 1 → 1 (tie of 7s: lower).
    const weights = new Map([["A", 4], ["B", 9], ["C", 1], ["D", 5], ["E", 3], ["F", 2]]);
    const plan = planShards(weights, 3);
    assert.deepEqual(
      Object.fromEntries(plan.owners),
      { B: 0, D: 1, A: 2, E: 2, F: 1, C: 1 },
    );
  });

  await t.step("a symbol the plan never saw has one shard, the same every time", () => {
    const plan = planShards(new Map([["BTCUSDT", 10]]), 4);
    const shard = shardOf(plan, "NEWUSDT");
    assert.ok(shard >= 0 && shard < 4);
    assert.equal(shardOf(planShards(new Map([["BTCUSDT", 10]]), 4), "NEWUSDT"), shard);
  });

  await t.step("the estimate counts every row of a small file", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const account = generateAccount({ seed: 4, symbols: 5, fills: 3_000, endTime: END });
      const fills = account.trades.map((r) => fillFromTrade(r, account.market));
      await writeFillsFile(`${dir}/f.csv`, fills);
      const counts = await estimateFillsBySymbol(`${dir}/f.csv`);
      const expected = new Map<string, number>();
      for (const fill of fills) expected.set(fill.symbol, (expected.get(fill.symbol) ?? 0) + 1);
      assert.deepEqual(counts, expected);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("positions on 1, 2 or 3 threads", async (t) => {
  const dir = await Deno.makeTempDir();
  const cli = (...args: string[]) => runCli({ cwd: dir }, "positions", ...args);
  try {
    // A mixed one-way/hedge account whose data begins mid-position (the first third of its
    // fills dropped), with its income history beside it.
    const account = generateAccount({
      seed: 9,
      symbols: 10,
      fills: 12_000,
      endTime: END,
      hedge: "mixed",
    });
    const all = account.trades.map((r) => fillFromTrade(r, account.market));
    const fills = all.slice(Math.floor(all.length / 3));
    const income: IncomeRecord[] = account.incomeRows().map((r) => ({ market: "usdm", ...r }));
    await writeFillsFile(`${dir}/futures_fills.csv`, fills);
    await writeIncomeFile(`${dir}/futures_income.csv`, income);
    const expected = positionsCsv(buildLedger(fills, { income }).positions);
    assert.match(expected, /^PARTIAL,/m, "some books begin mid-position");

    await t.step("every number of threads writes the in-memory ledger's file", async () => {
      for (const jobs of ["1", "2", "3"]) {
        const { code, stdout, stderr } = await cli("--jobs", jobs, "--out", `p${jobs}.csv`);
        assert.equal(code, 0, stdout);
        // The CLI runs with the binary's permissions (tests/support/cli.ts): the workers, which
        // inherit them, must need no more.
        assert.doesNotMatch(stderr, /worker thread failed/, `--jobs ${jobs}`);
        assert.ok(await Deno.readTextFile(`${dir}/p${jobs}.csv`) === expected, `--jobs ${jobs}`);
      }
    });

    await t.step("a symbol out of trade-id order is rebuilt from its fills", async () => {
      const lines = (await Deno.readTextFile(`${dir}/futures_fills.csv`)).split("\n");
      const symbol = at(fills, 0).symbol;
      const rows = lines.flatMap((line, i) => (line.split(",")[1] === symbol ? [i] : []));
      const [first, final] = [at(rows, 0), last(rows)];
      [lines[first], lines[final]] = [at(lines, final), at(lines, first)];
      await Deno.writeTextFile(`${dir}/swapped.csv`, lines.join("\n"));
      for (const jobs of ["1", "2"]) {
        const out = `swapped${jobs}.csv`;
        const { code } = await cli("--fills", "swapped.csv", "--jobs", jobs, "--out", out);
        assert.equal(code, 0);
        assert.ok(await Deno.readTextFile(`${dir}/${out}`) === expected, `--jobs ${jobs}`);
      }
    });

    await t.step("the first bad line is reported, whichever thread reads it", async () => {
      const lines = (await Deno.readTextFile(`${dir}/futures_fills.csv`)).split("\n");
      const plan = planShards(await estimateFillsBySymbol(`${dir}/futures_fills.csv`), 2);
      const shard = (i: number) => shardOf(plan, at(at(lines, i).split(","), 1));
      // A bad row late in the file, then an earlier one of a symbol of the other shard.
      const late = lines.length - 20;
      const early = lines.findIndex((_, i) => i > 100 && i < late && shard(i) !== shard(late));
      assert.ok(early > 0);
      for (const i of [late, early]) lines[i] = at(lines, i).replace(/,(BUY|SELL),/, ",HOLD,");
      await Deno.writeTextFile(`${dir}/bad.csv`, lines.join("\n"));
      for (const jobs of ["1", "2"]) {
        const { code, stderr } = await cli("--fills", "bad.csv", "--jobs", jobs, "--out", "x.csv");
        assert.equal(code, 1);
        assert.match(stderr, new RegExp(`bad\\.csv:${early + 1}: field "side"`), `--jobs ${jobs}`);
      }
      assert.ok(!(await exists(`${dir}/x.csv`)), "nothing written");
    });

    await t.step("a changed income row is reported, whichever thread checks it", async () => {
      // Threads share the income file's checks by symbol: a row changed after it was written
      // (a digit of its amount) is refused by one, whether it is funding or not, of a symbol of
      // either shard or of none (a transfer).
      await Deno.mkdir(`${dir}/damaged`);
      await Deno.copyFile(`${dir}/futures_fills.csv`, `${dir}/damaged/futures_fills.csv`);
      const lines = (await Deno.readTextFile(`${dir}/futures_income.csv`)).split("\n");
      const plan = planShards(await estimateFillsBySymbol(`${dir}/futures_fills.csv`), 2);
      const pick = (type: string, shard?: number) =>
        lines.findIndex((line, i) => {
          const f = line.split(",");
          return i > 0 && f[2] === type &&
            (shard === undefined || shardOf(plan, at(f, 1)) === shard);
        });
      const rows = [pick("COMMISSION", 0), pick("COMMISSION", 1), pick("FUNDING_FEE", 1)];
      lines.splice(at(rows, 0), 0, "2025-01-01T00:00:00.000Z,,TRANSFER,100,USDT,,77,,usdm,api,");
      rows.push(at(rows, 0));
      for (const row of rows.map((r, k) => (k < 3 && r >= at(rows, 0) ? r + 1 : r))) {
        assert.ok(row > 0);
        const changed = [...lines];
        changed[row] = at(changed, row).replace(
          /,(-?)(\d)/,
          (_, sign, d) => `,${sign}${(+d + 1) % 10}`,
        );
        if (changed[row].endsWith(",")) changed[row] += "00000000"; // the transfer: a wrong check
        await Deno.writeTextFile(`${dir}/damaged/futures_income.csv`, changed.join("\n"));
        for (const jobs of ["1", "2", "3"]) {
          const { code, stderr } = await runCli(
            { cwd: `${dir}/damaged` },
            "positions",
            "--jobs",
            jobs,
          );
          assert.equal(code, 1, `row ${row}, --jobs ${jobs}`);
          assert.match(stderr, new RegExp(`futures_income\\.csv:${row + 1}: field "crc32"`));
        }
      }
    });

    await t.step(
      "a bad income row comes before a bad fill, whichever threads meet them",
      async () => {
        // One thread reads the income file before the fills: its error is the income row's, also
        // when the threads check the two rows (each of a symbol of its own) and the income row's
        // line number is the larger.
        await Deno.mkdir(`${dir}/both`);
        const plan = planShards(await estimateFillsBySymbol(`${dir}/futures_fills.csv`), 2);
        const fillLines = (await Deno.readTextFile(`${dir}/futures_fills.csv`)).split("\n");
        const bad = fillLines.findIndex((line, i) =>
          i > 0 && shardOf(plan, at(line.split(","), 1)) === 0
        );
        fillLines[bad] = at(fillLines, bad).replace(/,(BUY|SELL),/, ",HOLD,");
        await Deno.writeTextFile(`${dir}/both/futures_fills.csv`, fillLines.join("\n"));
        const lines = (await Deno.readTextFile(`${dir}/futures_income.csv`)).split("\n");
        const row = lines.findLastIndex((line, i) =>
          i > bad && line.split(",")[2] === "COMMISSION" &&
          shardOf(plan, at(line.split(","), 1)) === 1
        );
        assert.ok(row > bad);
        lines[row] = at(lines, row).replace(/,-(\d)/, (_, d) => `,-${(+d + 1) % 10}`);
        await Deno.writeTextFile(`${dir}/both/futures_income.csv`, lines.join("\n"));
        for (const jobs of ["1", "2", "3"]) {
          const { code, stderr } = await runCli(
            { cwd: `${dir}/both` },
            "positions",
            "--jobs",
            jobs,
          );
          assert.equal(code, 1, `--jobs ${jobs}`);
          assert.match(stderr, new RegExp(`futures_income\\.csv:${row + 1}: field "crc32"`), jobs);
        }
      },
    );

    await t.step("an income note across the threads' seam is read as by one thread", async () => {
      // Threads read the income file a byte range each; a note with line breaks (quoted) long
      // enough to hold the middle of the file puts the cut inside it: that range cannot be read
      // alone, and every thread reads the whole file.
      await Deno.mkdir(`${dir}/seam`);
      await Deno.copyFile(`${dir}/futures_fills.csv`, `${dir}/seam/futures_fills.csv`);
      const path = `${dir}/seam/futures_income.csv`;
      const size = (await Deno.stat(`${dir}/futures_income.csv`)).size;
      const middle = Math.floor(income.length / 2);
      const note = "a note,\n".repeat(Math.ceil(size / 8));
      await writeIncomeFile(path, income.map((r, i) => (i === middle ? { ...r, info: note } : r)));
      const first = at((await incomeRanges(path, 2))!, 0);
      assert.equal(await readIncomePart(path, first), undefined, "the cut is inside the note");
      for (const jobs of ["1", "2", "3"]) {
        const { code } = await runCli({ cwd: `${dir}/seam` }, "positions", "--jobs", jobs);
        assert.equal(code, 0);
        const written = await Deno.readTextFile(`${dir}/seam/futures_positions.csv`);
        assert.ok(written === expected, `--jobs ${jobs}`);
      }
    });

    await t.step(
      "a worker that fails as it merges leaves its part to the main thread",
      async () => {
        await using rebuilt = await rebuildPositions(`${dir}/futures_fills.csv`, {
          incomePath: `${dir}/futures_income.csv`,
          jobs: 3,
          workerUrl: new URL("./support/merge_failing_worker.ts", import.meta.url),
        });
        assert.equal(rebuilt.threads, 3);
        assert.deepEqual(rebuilt.notes, []);
        await writeRebuilt(`${dir}/merged_here.csv`, rebuilt);
        // The merge was cut in three, and each worker sent a part failed.
        assert.equal(rebuilt.notes.length, 2, rebuilt.notes.join("\n"));
        assert.match(
          at(rebuilt.notes, 0),
          /^a worker thread failed \(.+\); its part of the merge was/,
        );
        assert.ok(await Deno.readTextFile(`${dir}/merged_here.csv`) === expected);
      },
    );

    await t.step("a worker that cannot start leaves its share to the main thread", async () => {
      const broken = `${dir}/broken_worker.ts`;
      await Deno.writeTextFile(broken, 'throw new Error("no such runtime");\n');
      // A worker that throws as it loads, and one whose module is missing (as in a binary
      // built without it).
      for (const file of [broken, `${dir}/gone.ts`]) {
        await using rebuilt = await rebuildPositions(`${dir}/futures_fills.csv`, {
          incomePath: `${dir}/futures_income.csv`,
          jobs: 3,
          workerUrl: new URL(`file://${file}`),
        });
        assert.equal(rebuilt.threads, 3);
        assert.equal(rebuilt.notes.length, 2, "one note per worker");
        assert.match(at(rebuilt.notes, 0), /^a worker thread failed \(.+\); its share was rebuilt/);
        const text = rebuilt.notes.join("");
        assert.ok(!text.includes("\n") && !text.includes("\u001b"), "plain single lines");
        await writeRebuilt(`${dir}/written.csv`, rebuilt);
        assert.ok(await Deno.readTextFile(`${dir}/written.csv`) === expected);
      }
    });

    await t.step("--jobs must be a whole number from 1 to 64", async () => {
      for (const jobs of ["0", "65", "2.5", "two"]) {
        const { code, stderr } = await cli("--jobs", jobs, "--out", "x.csv");
        assert.equal(code, 2);
        assert.match(stderr, /--jobs must be a whole number from 1 to 64/);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
