/**
 * Scale benchmark (issue 12): what a daily sync and `positions` cost with a lifetime of fills
 * already in the directory — 1, 3 and 10 million (about two income rows each, written by
 * `long_history.ts`) — against a fake exchange whose account goes on trading the same symbols.
 *
 * For each size: the first sync over the files (no cache yet: everything read and rebuilt), three
 * no-op syncs, three syncs with 1,000 new fills on 5 symbols, and `positions` three times with the
 * default threads and with one, alternately. Wall time and peak RSS from GNU time; the big.js
 * loop of the ledger section is timed too, as a gauge of the host's speed during the run, and a
 * plain read of the fills file counting lines and commas as the floor.
 *
 * Sizes: `deno task bench scale` (1M and 3M); `SCALE=1,3,10 deno task bench scale` for 10M too
 * (about 5 GB of files and half an hour).
 *
 * @module
 */

import Big from "big.js";
import { generateAccount, startFakeExchange } from "../../tests/fake_exchange/mod.ts";
import { exchangeEnv } from "../../tests/support/sync.ts";
import { runtimeFlags } from "../compile.ts";
import { writeHistory } from "./long_history.ts";
import { machine, median, timed, writeSection } from "./report.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const DAY = 86_400_000;

interface Figures {
  fills: number;
  income: number;
  mb: number;
  first: { seconds: number; mb: number };
  noop: { seconds: number; mb: number }[];
  update: { seconds: number; mb: number }[];
  positions: { seconds: number; mb: number }[];
  single: { seconds: number; mb: number }[];
  floor: number;
  /** The gauge before and after the size's runs, ms. */
  gauge: [number, number];
}

/** Runs the scale benchmark in `dir` and writes its section. */
export async function benchScale(dir: string): Promise<void> {
  const sizes = (Deno.env.get("SCALE") ?? "1,3").split(",").map((n) => Number(n) * 1_000_000);
  if (sizes.some((n) => !(n > 0))) throw new Error("SCALE: millions of fills, e.g. 1,3,10");
  const results: Figures[] = [];
  for (const fills of sizes) results.push(await one(`${dir}/scale-${fills}`, fills));
  await writeSection("scale", report(results, await machine()));
}

async function one(dir: string, fills: number): Promise<Figures> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  // The fake's account: 5 symbols, a little trading in the last month, then 1,000 fills per run.
  const account = generateAccount({ seed: 12, symbols: 5, fills: 200, months: 1, listed: 40 });
  const traded = account.traded.filter((s) => s.delistTime === undefined).map((s) => s.symbol);
  const others = Array.from({ length: 20 - traded.length }, (_, i) => `SYM${i}USDT`);
  console.log(`scale ${fills}: writing the history…`);
  const income = await writeHistory(dir, {
    fills,
    symbols: [...traded, ...others],
    endTime: Date.now() - 35 * DAY,
    spanMs: 400 * DAY,
    seed: fills,
  });
  const mb = (await Deno.stat(`${dir}/futures_fills.csv`)).size / 2 ** 20;
  const gaugeBefore = gauge();
  await using exchange = await startFakeExchange({ account, weightLimit: 1e9 });
  const env = exchangeEnv(exchange);
  const sync = () =>
    timed(
      [
        "env",
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Deno.execPath(),
        "run",
        ...runtimeFlags(["127.0.0.1"]),
        MAIN,
        "sync",
      ],
      dir,
    );
  console.log(`scale ${fills}: first sync (no cache)…`);
  const first = await sync();
  const noop: { seconds: number; mb: number }[] = [];
  const update: { seconds: number; mb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const still = await sync();
    noop.push(still);
    exchange.account.addTrades(1000, Date.now() - 1, 60_000);
    const added = await sync();
    update.push(added);
    console.log(`scale ${fills}: no-op ${still.seconds} s, +1000 ${added.seconds} s`);
  }
  const positions: { seconds: number; mb: number }[] = [];
  const single: { seconds: number; mb: number }[] = [];
  const command = [Deno.execPath(), "run", ...runtimeFlags(), MAIN];
  // Each run writes p.csv anew: one that found it holding the same positions would leave it.
  const fresh = () => Deno.remove(`${dir}/p.csv`).catch(() => {});
  for (let i = 0; i < 3; i++) {
    await fresh();
    const run = await timed([...command, "positions", "--out", "p.csv"], dir);
    positions.push(run);
    await fresh();
    single.push(await timed([...command, "positions", "--jobs", "1", "--out", "p.csv"], dir));
    console.log(`scale ${fills}: positions ${run.seconds} s`);
  }
  const floor = await readFloor(`${dir}/futures_fills.csv`);
  const figures = {
    fills,
    income,
    mb,
    first,
    noop,
    update,
    positions,
    single,
    floor,
    gauge: [gaugeBefore, gauge()] as [number, number],
  };
  await Deno.remove(dir, { recursive: true });
  return figures;
}

