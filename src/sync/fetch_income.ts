/**
 * Fetching the income history between two times, paged by time.
 *
 * Binance stopped accepting `page` on futures income on 2026-10-16
 * (https://github.com/sieblyio/binance/releases/tag/v3.6.8), so each next page starts at the time
 * of the previous page's last record (times are inclusive), and records seen twice at that edge
 * are dropped by `(incomeType, tranId)`. A millisecond that holds a full page by itself (one big
 * order's fills each leave a COMMISSION record) is fetched type by type, then, for a type that
 * fills a page, symbol by symbol: the symbols that page shows and every symbol the account is
 * known to trade, since a symbol whose records all lie past the first 1000 shows in no page. What
 * Binance still cannot return is reported as a gap, never skipped silently: over 1000 records of
 * one type and symbol, or of one type with records without a symbol, in one millisecond; and a
 * type Binance does not document in such a millisecond's first page (it cannot be asked for
 * alone). Left unseen, and said here only: records of a symbol the account never traded before
 * that lie past the first 1000 of a millisecond crowded by other records. Fills do not have this
 * limit (`fromId`).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History
 *
 * @module
 */

import type { IncomeQuery } from "../binance/queries.ts";
import type { Market } from "../fill.ts";
import { COINM_INCOME_TYPES, USDM_INCOME_TYPES } from "../income.ts";
import type { IncomeRow } from "../binance/rows.ts";
import type { SyncEventHandler } from "./progress_events.ts";

/** What fetching income needs of the Binance client. */
export interface IncomeSource {
  /** One page of income history. */
  income(query: IncomeQuery): Promise<IncomeRow[]>;
}

const PAGE = 1000;
/** COIN-M refuses income windows over a year; USD-M keeps only three months anyway. */
const MAX_WINDOW_MS = 360 * 86_400_000;

/** Binance's income types of each market, used to split a millisecond that holds a full page. */
const INCOME_TYPES: Readonly<Record<Market, readonly string[]>> = {
  usdm: USDM_INCOME_TYPES,
  coinm: COINM_INCOME_TYPES,
};

/** What to fetch. */
export interface IncomeWindow {
  /** `usdm` or `coinm` (the income types differ). */
  readonly market: Market;
  /** The first ms, inclusive. */
  readonly from: number;
  /** The last ms, inclusive. */
  readonly to: number;
  /** The symbols the account is known to trade, asked for one by one in a crowded millisecond. */
  readonly known: Iterable<string>;
}

/** The income records fetched, and what Binance could not return. */
export interface IncomeFetch {
  /** Every record fetched, oldest first, each once. */
  readonly rows: IncomeRow[];
  /** Descriptions of records Binance cannot page to (see the module doc). */
  readonly gaps: string[];
}

/**
 * Every income record of `window` (`from ≤ time ≤ to`), oldest first, each once. Tells `onEvent`
 * when it starts (`income-start`) and, after each page, the time read up to and the records kept
 * so far (`income-page`).
 */
export async function fetchIncome(
  source: IncomeSource,
  window: IncomeWindow,
  onEvent: SyncEventHandler = () => {},
): Promise<IncomeFetch> {
  const { from: startTime, to: endTime } = window;
  const rows: IncomeRow[] = [];
  const gaps: string[] = [];
  const seen = new Set<string>();
  onEvent({ kind: "income-start", from: startTime, to: endTime });
  const reached = (time: number) =>
    onEvent({ kind: "income-page", reached: time, records: rows.length });
  const keep = (page: readonly IncomeRow[]) => {
    for (const row of page) {
      const key = `${row.incomeType}|${row.tranId}`;
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(row);
      }
    }
  };
  let start = startTime;
  while (start <= endTime) {
    const end = Math.min(start + MAX_WINDOW_MS, endTime);
    const page = await source.income({ startTime: start, endTime: end, limit: PAGE });
    keep(page);
    const lastRow = page.at(-1);
    if (page.length < PAGE || lastRow === undefined) {
      reached(end);
      start = end + 1;
      continue;
    }
    const last = lastRow.time;
    reached(last);
    if (last > start) {
      start = last;
      continue;
    }
    await fetchMillisecond(source, last, page, window, keep, gaps);
    start = last + 1;
  }
  rows.sort((a, b) => a.time - b.time);
  return { rows, gaps };
}

/**
 * All records of millisecond `time` (`first`: its first full page), type by type, then, for a type
 * that fills a page, symbol by symbol (the page's symbols and the known ones).
 */
async function fetchMillisecond(
  source: IncomeSource,
  time: number,
  first: readonly IncomeRow[],
  { market, known }: IncomeWindow,
  keep: (page: readonly IncomeRow[]) => void,
  gaps: string[],
): Promise<void> {
  const at = { startTime: time, endTime: time, limit: PAGE };
  const when = new Date(time).toISOString();
  const types = INCOME_TYPES[market];
  for (const other of new Set(first.map((r) => r.incomeType))) {
    if (!types.includes(other)) {
      gaps.push(`${other} records at ${when}, a type Binance does not document`);
    }
  }
  for (const incomeType of types) {
    const page = await source.income({ ...at, incomeType });
    keep(page);
    if (page.length < PAGE) continue;
    if (page.some((r) => r.symbol === "")) {
      gaps.push(`${PAGE} or more ${incomeType} records at ${when}, some without a symbol`);
    }
    const symbols = new Set([...page.map((r) => r.symbol).filter((s) => s !== ""), ...known]);
    for (const symbol of symbols) {
      const bySymbol = await source.income({ ...at, incomeType, symbol });
      keep(bySymbol);
      if (bySymbol.length === PAGE) {
        gaps.push(`more than ${PAGE} ${incomeType} records of ${symbol} at ${when}`);
      }
    }
  }
}
