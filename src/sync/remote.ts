/**
 * A sync's second stage: what is new on Binance. The income history since the last record (and a
 * little before: records can arrive late), Binance's open positions, the symbols that show new
 * activity (`discovery.ts`), their fills (`fetch_plan.ts`) and the prices their fees in other
 * assets need (`fee_prices.ts`). Nothing is written here.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { join } from "node:path";
import type { PositionRiskRow } from "../binance/rows.ts";
import type { DownloadHistory } from "../storage/download_records.ts";
import type { Fill, LedgerFill, Market } from "../fill.ts";
import { incomeKey, type IncomeRecord } from "../income.ts";
import { readIfExists } from "../storage/data_file.ts";
import { FILES } from "../storage/file_names.ts";
import { streamLedgerFills } from "../storage/fills_file.ts";
import { incomeTail } from "../storage/income_file.ts";
import { type PriceEntry, priceKey, readPricesFile } from "../storage/prices_file.ts";
import { planSymbols, type PositionMap, type SymbolPlan } from "./discovery.ts";
import { fetchPrices, type KlinesSource, wantedMinutes } from "./fee_prices.ts";
import type { TradesSource } from "./fetch_fills.ts";
import { fetchIncome, type IncomeSource } from "./fetch_income.ts";
import { fetchPlan } from "./fetch_plan.ts";
import type { LocalState } from "./local.ts";
import { exchangePositions } from "./positions_map.ts";
import type { SyncEvent, SyncEventHandler } from "./progress_events.ts";
import type { DownloadSource } from "./download_fetch.ts";
import type { SyncClock } from "./downloads.ts";

const log = getLogger(["futures-ledger", "sync"]);

/**
 * How far back Binance serves fills and income: 3 months (userTrades since the change log of
 * 2026-08-26; USD-M income always), taken as 92 days so no served day is skipped.
 */
export const HORIZON_MS = 92 * 86_400_000;
/**
 * Income records can become visible after later ones (funding is settled in a batch, minutes
 * after its timestamp), so each sync reads the income history again from this long before the
 * newest record it has (an hour: funding settles within minutes; more would cost an extra page
 * on busy accounts), and keeps each record once.
 */
const INCOME_OVERLAP_MS = 3_600_000;

/** What the sync needs of the Binance client. */
export interface SyncClient extends TradesSource, IncomeSource, KlinesSource, DownloadSource {
  /** The exchange's clock, ms. */
  serverTime(): Promise<number>;
  /** Symbols and rate limits (the client adopts the request-weight limit it states). */
  exchangeInfo(): Promise<unknown>;
  /** Open positions. */
  positionRisk(): Promise<PositionRiskRow[]>;
  /** Whether the account is in hedge mode (for downloaded fills that do not say their side). */
  positionSideDual(): Promise<boolean>;
}

/** What to fetch. */
export interface FetchOptions {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** `--from`: walk every symbol's fills from this time (ms) rather than from its watermark. */
  readonly from?: number;
  /** `--symbols`: query exactly these. */
  readonly symbols?: readonly string[];
}

/** What came from Binance. */
export interface Fetched {
  /** Binance's clock when the sync began, ms. */
  readonly now: number;
  /** The symbols queried and why. */
  readonly plan: readonly SymbolPlan[];
  /**
   * Whether only the symbols asked for were queried (`--symbols`), not every one the income
   * history and Binance's positions point to.
   */
  readonly onlyAsked: boolean;
  /** The fills fetched (some may be in the file already). */
  readonly fills: Fill[];
  /** The symbol whose fetch failed and why (the fills before it are kept), if one did. */
  readonly failure: { readonly symbol: string; readonly error: unknown } | undefined;
  /** The income records fetched that the file does not have. */
  readonly income: IncomeRecord[];
  /** Binance's open positions now. */
  readonly onExchange: PositionMap;
  /** The prices fetched for fees in other assets. */
  readonly prices: PriceEntry[];
  /** The price fetch's failure (what was fetched before it is kept), if any. */
  readonly pricesFailure: unknown;
  /** The bulk downloads' fills to add (their fees' prices are in `prices`). */
  readonly archiveFills?: readonly Fill[];
  /** The bulk downloads' income records to add. */
  readonly archiveIncome?: readonly IncomeRecord[];
  /** The market's bulk downloads as they stand once the rows are written. */
  readonly history?: DownloadHistory;
}