/** Seconds to read a file and count its lines and commas: the least any reader costs. */
async function readFloor(path: string): Promise<number> {
  const started = performance.now();
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  let separators = 0;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    for (let i = 0; i < n; i++) if (buffer[i] === 44 || buffer[i] === 10) separators++;
  }
  console.log(`read floor: ${separators} separators`);
  return (performance.now() - started) / 1000;
}

interface Target {
  readonly what: string;
  readonly runs: "noop" | "update" | "positions";
  readonly unit: "s" | "MB";
  readonly limit: number;
}

/** Issue 12's targets at 1M and 10M fills (`positions`: the default threads). */
const TARGETS = new Map<number, readonly Target[]>([
  [1_000_000, [
    { what: "no-op sync, peak RSS", runs: "noop", unit: "MB", limit: 200 },
    { what: "no-op sync, wall", runs: "noop", unit: "s", limit: 1.5 },
    { what: "+1,000 fills on 5 symbols, wall", runs: "update", unit: "s", limit: 2 },
    { what: "`positions`, peak RSS", runs: "positions", unit: "MB", limit: 250 },
    { what: "`positions`, wall", runs: "positions", unit: "s", limit: 2 },
  ]],
  [10_000_000, [
    { what: "no-op sync, peak RSS", runs: "noop", unit: "MB", limit: 200 },
    { what: "no-op sync, wall", runs: "noop", unit: "s", limit: 10 },
    { what: "+1,000 fills on 5 symbols, wall", runs: "update", unit: "s", limit: 12 },
    { what: "`positions`, peak RSS", runs: "positions", unit: "MB", limit: 250 },
    { what: "`positions`, wall", runs: "positions", unit: "s", limit: 20 },
  ]],
]);

/** The ledger section's gauge: big.js adding 500,000 products, ms. */
export function gauge(): number {
  const started = performance.now();
  let sum = new Big(0);
  for (let i = 0; i < 500_000; i++) sum = sum.plus(new Big("0.010").times(new Big(`${i}.5`)));
  return Math.round(performance.now() - started);
}

function report(results: readonly Figures[], measured: string): string {
  const s = (r: { seconds: number }[]) =>
    `${median(r.map((x) => x.seconds)).toFixed(2)} s (${
      r.map((x) => x.seconds.toFixed(2)).join(", ")
    })`;
  const m = (r: { mb: number }[]) => `${Math.max(...r.map((x) => x.mb)).toFixed(0)} MB`;
  const lines = [
    "## Scale: a lifetime of fills",
    "",
    "Command: `SCALE=1,3,10 deno task bench scale`. A generated history (`scripts/bench/long_history.ts`:",
    "20 symbols, one-way books of a few fills each, all flat at the end, about two income rows",
    "per fill) already in the directory, and a fake exchange whose account trades 5 of the",
    "symbols afterwards. The first sync has no cache: it reads and rebuilds everything. Then, three",
    "times: a no-op sync, and a sync with 1,000 new fills on the 5 symbols. Then `positions`,",
    "default threads and `--jobs 1`, alternately. Median (and each run) of wall time; peak RSS is",
    "the largest of the runs. Each run has the binary's runtime flags (`runtimeFlags`,",
    "`scripts/compile.ts`: its permissions, V8's young generation in 8 MiB semi-spaces, and its",
    "old generation growing by half of what survived the last full collection).",
    `Measured ${measured}.`,
    "",
    "| fills (income rows; fills CSV) | first sync | no-op sync | +1,000 fills on 5 symbols | `positions` | `positions --jobs 1` | read floor | gauge, before–after |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.fills.toLocaleString("en")} (${r.income.toLocaleString("en")}; ${
        r.mb.toFixed(0)
      } MB) | ${r.first.seconds.toFixed(1)} s, ${r.first.mb.toFixed(0)} MB | ${s(r.noop)}, ${
        m(r.noop)
      } | ${s(r.update)}, ${m(r.update)} | ${s(r.positions)}, ${m(r.positions)} | ${s(r.single)}, ${
        m(r.single)
      } | ${r.floor.toFixed(2)} s | ${r.gauge.join("–")} ms |`,
    );
  }
  lines.push(
    "",
    "Issue 12's targets, by the medians above (wall time; peak RSS the largest run):",
    "",
    "| fills | case | target | measured | met |",
    "|---|---|---|---|---|",
  );
  for (const r of results) {
    const targets = TARGETS.get(r.fills);
    if (targets === undefined) continue;
    const runs = { noop: r.noop, update: r.update, positions: r.positions };
    for (const t of targets) {
      const values = runs[t.runs].map((x) => (t.unit === "s" ? x.seconds : x.mb));
      const value = t.unit === "s" ? median(values) : Math.max(...values);
      lines.push(
        `| ${r.fills.toLocaleString("en")} | ${t.what} | ≤ ${t.limit} ${t.unit} | ${
          value.toFixed(t.unit === "s" ? 2 : 0)
        } ${t.unit} | ${value <= t.limit ? "yes" : "**no**"} |`,
      );
    }
  }
  return lines.join("\n");
}
