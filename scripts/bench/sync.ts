/**
 * Sync benchmark (issue 4): requests, weight and wall time of a first sync, an incremental sync
 * with 100 new fills and a no-op sync of a generated account (25 traded symbols of 300 listed,
 * 200,000 fills over 12 months), against the fake exchange under Binance's real limit of 2,400
 * weight per minute, next to the theoretical minimum.
 *
 * @module
 */

import { monthsBefore, startFakeExchange } from "../../tests/fake_exchange/mod.ts";
import type { FakeExchange, LogEntry } from "../../tests/fake_exchange/mod.ts";
import { runCli } from "../../tests/support/cli.ts";
import { exchangeEnv } from "../../tests/support/sync.ts";
import { machine, writeSection } from "./report.ts";

const ACCOUNT = { seed: 42, symbols: 25, listed: 300, fills: 200_000, months: 12 };
const USER_TRADES_WEIGHT = 5;
const INCOME_WEIGHT = 30;
const BUDGET = 2400 * 0.8; // what the client spends per minute of Binance's 2,400
const MINUTE = 60_000;

/** What one run of the CLI cost. */
export interface Run {
  /** Milliseconds into the calendar minute when it started. */
  readonly startOffsetMs: number;
  readonly requests: number;
  readonly weight: number;
  readonly seconds: number;
  readonly rejected: number;
  readonly byEndpoint: Map<string, { requests: number; weight: number }>;
}

/** Runs the sync benchmark in `dir` and writes its section of BENCHMARKS.md. */
export async function benchSync(dir: string): Promise<void> {
  const out = `${dir}/sync`;
  console.log("sync: first sync without a binding limit, for the network-bound time…");
  let free: Run;
  {
    await using unlimited = await startFakeExchange({ ...ACCOUNT, weightLimit: 1e9 });
    free = await run(unlimited, await fresh(out));
  }
  await using exchange = await startFakeExchange(ACCOUNT);
  console.log("sync: first sync under 2,400 weight/minute (paced)…");
  const first = await run(exchange, await fresh(out));
  const minimum = theoreticalMinimum(exchange);
  exchange.account.addTrades(100, Date.now() - 1);
  console.log("sync: incremental sync with 100 new fills…");
  const incremental = await run(exchange, out);
  console.log("sync: no-op sync…");
  const noop = await run(exchange, out);

  const bound = paceBound(first, free);
  const ok = (pass: boolean) => (pass ? "met" : "**MISSED**");
  const row = (name: string, r: Run) =>
    `| ${name} | ${r.requests} | ${r.weight} | ${r.seconds.toFixed(1)} s | ${r.rejected} |`;
  const endpoints = [...first.byEndpoint].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([e, v]) => `${e} ${v.requests} request${v.requests === 1 ? "" : "s"}, ${v.weight} weight`)
    .join("; ");
  const ratio = first.weight / minimum.weight;
  const over = (first.seconds / bound.seconds - 1) * 100;
  const boundaries = `${bound.minutes} minute boundar${bound.minutes === 1 ? "y" : "ies"}`;
  const fills = minimum.servedFills.toLocaleString("en");
  const records = minimum.incomeRows.toLocaleString("en");
  const pagesWeight = minimum.pages * USER_TRADES_WEIGHT;
  const incomeWeight = minimum.incomePages * INCOME_WEIGHT;

  await writeSection(
    "sync",
    [
      "## Sync: requests, weight and time",
      "",
      "Command: `deno task bench sync`. A generated USD-M account (seed 42): 25 traded symbols of",
      "300 listed, 200,000 fills over 12 months, of which Binance serves the last 3 months",
      `(${fills} fills, ${records} income records). The real CLI runs against the fake exchange,`,
      "which enforces 2,400 weight per minute per calendar minute, as Binance does.",
      `Measured ${await machine()}.`,
      "",
      "| sync | requests | weight | wall time | 429/418 answers |",
      "|---|---|---|---|---|",
      row("first", first),
      row("incremental, 100 new fills", incremental),
      row("no-op", noop),
      "",
      `- First sync, by endpoint: ${endpoints}.`,
      `- Theoretical minimum of the first sync: ceil(fills/1000) pages per symbol (${minimum.pages}`,
      `  pages × ${USER_TRADES_WEIGHT} = ${pagesWeight}) plus discovery, which is the income`,
      `  history the sync stores anyway (${minimum.incomePages} pages × ${INCOME_WEIGHT} =`,
      `  ${incomeWeight}), plus exchangeInfo, time and positionRisk (7): **${minimum.weight}**.`,
      `  Measured ${first.weight}: **${ratio.toFixed(2)}×** (target ≤ 1.2×: ${ok(ratio <= 1.2)}).`,
      "  The extra is one 7-day window per new symbol before its first trade, and each symbol's",
      "  last, short page.",
      `- No-op sync: ${noop.requests} requests (target ≤ 4 whatever the number of symbols:`,
      `  ${ok(noop.requests <= 4)}).`,
      `- Wall time of the first sync: ${first.seconds.toFixed(1)} s under the limit,`,
      `  ${free.seconds.toFixed(1)} s with no binding limit. The client spends at most 80% of the`,
      `  limit, ${BUDGET} weight per calendar minute, so a normal sync never meets a 429. It started`,
      `  ${
        (first.startOffsetMs / 1000).toFixed(1)
      } s into a minute: its ${first.weight} weight could`,
      `  not be spent before ${boundaries} had passed, so the limit-bound time is`,
      `  ${
        bound.seconds.toFixed(1)
      } s (to the last boundary needed, plus the unlimited run's time for`,
      `  the weight left after it). Measured ${over.toFixed(0)}% over it (target within 10%:`,
      `  ${ok(over <= 10)}).`,
      "- Discovery on a first sync: userTrades and income are both kept 3 months (userTrades since",
      "  Binance's change log of 2026-08-26), so the income history names every symbol that had a",
      "  fee, a realized P&L or funding in the served history, and positionRisk adds the open",
      `  positions. Probing each of the 300 listed symbols instead would cost 300 ×`,
      `  ${USER_TRADES_WEIGHT} = ${300 * USER_TRADES_WEIGHT} weight at one request each (and still`,
      `  miss delisted symbols), or ${300 * 13 * USER_TRADES_WEIGHT} weight with 13 windows each.`,
    ].join("\n"),
  );
}

