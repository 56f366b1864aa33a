/**
 * Ledger benchmark (issue 2): a million generated fills over 50 symbols, `positions` end to end
 * (CSV in → CSV out), and the aggregation alone; plus the measurements behind two choices:
 * our BigInt/float Decimal over big.js, and our CSV reader over csv-parse.
 *
 * @module
 */

import Big from "big.js";
import { parse } from "csv-parse/sync";
import { fillFromTrade } from "../../src/binance/trade_row.ts";
import { CsvParser } from "../../src/csv/parser.ts";
import { Decimal } from "../../src/decimal.ts";
import { aggregatePositions, ledgerInThreePasses } from "../../src/ledger/aggregate.ts";
import { rebuildPositions } from "../../src/rebuild/rebuild.ts";
import { readLedgerFills, writeFillsFile } from "../../src/storage/fills_file.ts";
import { generateAccount } from "../../tests/fake_exchange/mod.ts";
import { runtimeFlags } from "../compile.ts";
import { machine, median, timed, writeSection } from "./report.ts";

const FILLS = 1_000_000;
const SYMBOLS = 50;

/** Runs the ledger benchmark into `dir` and writes its section. */
export async function benchLedger(dir: string): Promise<void> {
  const fillsPath = `${dir}/ledger_fills.csv`;
  const outPath = `${dir}/ledger_positions.csv`;
  console.log(`ledger: generating ${FILLS} fills over ${SYMBOLS} symbols…`);
  const account = generateAccount({
    seed: 42,
    symbols: SYMBOLS,
    fills: FILLS,
    endTime: Date.UTC(2026, 10, 1),
  });
  await writeFillsFile(fillsPath, account.trades.map((t) => fillFromTrade(t, account.market)));
  const size = (await Deno.stat(fillsPath)).size / 2 ** 20;

  const main = new URL("../../main.ts", import.meta.url).pathname;
  const command = [
    Deno.execPath(),
    "run",
    ...runtimeFlags(),
    main,
    "positions",
    "--fills",
    fillsPath,
    "--out",
    outPath,
  ];
  // The default (one thread per core, here 2) and one thread, alternately, so both meet the
  // same host speed.
  const runs: { seconds: number; mb: number }[] = [];
  const single: { seconds: number; mb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    for (const [list, args] of [[runs, []], [single, ["--jobs", "1"]]] as const) {
      const run = await timed([...command, ...args]);
      list.push(run);
      console.log(
        `ledger: positions ${args.join(" ") || "(default threads)"} ${run.seconds} s, ` +
          `${run.mb.toFixed(0)} MB`,
      );
    }
  }
  const wall = median(runs.map((r) => r.seconds));
  const rss = Math.max(...runs.map((r) => r.mb));
  let threads: number;
  {
    // Disposed of: its runs directory removed and its threads ended (kept, the process never ends).
    await using rebuilt = await rebuildPositions(fillsPath);
    threads = rebuilt.threads;
  }

  const { fills } = await readLedgerFills(fillsPath);
  const rateOf = (build: () => number) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      build();
      times.push((performance.now() - start) / 1000);
    }
    return fills.length / Math.min(...times);
  };
  let positions = 0;
  const rate = rateOf(() => positions = aggregatePositions(fills).length);
  const threePasses = rateOf(() => ledgerInThreePasses(fills, {}).positions.length);
  console.log(`ledger: aggregation ${Math.round(rate)} fills/s (three passes: ${threePasses})`);

  const decimals = compareDecimals();
  const csv = compareCsv(await Deno.readTextFile(fillsPath));

  const ok = (pass: boolean) => (pass ? "met" : "**MISSED**");
  await writeSection(
    "ledger",
    `## Ledger: ${FILLS.toLocaleString("en")} fills → positions

Command: \`deno task bench ledger\` (generates the fills with the fake exchange's generator, seed 42,
${SYMBOLS} symbols, one-way, 12 months: ${size.toFixed(0)} MiB of CSV, ${
      positions.toLocaleString("en")
    } positions).
Measured ${await machine()}.

| what | measured | target |
|---|---|---|
| \`positions\` end to end (CSV in → CSV out), median of 3, wall | ${wall.toFixed(2)} s | ≤ 5 s (${
      ok(wall <= 5)
    }) |
| \`positions\` end to end, peak RSS (max of 3) | ${rss.toFixed(0)} MB | ≤ 600 MB (${
      ok(rss <= 600)
    }) |
| aggregation alone (\`aggregatePositions\`, best of 5) | ${
      Math.round(rate).toLocaleString("en")
    } fills/s | ≥ 1,000,000 fills/s (${ok(rate >= 1e6)}) |
| \`positions --jobs 1\` (one thread), median of 3, wall; peak RSS | ${
      median(single.map((r) => r.seconds)).toFixed(2)
    } s; ${Math.max(...single.map((r) => r.mb)).toFixed(0)} MB | (for comparison) |
| aggregation in three passes (\`ledgerInThreePasses\`, best of 5) | ${
      Math.round(threePasses).toLocaleString("en")
    } fills/s | (for comparison) |

Wall and RSS come from GNU \`time\` around \`deno run main.ts positions --fills … --out …\`, which
used ${threads} threads here (one per core, up to 4) and the one pass over the file
(\`src/rebuild/\`, \`LedgerStream\`); the runs with and without \`--jobs 1\` alternate. The
aggregation rows time the ledger alone on fills already in memory.

### Decimal arithmetic
The ledger's inner loop (parse quantity and price, add quantity, add quantity × price) over
${decimals.n.toLocaleString("en")} values: big.js ${
      decimals.big.toFixed(0)
    } ms, \`src/decimal.ts\` ${decimals.ours.toFixed(0)} ms
(${
      (decimals.big / decimals.ours).toFixed(1)
    }× faster), identical results. This is why the project has
its own exact decimal type (safe-integer mantissas as floats, BigInt beyond 2^53) instead of big.js.

### CSV
Parsing the same fills file (${size.toFixed(0)} MiB): csv-parse ${
      csv.library.toFixed(1)
    } s, \`src/csv/parser.ts\`
${csv.ours.toFixed(1)} s (split fields, as csv-parse returns them). A property test checks both
give the same records (\`tests/csv_test.ts\`).
`,
  );
}

