/**
 * A minimal Binance over a list of fills, for tests of `runSync` that choose what fails: it answers
 * the sync's client calls (`SyncClient`) from a list of fills, with a COMMISSION income record per
 * fill with a fee, and klines from a function (no bulk download: those calls fail).
 *
 * @module
 */

import type { KlinesQuery, UserTradesQuery } from "../../src/binance/queries.ts";
import type { IncomeRow, Kline, PositionRiskRow } from "../../src/binance/rows.ts";
import { compareIds, type Fill } from "../../src/fill.ts";
import type { SyncClient } from "../../src/sync.ts";

/** A client over `fills`, at server time `now`. */
export function memoryExchange(
  fills: readonly Fill[],
  now: number,
  klines: (query: KlinesQuery) => Promise<Kline[]> = () => Promise.resolve([]),
): SyncClient {
  const byId = [...fills].sort((a, b) => compareIds(a.id, b.id));
  return {
    serverTime: () => Promise.resolve(now),
    exchangeInfo: () => Promise.resolve({}),
    positionRisk: () => Promise.resolve([] as PositionRiskRow[]),
    userTrades(q: UserTradesQuery): Promise<Fill[]> {
      const limit = q.limit ?? 500;
      const rows = byId.filter((f) =>
        f.symbol === q.symbol &&
        (q.fromId === undefined || compareIds(f.id, q.fromId) >= 0) &&
        (q.startTime === undefined || f.time >= q.startTime) &&
        (q.endTime === undefined || f.time <= q.endTime)
      );
      return Promise.resolve(rows.slice(0, limit));
    },
    income(q): Promise<IncomeRow[]> {
      const rows: IncomeRow[] = fills.filter((f) => /[1-9]/.test(f.commission)).map((f) => ({
        symbol: f.symbol,
        incomeType: "COMMISSION",
        income: `-${f.commission}`,
        asset: f.commissionAsset,
        info: "",
        time: f.time,
        tranId: `9${f.id}`,
        tradeId: f.id,
      })).filter((r) =>
        (q.startTime === undefined || r.time >= q.startTime) &&
        (q.endTime === undefined || r.time <= q.endTime)
      ).sort((a, b) => a.time - b.time);
      return Promise.resolve(rows.slice(0, q.limit ?? 100));
    },
    klines,
    positionSideDual: () => Promise.resolve(false),
    requestDownload: () => Promise.reject(new Error("no bulk download in memory")),
    downloadLink: () => Promise.reject(new Error("no bulk download in memory")),
    fetchDownload: () => Promise.reject(new Error("no bulk download in memory")),
  };
}