/**
 * Fetches what is new for `local` up to `clock.now`, from `clock.horizon` at the oldest
 * (`reprice`: symbols whose fees still need prices). Call the client's `exchangeInfo` first: its
 * weight limit paces every request.
 */
export async function fetchRemote(
  client: SyncClient,
  local: LocalState,
  reprice: readonly string[],
  options: FetchOptions,
  clock: SyncClock,
  onEvent: (event: SyncEvent) => void,
): Promise<Fetched> {
  const { market } = options;
  const { now, horizon } = clock;
  const watermark = local.marks?.income_time_ms;
  // From where the last sync ended, or `--from` if that is earlier (never later: what lies
  // between would never be read); the horizon at the oldest.
  const starts = [
    options.from,
    watermark === null || watermark === undefined ? undefined : watermark - INCOME_OVERLAP_MS,
  ].filter((time) => time !== undefined);
  const incomeFrom = Math.max(horizon, starts.length === 0 ? horizon : Math.min(...starts));
  const { rows, gaps } = await fetchIncome(
    client,
    { market, from: incomeFrom, to: now, known: local.known },
    onEvent,
  );
  for (const gap of gaps) {
    log.warn(
      "income history: {gap}; Binance lists only the first 1000, so {file} may lack the rest " +
        "(the fills file is complete)",
      { gap, file: FILES.income },
    );
  }
  const income = rows.map((row) => ({ market, ...row }));
  const path = (name: keyof typeof FILES) => join(local.dir, FILES[name]);
  const known = new Set(
    (await readIfExists(() => incomeTail(path("income"), incomeFrom)) ?? []).map(incomeKey),
  );
  const newIncome = income.filter((r) => !known.has(incomeKey(r)));

  const onExchange = exchangePositions(await client.positionRisk());
  const checked = local.saved?.markets[market]?.positions_checked ?? {};
  const plan = planSymbols({
    known: local.known,
    income: newIncome,
    exchangePositions: onExchange,
    ledgerPositions: local.open,
    checkedPositions: new Map(Object.entries(checked)),
    walk: local.walk,
    only: options.symbols,
  });
  for (const { symbol, reason } of plan) log.debug("{symbol}: {reason}", { symbol, reason });
  const { fills, failure } = await fetchPlan(client, plan, {
    market,
    from: options.from,
    watermarks: local.marks?.symbols ?? {},
    horizon,
    now,
  }, onEvent);

  const { prices, pricesFailure } = await fetchFeePrices(
    client,
    local.dir,
    market,
    fills,
    reprice,
    onEvent,
  );
  return {
    now,
    plan,
    onlyAsked: options.symbols !== undefined,
    fills,
    failure,
    income: newIncome,
    onExchange,
    prices,
    pricesFailure,
  };
}

/**
 * The prices the fees of `fills` and of the `reprice` symbols' fills need and neither the price
 * cache nor `fetched` has; what was fetched before a failure, and the failure.
 */
export async function fetchFeePrices(
  client: KlinesSource,
  dir: string,
  market: Market,
  fills: readonly Fill[],
  reprice: readonly string[],
  onEvent: SyncEventHandler,
  fetched: readonly PriceEntry[] = [],
): Promise<{ prices: PriceEntry[]; pricesFailure: unknown }> {
  const needing: LedgerFill[] = fills.filter((f) => f.market === market);
  if (reprice.length > 0) {
    const again = new Set(reprice);
    await readIfExists(() =>
      streamLedgerFills(join(dir, FILES.fills), (fill) => {
        if (fill.market === market) needing.push(fill);
      }, (symbol) => again.has(symbol))
    );
  }
  if (!needing.some((f) => f.commissionAsset !== f.marginAsset)) {
    return { prices: [], pricesFailure: undefined };
  }
  const cached = new Set(
    [...(await readIfExists(() => readPricesFile(join(dir, FILES.prices))) ?? []), ...fetched]
      .map((e) => priceKey(e.symbol, e.minute)),
  );
  const wanted = wantedMinutes(needing, cached);
  const prices: PriceEntry[] = [];
  try {
    await fetchPrices(client, wanted, prices, onEvent);
  } catch (error) {
    return { prices, pricesFailure: error };
  }
  return { prices, pricesFailure: undefined };
}
