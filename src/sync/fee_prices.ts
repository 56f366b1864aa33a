/**
 * Fetching the prices that convert fees paid in another asset (`src/ledger/fee_prices.ts`): the
 * open of the 1-minute kline of each fill's minute, for the minutes the price cache lacks.
 *
 * Klines weigh by `limit` ([1, 100) → 1, [100, 500) → 2, [500, 1000] → 5, above → 10:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Kline-Candlestick-Data),
 * so the wanted minutes of a symbol are fetched in windows of at most 499 minutes, each asking
 * exactly for its span: a lone minute costs 1, a busy stretch of 499 minutes costs 2. A symbol
 * Binance does not know (-1121) is recorded as having no price, like a minute without a kline.
 *
 * @module
 */

import type { KlinesQuery } from "../binance/queries.ts";
import { BinanceApiError } from "../binance/errors.ts";
import type { Kline } from "../binance/rows.ts";
import { Decimal } from "../decimal.ts";
import type { LedgerFill } from "../fill.ts";
import { minuteOf, needsConversion, priceSymbol } from "../ledger/fee_prices.ts";
import { type PriceEntry, priceKey } from "../storage/prices_file.ts";
import type { SyncEventHandler } from "./progress_events.ts";

/** What fetching prices needs of the Binance client. */
export interface KlinesSource {
  /** Candles, oldest first. */
  klines(query: KlinesQuery): Promise<Kline[]>;
}

const MINUTE_MS = 60_000;
/** The widest window fetched at weight 2. */
const WINDOW_MINUTES = 499;
const INVALID_SYMBOL = -1121;

/** The minutes (open times, ascending) whose price the fills need and `cached` lacks, by symbol. */
export function wantedMinutes(
  fills: Iterable<LedgerFill>,
  cached: ReadonlySet<string>,
): Map<string, number[]> {
  const wanted = new Map<string, Set<number>>();
  for (const fill of fills) {
    if (!needsConversion(fill)) continue;
    const symbol = priceSymbol(fill.commissionAsset, fill.marginAsset);
    const minute = minuteOf(fill.time);
    if (cached.has(priceKey(symbol, minute))) continue;
    let minutes = wanted.get(symbol);
    if (minutes === undefined) wanted.set(symbol, minutes = new Set());
    minutes.add(minute);
  }
  return new Map(
    [...wanted].map(([symbol, minutes]) => [symbol, [...minutes].sort((a, b) => a - b)]),
  );
}

/**
 * Fetches every wanted minute, appending one entry per minute to `into` as each window arrives
 * (so what was fetched before a failure is kept). Tells `onEvent` when it starts
 * (`prices-start`) and the minutes of each window fetched (`prices-page`).
 *
 * @throws what the client throws, except Binance's "invalid symbol".
 */
export async function fetchPrices(
  source: KlinesSource,
  wanted: ReadonlyMap<string, readonly number[]>,
  into: PriceEntry[],
  onEvent: SyncEventHandler = () => {},
): Promise<void> {
  const minutes = [...wanted.values()].reduce((sum, list) => sum + list.length, 0);
  onEvent({ kind: "prices-start", minutes, symbols: [...wanted.keys()] });
  for (const [symbol, minutes] of wanted) {
    for (const { first, last, inWindow } of windowsOf(minutes)) {
      const opens = new Map<number, string>();
      try {
        const klines = await source.klines({
          symbol,
          interval: "1m",
          startTime: first,
          endTime: last + MINUTE_MS - 1,
          limit: (last - first) / MINUTE_MS + 1,
        });
        for (const k of klines) opens.set(k.openTime, k.open);
      } catch (error) {
        if (!(error instanceof BinanceApiError && error.code === INVALID_SYMBOL)) throw error;
      }
      for (const minute of inWindow) {
        const open = opens.get(minute);
        into.push({ symbol, minute, open: open === undefined ? undefined : Decimal.parse(open) });
      }
      onEvent({ kind: "prices-page", minutes: inWindow.length });
    }
  }
}

/** Minutes fetched in one request: from `first` to `last`, under WINDOW_MINUTES apart. */
interface PriceWindow {
  first: number;
  last: number;
  /** The minutes wanted in it, ascending. */
  readonly inWindow: number[];
}

/** `minutes` (ascending) cut into windows, each from a minute to those before WINDOW_MINUTES on. */
function windowsOf(minutes: readonly number[]): PriceWindow[] {
  const windows: PriceWindow[] = [];
  for (const minute of minutes) {
    const window = windows.at(-1);
    if (window !== undefined && minute < window.first + WINDOW_MINUTES * MINUTE_MS) {
      window.last = minute;
      window.inWindow.push(minute);
    } else windows.push({ first: minute, last: minute, inWindow: [minute] });
  }
  return windows;
}
