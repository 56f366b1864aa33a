/**
 * Whole-history benchmark (issue 11): requests and weight of a first sync of a 15-month account
 * with `--from` the day its history begins — the API's 3 months plus Binance's bulk downloads
 * of the rest — and of the next sync, which downloads and merges them; against the fake exchange
 * under Binance's real limit of 2,400 weight per minute (a download id weighs 1,000).
 *
 * @module
 */

import { startFakeExchange } from "../../tests/fake_exchange/mod.ts";
import { fresh, type Run, run } from "./sync.ts";
import { machine, writeSection } from "./report.ts";

const ACCOUNT = { seed: 42, symbols: 25, listed: 300, fills: 200_000, months: 15 };
const DAY = 86_400_000;

/** Runs the whole-history benchmark in `dir` and writes its section of BENCHMARKS.md. */
export async function benchHistory(dir: string): Promise<void> {
  const out = await fresh(`${dir}/history`);
  await using exchange = await startFakeExchange(ACCOUNT);
  const from = new Date(Math.floor(exchange.account.startTime / DAY) * DAY).toISOString()
    .slice(0, 10);
  console.log(`history: sync --from ${from} under 2,400 weight/minute…`);
  const first = await run(exchange, out, "--from", from);
  const state = JSON.parse(await Deno.readTextFile(`${out}/state.json`));
  const downloads: { kind: string; from_ms: number; to_ms: number }[] = state.markets.usdm
    .downloads;
  console.log("history: the next sync, which downloads and merges them…");
  const next = await run(exchange, out);
  const fills = (await Deno.readTextFile(`${out}/futures_fills.csv`)).trimEnd().split("\n");
  const archive = fills.filter((line) => /,archive,[0-9a-f]{8}$/.test(line)).length;
  const positions = await Deno.readTextFile(`${out}/futures_positions.csv`);
  const partial = (positions.match(/^PARTIAL,/gm) ?? []).length;
  const quota = (kind: string) => downloads.filter((d) => d.kind === kind).length;

  const row = (name: string, r: Run) =>
    `| ${name} | ${r.requests} | ${r.weight} | ${r.seconds.toFixed(1)} s | ${r.rejected} |`;
  const endpoints = (r: Run) => {
    const tally = new Map<string, { requests: number; weight: number }>();
    for (const [path, v] of r.byEndpoint) {
      const name = path.startsWith("/s3/") ? "the download host (the zips)" : path;
      const t = tally.get(name) ?? { requests: 0, weight: 0 };
      tally.set(name, { requests: t.requests + v.requests, weight: t.weight + v.weight });
    }
    return [...tally].sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([e, v]) =>
        `${e} ${v.requests} request${v.requests === 1 ? "" : "s"}, ${v.weight} weight`
      )
      .join("; ");
  };
  const days = (d: { from_ms: number; to_ms: number }) =>
    `${new Date(d.from_ms).toISOString().slice(0, 10)} – ${
      new Date(d.to_ms).toISOString().slice(0, 16).replace("T", " ")
    } (${((d.to_ms - d.from_ms + 1) / DAY).toFixed(1)} days)`;
  await writeSection(
    "history",
    [
      "## Whole history: a 15-month first sync",
      "",
      "Command: `deno task bench history`. A generated USD-M account (seed 42): 25 traded symbols",
      `of 300 listed, 200,000 fills over 15 months; \`sync --from ${from}\` (the day the history`,
      "begins), then a plain `sync`, the real CLI against the fake exchange under 2,400 weight per",
      "minute. The fake prepares a download at once (Binance takes hours: the second sync is then",
      `the next day's). Measured ${await machine()}.`,
      "",
      "| sync | requests | weight | wall time | 429/418 answers |",
      "|---|---|---|---|---|",
      row(`\`sync --from ${from}\`: the API's 3 months, downloads requested`, first),
      row("next `sync`: downloads fetched and merged", next),
      "",
      `- Downloads requested: ${downloads.length} (trade history ${quota("trade")}, transaction`,
      `  history ${quota("income")}, of Binance's about 5 a month each): ${
        downloads.filter((d) => d.kind === "trade").map(days).join(" and ")
      }. The range runs from the day the history begins to where the API's rows begin, a little`,
      "  over 365 days here, and one download covers at most 365: hence two of each kind, the",
      "  second a few hours long. `--from` a day later needs one of each.",
      `- First sync, by endpoint: ${endpoints(first)}.`,
      `- Next sync, by endpoint: ${endpoints(next)}. The zips cost no weight; the klines are the`,
      "  prices of the downloaded fills' BNB fees, and positionSide/dual the position mode of the",
      "  symbols only the downloads hold (their rows do not say their side).",
      `- Merged: ${archive.toLocaleString("en")} fills from the downloads, ${
        (fills.length - 1).toLocaleString("en")
      } in all; ${partial} PARTIAL positions left.`,
      "- Wall time is mostly waiting for the weight limit: each download id takes 1,000 of the",
      "  1,920 weight the client allows itself per minute.",
    ].join("\n"),
  );
}
