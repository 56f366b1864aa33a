/**
 * Running `futures-ledger sync` against a fake exchange, and what to compare its files with.
 *
 * @module
 */

import { fillFromTrade } from "../../src/binance/trade_row.ts";
import { compareFillsByTime } from "../../src/fill.ts";
import { FILL_COLUMNS, fillLine } from "../../src/storage/fill_row.ts";
import { csvLine } from "../../src/csv/format.ts";
import type { FakeExchange, GeneratedAccount } from "../fake_exchange/mod.ts";
import { type CliResult, runCli } from "./cli.ts";

/** The environment that points the CLI at `exchange` with its credentials. */
export function exchangeEnv(exchange: FakeExchange): Record<string, string> {
  return {
    BINANCE_API_KEY: exchange.apiKey,
    BINANCE_SECRET_KEY: exchange.secret,
    BINANCE_BASE_URL: exchange.url,
  };
}

/** Runs `futures-ledger sync ...args` in `dir` against `exchange`. */
export function syncWith(
  exchange: FakeExchange,
  dir: string,
  ...args: string[]
): Promise<CliResult> {
  return runCli({ cwd: dir, env: exchangeEnv(exchange) }, "sync", ...args);
}

/**
 * The files a sync writes, by name, with their text (absent ones left out). In state.json the
 * time Binance's positions were last checked is blanked: it is the one value that differs
 * between two syncs of the same data.
 */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (
    const name of [
      "futures_fills.csv",
      "futures_income.csv",
      "futures_positions.csv",
      "state.json",
      "futures_fee_prices.csv",
      "futures_fee_conversions.csv",
    ]
  ) {
    try {
      files[name] = await Deno.readTextFile(`${dir}/${name}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  if (files["state.json"] !== undefined) {
    files["state.json"] = files["state.json"].replace(/("positions_checked_ms": )\d+/g, "$1…");
  }
  return files;
}

/** The fills file a sync should write for the account's trades at or after `since`. */
export function expectedFillsCsv(account: GeneratedAccount, since = 0): string {
  const fills = account.trades.filter((t) => t.time >= since)
    .map((t) => fillFromTrade(t, account.market))
    .sort(compareFillsByTime);
  return csvLine(FILL_COLUMNS) + fills.map(fillLine).join("");
}

/** A fresh temporary directory, removed by `await using`. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "futures-ledger-test-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