/** An empty directory at `path`. */
export async function fresh(path: string): Promise<string> {
  await Deno.remove(path, { recursive: true }).catch(() => {});
  await Deno.mkdir(path, { recursive: true });
  return path;
}

/**
 * The least time `paced` could have taken: each calendar minute allows {@linkcode BUDGET}
 * weight, so the sync must wait for the minute boundaries its weight needs; the rest goes at the
 * unlimited run's speed.
 */
function paceBound(paced: Run, free: Run): { minutes: number; seconds: number } {
  const minutes = Math.max(0, Math.ceil(paced.weight / BUDGET) - 1);
  if (minutes === 0) return { minutes, seconds: free.seconds };
  const toBoundary = minutes * MINUTE - paced.startOffsetMs;
  const leftOver = (paced.weight - minutes * BUDGET) / paced.weight;
  return { minutes, seconds: Math.max(free.seconds, toBoundary / 1000 + free.seconds * leftOver) };
}

/** Runs `sync ...args` in `dir` against `exchange`; what it cost. */
export async function run(exchange: FakeExchange, dir: string, ...args: string[]): Promise<Run> {
  const from = exchange.log.length;
  const startOffsetMs = Date.now() % MINUTE;
  const started = performance.now();
  const { code, stderr } = await runCli(
    { cwd: dir, env: exchangeEnv(exchange) },
    "sync",
    ...args,
  );
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`sync failed:\n${stderr}`);
  const log: LogEntry[] = exchange.log.slice(from);
  const byEndpoint = new Map<string, { requests: number; weight: number }>();
  for (const e of log) {
    const tally = byEndpoint.get(e.endpoint) ?? { requests: 0, weight: 0 };
    byEndpoint.set(e.endpoint, { requests: tally.requests + 1, weight: tally.weight + e.weight });
  }
  return {
    startOffsetMs,
    requests: log.length,
    weight: log.reduce((w, e) => w + e.weight, 0),
    seconds,
    rejected: log.filter((e) => e.status === 429 || e.status === 418).length,
    byEndpoint,
  };
}

function theoreticalMinimum(exchange: FakeExchange) {
  const served = monthsBefore(exchange.now(), 3);
  let pages = 0;
  let servedFills = 0;
  for (const spec of exchange.account.traded) {
    const n = exchange.account.tradesOf(spec.symbol).filter((t) => t.time >= served).length;
    servedFills += n;
    pages += Math.ceil(n / 1000);
  }
  const incomeRows = exchange.account.incomeRows(served).length;
  const incomePages = Math.max(1, Math.ceil(incomeRows / 1000));
  const weight = pages * USER_TRADES_WEIGHT + incomePages * INCOME_WEIGHT + 7;
  return { pages, servedFills, incomeRows, incomePages, weight };
}
