/**
 * Fetching the income history between two times, paged by time.
 *
 * Binance stopped accepting `page` on futures income on 2026-10-16
 * (https://github.com/sieblyio/binance/releases/tag/v3.6.8), so each next page starts at the time
 * of the previous page's last record (times are inclusive), and records seen twice at that edge
 * are dropped by `(incomeType, tranId)`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History
 *
 * @module
 */

import type { IncomeQuery } from "../binance/client.ts";
import type { IncomeRow } from "../binance/rows.ts";

/** What fetching income needs of the Binance client. */
export interface IncomeSource {
  /** One page of income history. */
  income(query: IncomeQuery): Promise<IncomeRow[]>;
}

const PAGE = 1000;
/** COIN-M refuses income windows over a year; USD-M keeps only three months anyway. */
const MAX_WINDOW_MS = 360 * 86_400_000;

/** Thrown when one millisecond holds more records than a page, which time paging cannot pass. */
export class IncomePagingError extends Error {
  constructor(time: number) {
    super(
      `more than ${PAGE} income records at ${new Date(time).toISOString()}: ` +
        "Binance's income history cannot be paged past them",
    );
    this.name = "IncomePagingError";
  }
}

/** Every income record with `startTime ≤ time ≤ endTime`, oldest first, each once. */
export async function fetchIncome(
  source: IncomeSource,
  startTime: number,
  endTime: number,
  onPage?: (records: number) => void,
): Promise<IncomeRow[]> {
  const rows: IncomeRow[] = [];
  const seen = new Set<string>();
  let start = startTime;
  while (start <= endTime) {
    const end = Math.min(start + MAX_WINDOW_MS, endTime);
    const page = await source.income({ startTime: start, endTime: end, limit: PAGE });
    onPage?.(page.length);
    for (const row of page) {
      const key = `${row.incomeType}|${row.tranId}`;
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(row);
      }
    }
    if (page.length < PAGE) {
      start = end + 1;
      continue;
    }
    const last = page[page.length - 1].time;
    if (last === start) throw new IncomePagingError(last);
    start = last;
  }
  return rows;
}
