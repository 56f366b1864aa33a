/**
 * Runs the fake exchange alone: `deno task fake-exchange --port 8787 --seed 7 ...`. Prints
 * `URL API_KEY SECRET` on the first line of stdout, writes the ground truth to `--truth`, and
 * serves until killed.
 *
 * @module
 */

import { at } from "../support/indexed.ts";
import { GeneratedAccount } from "./account.ts";
import { parseExportFormat } from "./export_formats.ts";
import { startFakeExchange } from "./server.ts";

const HELP = `fake-exchange: a fake Binance Futures exchange for tests and benchmarks.

Usage: deno task fake-exchange [options]

  --port N          port on 127.0.0.1 (default 0: any free port)
  --seed N          PRNG seed (default 1); same seed and end time => same history
  --symbols N       symbols traded (default 20)
  --fills N         total fills (default 50000)
  --listed N        listed symbols (default 300; a tenth as many more are delisted)
  --months N        months of history (default 12)
  --market M        usdm (default) or coinm
  --hedge [mixed]   hedge-mode account (or "mixed": some symbols in hedge mode)
  --faults P        probability of a random fault per request (default 0)
  --weight-limit N  request weight per minute (default 2400)
  --api-key K       API key (default random)
  --secret S        HMAC secret (default random)
  --truth FILE      write the ground-truth positions CSV to FILE (every month)
  --retention N     months of fills (and USD-M income) the API serves (default 3);
                    older history only through the bulk download
  --download-delay S      seconds before a download id's link is ready (default 0)
  --link-expiry S         seconds a download link works (default 86400)
  --download-quota N      download ids per month, market and kind (default 5)
  --download-weight N     weight of the download-id endpoints (default 1000 USD-M, 5 COIN-M)
  --export-format WORDS   columns and file type of downloads, comma-separated:
                          trade-uid-time (default), trade-uid-time-yy,
                          trade-time-utc-position, trade-date-utc, trade-date-utc-fee-coin;
                          income-time (default), income-date-utc, income-uid-time;
                          csv (default) or xlsx
  --export-utc-offset M   the exporter's UTC offset in minutes (default 0)
  --export-part-rows N    most rows per file in a download's zip (default 1000000)
  -h, --help        this help

The first line of output is "URL API_KEY SECRET".
`;

const NUMBERS = [
  "port",
  "seed",
  "symbols",
  "fills",
  "listed",
  "months",
  "faults",
  "weight-limit",
  "retention",
  "download-delay",
  "link-expiry",
  "download-quota",
  "download-weight",
  "export-utc-offset",
  "export-part-rows",
];
const TEXTS = ["market", "api-key", "secret", "truth", "export-format"];

/** Parses the command line; throws on an unknown option or a bad value. */
export function parseArgs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = at(args, i);
    if (arg === "-h" || arg === "--help") out.set("help", "true");
    else if (arg === "--hedge") {
      out.set("hedge", args[i + 1] === "mixed" ? at(args, ++i) : "true");
    } else if (arg.startsWith("--") && [...NUMBERS, ...TEXTS].includes(arg.slice(2))) {
      const value = args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (NUMBERS.includes(arg.slice(2)) && !Number.isFinite(Number(value))) {
        throw new Error(`${arg}: not a number: ${value}`);
      }
      out.set(arg.slice(2), value);
    } else throw new Error(`unknown option ${arg}`);
  }
  const market = out.get("market");
  if (market !== undefined && market !== "usdm" && market !== "coinm") {
    throw new Error(`--market: usdm or coinm, not ${market}`);
  }
  const format = out.get("export-format");
  if (format !== undefined) parseExportFormat(format); // throws for an unknown word
  return out;
}

async function run(args: string[]): Promise<number> {
  let o: Map<string, string>;
  try {
    o = parseArgs(args);
  } catch (error) {
    console.error(`fake-exchange: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (o.has("help")) {
    console.log(HELP);
    return 0;
  }
  const num = (name: string) => (o.has(name) ? Number(o.get(name)) : undefined);
  const hedge = o.get("hedge");
  const account = new GeneratedAccount({
    seed: num("seed"),
    symbols: num("symbols"),
    fills: num("fills"),
    listed: num("listed"),
    months: num("months"),
    market: o.get("market") as "usdm" | "coinm" | undefined,
    hedge: hedge === "mixed" ? "mixed" : hedge === "true",
  });
  const truth = o.get("truth");
  if (truth !== undefined) await Deno.writeTextFile(truth, account.truthCsv());
  const exchange = await startFakeExchange({
    account,
    port: num("port"),
    faults: num("faults"),
    weightLimit: num("weight-limit"),
    apiKey: o.get("api-key"),
    secret: o.get("secret"),
    tradeRetentionMonths: num("retention"),
    downloadDelaySeconds: num("download-delay"),
    downloadLinkExpirySeconds: num("link-expiry"),
    downloadQuotaPerMonth: num("download-quota"),
    downloadIdWeight: num("download-weight"),
    exportFormat: o.get("export-format"),
    exportUtcOffsetMinutes: num("export-utc-offset"),
    exportPartRows: num("export-part-rows"),
  });
  console.log(`${exchange.url} ${exchange.apiKey} ${exchange.secret}`);
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, resolve);
  });
  await exchange.close();
  return 0;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