function compareDecimals(): { n: number; big: number; ours: number } {
  const n = 500_000;
  const qty = Array.from({ length: n }, (_, i) => (0.001 * ((i % 997) + 1)).toFixed(3));
  const price = Array.from({ length: n }, (_, i) => (20000 + (i % 5000) * 0.1).toFixed(1));
  let start = performance.now();
  let bq = new Big(0);
  let bn = new Big(0);
  // Timed loops: `i < n`, the arrays' length, and the casts only say so to the type checker
  // (noUncheckedIndexedAccess), adding nothing to what is measured.
  for (let i = 0; i < n; i++) {
    const q = new Big(qty[i] as string);
    bq = bq.plus(q);
    bn = bn.plus(q.times(price[i] as string));
  }
  const big = performance.now() - start;
  start = performance.now();
  let dq = Decimal.ZERO;
  let dn = Decimal.ZERO;
  for (let i = 0; i < n; i++) {
    const q = Decimal.parse(qty[i] as string);
    dq = dq.plus(q);
    dn = dn.plus(q.times(Decimal.parse(price[i] as string)));
  }
  const ours = performance.now() - start;
  if (dq.normalize().toString() !== bq.toFixed() || dn.normalize().toString() !== bn.toFixed()) {
    throw new Error("big.js and Decimal disagree");
  }
  return { n, big, ours };
}

function compareCsv(text: string): { library: number; ours: number } {
  let start = performance.now();
  parse(text);
  const library = (performance.now() - start) / 1000;
  start = performance.now();
  let rows = 0;
  const parser = new CsvParser(() => rows++);
  parser.push(text);
  parser.end();
  const ours = (performance.now() - start) / 1000;
  return { library, ours };
}
