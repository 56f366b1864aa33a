/**
 * `futures-ledger sync`: brings the CSV files up to date from Binance.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { BASE_URLS, BinanceClient, TESTNET_BASE_URLS } from "../binance/client.ts";
import { hmacSigner, readPrivateKeySigner, type Signer } from "../binance/sign.ts";
import { baseUrlProblem, ConfigError, loadSettings, type Settings } from "../config.ts";
import { type Market, SYMBOL } from "../fill.ts";
import { setUpLogging } from "../log.ts";
import { FILES, runSync } from "../sync.ts";
import { parseDate } from "../time.ts";
import { type Command, parseOptions, UsageError } from "./command.ts";
import { lockOutputDirectory } from "./paths.ts";
import { Progress } from "./progress.ts";
import { downloadLines } from "./downloads_report.ts";
import { incomeCheckLines, positionCheckLines } from "./reconcile_report.ts";
import { summaryTable } from "./summary.ts";
import { unattachedLines } from "./funding_report.ts";
import { statusCounts } from "../ledger/summary.ts";

const log = getLogger(["futures-ledger", "sync"]);

/** How long `--wait` polls without a number of minutes. */
const DEFAULT_WAIT_MINUTES = 30;

const HELP = `Usage: futures-ledger sync [YYYY-MM-DD] [options]

Fetches new fills and income from Binance Futures and updates, in the output directory:
  ${FILES.fills}            every fill, once (by market, symbol and trade id)
  ${FILES.income}           the income history (fees, realized P&L, funding, transfers)
  ${FILES.positions}        positions rebuilt from all fills, with funding and net P&L
                               (see "positions --help")
  ${FILES.state}                   where each symbol's sync left off
  ${FILES.prices}       price cache: the 1-minute opens (e.g. BNBUSDT) that convert
                               fees paid in another asset; each minute is fetched once
  ${FILES.conversions}  each fee paid in another asset, with its price

After the table, the sync compares the ledger with Binance: realized P&L, commission and
funding against the income history's own totals per asset (a difference is flagged), and
the open positions against Binance's (a difference, or positions that began before the
3 months Binance serves, is printed with what to do).

Options:
  --from YYYY-MM-DD   re-fetch every symbol's fills from this date (UTC) instead of from
                      where the last sync ended (from there if that is earlier); the
                      positional date is the same. Before
                      the 3 months the API serves, the older history is requested through
                      Binance's bulk download (trades and transactions, one request each
                      per 365 days; about 5 a month are allowed) and merged by a later
                      sync, once Binance has prepared it
  --wait [MINUTES]    wait for pending bulk downloads (polling, up to MINUTES, default
                      ${DEFAULT_WAIT_MINUTES}) and merge them in this run
  --symbols A,B       query only these symbols (e.g. BTCUSDT,ETHUSDT); the income
                      history is saved (and checked) by the next sync without it
  --full              fetch every known symbol again from the oldest date Binance serves,
                      even without a sign of new activity (see "When to use --full" in
                      the README)
  --out DIR           directory of the files (default: the working directory; created)
  --market M          usdm (USDⓈ-M, /fapi; default) or coinm (COIN-M, /dapi)
  --testnet           use Binance's futures testnet
  --base-url URL      another host, e.g. a proxy (overrides BINANCE_BASE_URL; not with
                      --testnet)
  -h, --help          show this help

Settings (flags > environment > .env in the working directory or beside the binary):
  BINANCE_API_KEY            API key (read-only is enough)
  BINANCE_SECRET_KEY         its secret (HMAC keys), or:
  BINANCE_PRIVATE_KEY_FILE   a PEM private key file (Ed25519 or RSA keys)
  BINANCE_BASE_URL           another host
  REQUEST_TIMEOUT            seconds per request (default 10)
  MAX_RETRIES                retries of a failed request (default 5)
  LOG_LEVEL                  DEBUG, INFO (default), WARNING or ERROR

Binance's API serves only the last 3 months of fills and income; older history comes from
its bulk download (see "Your whole history" in the README). Every sync first checks the
downloads pending, and merges those that are ready.

Exit codes: 0 done, 1 failed (what was fetched is saved; also: a bulk download refused for
the monthly quota, lost, not mergeable, or still pending when --wait ends), 2 bad usage or
settings, 3 another futures-ledger run holds the directory (a sync or an import, or a
positions, report or export reading it).`;

