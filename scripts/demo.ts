/**
 * `deno task demo`: futures-ledger end to end, without a Binance account or the internet.
 *
 * Starts the fake exchange (tests/fake_exchange) on 127.0.0.1 with a generated account, runs the
 * real `futures-ledger sync` against it as a separate process — with the permissions the
 * released binary has, network aside — then `futures-ledger report`, all into `demo-output/`
 * of the working directory (replaced on every run).
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FILES } from "../src/sync.ts";
import { type AccountOptions, startFakeExchange } from "../tests/fake_exchange/mod.ts";
import { runtimeFlags } from "./compile.ts";

/** The output directory, relative to the working directory. */
export const DEMO_DIR = "demo-output";

/** The report's file name in {@linkcode DEMO_DIR}. */
export const DEMO_REPORT = "report.html";

/**
 * The generated account: a few thousand USDⓈ-M fills within the 3 months Binance serves, some
 * symbols in hedge mode and some one-way, with funding, and fees partly paid in BNB.
 */
export const DEMO_ACCOUNT: Readonly<AccountOptions> = {
  seed: 7,
  symbols: 10,
  fills: 3_000,
  months: 2,
  hedge: "mixed",
  market: "usdm",
};

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Runs `futures-ledger ...args` in a new process; resolves to its exit code. */
async function futuresLedger(env: Record<string, string>, ...args: string[]): Promise<number> {
  const child = new Deno.Command("deno", {
    args: ["run", ...runtimeFlags(["127.0.0.1"]), MAIN, ...args],
    env,
    stdin: "null",
  }).spawn();
  return (await child.status).code;
}

async function main(): Promise<number> {
  await Deno.remove(DEMO_DIR, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const file = (name: string) => `${DEMO_DIR}/${name}`;
  {
    await using exchange = await startFakeExchange(DEMO_ACCOUNT);
    console.log(
      `demo: a fake Binance at ${exchange.url} serves a made-up account of ` +
        `${DEMO_ACCOUNT.fills} fills; running "futures-ledger sync --out ${DEMO_DIR}"\n`,
    );
    const code = await futuresLedger(
      {
        BINANCE_API_KEY: exchange.apiKey,
        BINANCE_SECRET_KEY: exchange.secret,
        BINANCE_BASE_URL: exchange.url,
      },
      "sync",
      "--out",
      DEMO_DIR,
    );
    if (code !== 0) return fail("sync", code);
  }
  console.log(`\ndemo: running "futures-ledger report"`);
  const code = await futuresLedger(
    {},
    "report",
    "--positions",
    file(FILES.positions),
    "--income",
    file(FILES.income),
    "--out",
    file(DEMO_REPORT),
  );
  if (code !== 0) return fail("report", code);

  const files: [string, string][] = [
    [FILES.fills, "every fill, one row each"],
    [FILES.income, "income: realized P&L, commissions, funding, transfers"],
    [FILES.positions, "round-trip positions with exact P&L, and the open ones"],
    [FILES.conversions, "each fee paid in BNB, with the price it was converted at"],
    [FILES.prices, "the cache of those prices"],
    [FILES.state, "where each symbol's sync left off"],
    [DEMO_REPORT, "open it in a browser: equity curve, drawdown, statistics"],
  ];
  const { fills, symbols, months } = DEMO_ACCOUNT;
  console.log(`
Done. Everything is in ${resolve(DEMO_DIR)}:
${files.map(([name, what]) => `  ${name.padEnd(29)}${what}`).join("\n")}

What you are looking at:
  A made-up account: ${fills} fills on ${symbols} symbols over ${months} months, hedge and one-way, funding, some fees in BNB.
  The real "futures-ledger sync" fetched it from a fake Binance on this machine, as it would yours,
  and "futures-ledger report" drew the page; with your read-only API key they do the same for you.`);
  return 0;
}

function fail(step: string, code: number): number {
  console.error(`demo: ${step} failed (exit code ${code}); see its message above`);
  return 1;
}

if (import.meta.main) Deno.exit(await main());
