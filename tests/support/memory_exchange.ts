/**
 * Binance in memory, for running the real sync (`runSync`) in-process on a random history: a
 * {@linkcode SyncClient} that serves the history as Binance would at a chosen moment — fills up to
 * then, income up to then (a FUNDING_FEE record only once settled, a little after its time),
 * positions held then, 1-minute klines — with Binance's paging rules, and that can fail on one
 * symbol's trades like a dropped connection (no bulk download: those calls fail). {@linkcode syncInProcess} is the one place a test
 * calls `runSync`, so a change of its signature is adapted here.
 *
 * @module
 */

import type { UserTradesQuery } from "../../src/binance/queries.ts";
import type { IncomeRow, Kline, PositionRiskRow } from "../../src/binance/rows.ts";
import type { Fill, Market, PositionSide } from "../../src/fill.ts";
import type { IncomeRecord } from "../../src/income.ts";
import { runSync, type SyncClient, type SyncResult } from "../../src/sync.ts";
import { FUNDING_SETTLES_MS } from "./binance_history.ts";
import { positionsAt, tradeIncome } from "./binance_views.ts";
import { at } from "./indexed.ts";

/** Runs one sync of `market` into `dir` with `client`, as the `sync` command does. */
export function syncInProcess(
  dir: string,
  market: Market,
  client: SyncClient,
): Promise<SyncResult> {
  return runSync({ dir, market }, client);
}

/** What the exchange holds. */
export interface MemoryAccount {
  /** Every fill, any order. */
  readonly fills: readonly Fill[];
  /** The whole income history. */
  readonly income: readonly IncomeRecord[];
  /** What each book held before its first fill: `market|symbol|side` → signed quantity text. */
  readonly priors: ReadonlyMap<string, string>;
  /** Kline opens: `BNBUSDT|<minute ms>` → text. */
  readonly prices: ReadonlyMap<string, string>;
  /** Delivered contracts, `market|symbol` → delivery time: not listed in positions after it. */
  readonly deliveries?: ReadonlyMap<string, number>;
}

/**
 * An account of `fills` (any order) with their trade income (`tradeIncome`) and `income` besides,
 * nothing held before its fills, and the kline opens `prices`.
 */
export function accountOfFills(
  fills: readonly Fill[],
  income: readonly IncomeRecord[] = [],
  prices: ReadonlyMap<string, string> = new Map(),
): MemoryAccount {
  return { fills, income: [...tradeIncome(fills), ...income], priors: new Map(), prices };
}

/** A client's view, and what it was asked. */
export interface MemoryClient extends SyncClient {
  /** The symbols (or pairs) whose trades were asked for, in order. */
  readonly queried: string[];
}

/** Whether Binance shows an income record at `now`. */
export function settled(record: IncomeRecord, now: number): boolean {
  return record.time + (record.incomeType === "FUNDING_FEE" ? FUNDING_SETTLES_MS : 0) <= now;
}

const byId = (
  a: Fill,
  b: Fill,
) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/**
 * A client of `market` seeing `account` at `now`. With `failOn`, asking for that symbol's trades
 * throws (after the symbols before it were served), as a network failure would.
 */
export function memoryClient(
  account: MemoryAccount,
  market: Market,
  now: number,
  failOn?: string,
): MemoryClient {
  const queried: string[] = [];
  const fills = account.fills.filter((f) => f.market === market && f.time <= now);
  return {
    queried,
    serverTime: () => Promise.resolve(now),
    exchangeInfo: () => Promise.resolve({}),
    positionRisk(): Promise<PositionRiskRow[]> {
      const held = positionsAt(account.fills, account.priors, market, now, account.deliveries);
      const rows = [...held].map(
        ([key, amount]) => {
          const parts = key.split("|"); // symbol|side
          return {
            symbol: at(parts, 0),
            positionSide: parts[1] as PositionSide,
            positionAmt: amount,
            entryPrice: "0",
            unRealizedProfit: "0",
            updateTime: now,
          };
        },
      );
      return Promise.resolve(rows);
    },
    userTrades(query: UserTradesQuery): Promise<Fill[]> {
      const name = query.symbol ?? query.pair!;
      queried.push(name);
      if (failOn !== undefined && name === failOn) {
        return Promise.reject(new TypeError("stub: connection reset"));
      }
      const limit = query.limit ?? 500;
      const mine = fills.filter((f) =>
        query.symbol !== undefined
          ? f.symbol === query.symbol
          : f.symbol.split("_")[0] === query.pair
      ).sort(byId);
      const page = query.fromId !== undefined
        ? mine.filter((f) => BigInt(f.id) >= BigInt(query.fromId!))
        : mine.filter((f) => f.time >= query.startTime! && f.time <= query.endTime!);
      return Promise.resolve(page.slice(0, limit));
    },
    income(query): Promise<IncomeRow[]> {
      const rows = account.income
        .filter((r) =>
          r.market === market && settled(r, now) &&
          (query.startTime === undefined || r.time >= query.startTime) &&
          (query.endTime === undefined || r.time <= query.endTime) &&
          (query.incomeType === undefined || r.incomeType === query.incomeType) &&
          (query.symbol === undefined || r.symbol === query.symbol)
        )
        .sort((a, b) =>
          a.time - b.time ||
          (a.incomeType < b.incomeType ? -1 : a.incomeType > b.incomeType ? 1 : 0) ||
          (BigInt(a.tranId) < BigInt(b.tranId) ? -1 : BigInt(a.tranId) > BigInt(b.tranId) ? 1 : 0)
        )
        .slice(0, query.limit ?? 100)
        .map(({ market: _, ...row }) => row);
      return Promise.resolve(rows);
    },
    klines(query): Promise<Kline[]> {
      const klines: Kline[] = [];
      for (let minute = query.startTime!; minute <= query.endTime!; minute += 60_000) {
        const open = account.prices.get(`${query.symbol}|${minute}`);
        if (open === undefined || minute > now) continue;
        klines.push({
          openTime: minute,
          open,
          high: open,
          low: open,
          close: open,
          volume: "1",
          closeTime: minute + 59_999,
        });
      }
      return Promise.resolve(klines);
    },
    positionSideDual: () => Promise.resolve(false),
    requestDownload: () => Promise.reject(new Error("no bulk download in memory")),
    downloadLink: () => Promise.reject(new Error("no bulk download in memory")),
    fetchDownload: () => Promise.reject(new Error("no bulk download in memory")),
  };
}