/** The `sync` command. */
export const syncCommand: Command = {
  name: "sync",
  summary: "fetch new fills and income from Binance, update the CSV files",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseOptions(withWaitValue(args), {
      from: { type: "string" },
      wait: { type: "string" },
      symbols: { type: "string" },
      full: { type: "boolean" },
      out: { type: "string" },
      market: { type: "string" },
      testnet: { type: "boolean" },
      "base-url": { type: "string" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const options = checkOptions(values, positionals);
    const settings = await loadSettings();
    const baseUrl = options.baseUrl ??
      (options.testnet ? TESTNET_BASE_URLS : undefined)?.[options.market] ??
      settings.baseUrl ?? BASE_URLS[options.market];
    checkNetAccess(baseUrl);
    const signer = await signerFrom(settings);
    // Everything is checked before the first request: the lock is the last check (that the
    // directory can be written).
    using _lock = await lockOutputDirectory({ path: options.dir, option: options.dirOption });
    const progress = new Progress(Deno.stderr.isTerminal());
    setUpLogging(settings.logLevel, progress.write);
    const client = new BinanceClient({
      market: options.market,
      apiKey: settings.apiKey,
      signer,
      baseUrl,
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: settings.maxRetries,
      onRequest: progress.onRequest,
      onWait: progress.onWait,
      onRetry: progress.onRetry,
    });

    log.info("syncing {market} into {dir}", { market: options.market, dir: options.dir });
    try {
      const result = await runSync(options, client, progress.onEvent);
      progress.finish();
      const fills = [...result.added.values()].reduce((a, b) => a + b, 0);
      console.log(summaryTable(result.summaries, result.added));
      const check = result.incomeCheck;
      const bulk = downloadLines(result.downloads, options.dir);
      for (
        const line of [
          ...(check === undefined ? [] : incomeCheckLines(check)),
          ...unattachedLines(result.unattached),
          ...positionCheckLines(result.positionCheck),
          ...bulk.info,
        ]
      ) console.log(line);
      const { open, closed, partial } = statusCounts(result.summaries.values());
      console.log(
        `${fills} new fills, ${result.incomeAdded} new income records; ` +
          `${open + closed + partial} ${options.market} positions in ${options.dir}`,
      );
      for (const line of bulk.problems) console.error(`futures-ledger: ${line}`);
      return bulk.problems.length > 0 ? 1 : 0;
    } finally {
      progress.finish();
    }
  },
};

interface CheckedOptions {
  dir: string;
  /** `--out` when it was given. */
  dirOption: string | undefined;
  market: Market;
  from: number | undefined;
  symbols: string[] | undefined;
  full: boolean;
  testnet: boolean;
  baseUrl: string | undefined;
  /** `--wait`, ms. */
  waitMs: number | undefined;
}

/**
 * Whether the argument after `--wait` was meant as its minutes, and is not whole minutes: neither
 * an option (`--full`, `-h`) nor a date (`2025-01-01`, the positional one).
 */
function isMeantAsMinutes(next: string | undefined): boolean {
  return next !== undefined && !/^--?[a-z]/i.test(next) && !/^\d{4}-/.test(next);
}

/** `args` with `--wait` given its value: the minutes after it, or the default. */
function withWaitValue(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0, arg = args[0]; arg !== undefined; arg = args[++i]) {
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (arg !== "--wait") out.push(arg);
    else if (/^\d+$/.test(args[i + 1] ?? "")) out.push(`--wait=${args[++i]}`);
    else if (isMeantAsMinutes(args[i + 1])) {
      // `--wait 1.5`, `--wait 30m`, `--wait -5`, `--wait soon`: meant as minutes, not the date
      // (or the option) it would otherwise be read as.
      throw new UsageError(`--wait ${args[i + 1]}: expected whole minutes (e.g. --wait 30)`);
    } else out.push(`--wait=${DEFAULT_WAIT_MINUTES}`);
  }
  return out;
}

function checkOptions(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
): CheckedOptions {
  if (positionals.length > 1 || (positionals.length === 1 && values.from !== undefined)) {
    throw new UsageError(`unexpected argument "${positionals.at(-1)}"`);
  }
  const fromText = (values.from as string | undefined) ?? positionals[0];
  const from = fromText === undefined ? undefined : parseDate(fromText);
  if (fromText !== undefined && from === undefined) {
    throw new UsageError(`"${fromText}" is not a date (expected YYYY-MM-DD, e.g. 2025-01-31)`);
  }
  if (from !== undefined && from > Date.now()) {
    throw new UsageError(`${fromText} is in the future: there is nothing to fetch from then`);
  }
  const market = (values.market as string | undefined) ?? "usdm";
  if (market !== "usdm" && market !== "coinm") {
    throw new UsageError(`--market ${market}: expected usdm or coinm`);
  }
  const symbols = (values.symbols as string | undefined)?.split(",").map((s) =>
    s.trim().toUpperCase()
  )
    .filter((s) => s !== "");
  if (
    symbols !== undefined && (symbols.length === 0 || symbols.some((s) => !SYMBOL.test(s)))
  ) {
    throw new UsageError(`--symbols ${values.symbols}: expected symbols like BTCUSDT,ETHUSDT`);
  }
  const baseUrl = values["base-url"] as string | undefined;
  const problem = baseUrl === undefined ? undefined : baseUrlProblem(baseUrl);
  if (problem !== undefined) throw new UsageError(`--base-url ${baseUrl}: ${problem}`);
  if (baseUrl !== undefined && values.testnet === true) {
    throw new UsageError("--testnet and --base-url each pick the host: give one of them");
  }
  const wait = values.wait as string | undefined;
  if (wait !== undefined && (!/^\d+$/.test(wait) || Number(wait) < 1 || Number(wait) > 10_080)) {
    throw new UsageError(`--wait ${wait}: expected whole minutes, from 1 to 10080 (a week)`);
  }
  return {
    dir: (values.out as string | undefined) ?? ".",
    waitMs: wait === undefined ? undefined : Number(wait) * 60_000,
    dirOption: values.out === undefined ? undefined : "--out",
    market,
    from,
    symbols,
    full: values.full === true,
    testnet: values.testnet === true,
    baseUrl,
  };
}

/**
 * Refuses a host this process may not connect to: the binary and `deno task sync` may reach
 * only Binance's futures hosts (`scripts/compile.ts`), so a proxy given to them would fail at the
 * first request.
 */
function checkNetAccess(baseUrl: string): void {
  const host = new URL(baseUrl).host;
  if (Deno.permissions.querySync({ name: "net", host }).state !== "granted") {
    throw new ConfigError(
      `this program may not connect to ${host}: the futures-ledger binary and \`deno task sync\` ` +
        "reach only Binance's futures hosts (use `deno run --allow-read --allow-write " +
        "--allow-env --allow-net main.ts sync` for another host)",
    );
  }
}

async function signerFrom(settings: Settings): Promise<Signer> {
  if (settings.apiKey === undefined) {
    throw new ConfigError(
      'BINANCE_API_KEY is not set: put it in .env or the environment (see the README, "API key")',
    );
  }
  if (settings.secretKey !== undefined && settings.privateKeyFile !== undefined) {
    // An API key is signed one way: which one belongs to BINANCE_API_KEY is not ours to guess.
    throw new ConfigError(
      "both BINANCE_SECRET_KEY and BINANCE_PRIVATE_KEY_FILE are set: an API key signs with " +
        "either a secret (HMAC) or a private key (Ed25519, RSA); remove the one that is not " +
        "BINANCE_API_KEY's",
    );
  }
  if (settings.secretKey !== undefined) return await hmacSigner(settings.secretKey);
  if (settings.privateKeyFile !== undefined) {
    return await readPrivateKeySigner(settings.privateKeyFile);
  }
  throw new ConfigError(
    "BINANCE_SECRET_KEY (or BINANCE_PRIVATE_KEY_FILE) is not set: put it in .env or the environment",
  );
}
