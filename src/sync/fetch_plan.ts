/**
 * Fetching the fills of every planned symbol: after its watermark by `fromId`, or from a date in
 * time windows — on COIN-M by pair where that is no dearer (`fetch_pair.ts`).
 *
 * @module
 */

import type { Fill, Market } from "../fill.ts";
import type { SymbolWatermark } from "../storage/state_file.ts";
import type { SymbolPlan } from "./discovery.ts";
import { fetchFillsAfter, fetchFillsFrom, type TradesSource } from "./fetch_fills.ts";
import { fetchPairFrom, pairOf, pairWalks } from "./fetch_pair.ts";
import type { SyncEventHandler } from "./progress_events.ts";

/** A new symbol's walk starts this long before its first income record (funding is 8-hourly). */
const EVIDENCE_MARGIN_MS = 86_400_000;

/** Where and how far to fetch. */
export interface FetchScope {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** `--from`, ms. */
  readonly from: number | undefined;
  /** Each known symbol's watermark. */
  readonly watermarks: Readonly<Record<string, SymbolWatermark>>;
  /** The oldest time Binance serves, ms. */
  readonly horizon: number;
  /** The exchange's time now, ms. */
  readonly now: number;
}

/** The fills fetched, and the error that stopped fetching (what came before it is kept). */
export interface PlanFetch {
  /** Every fill fetched, any order. */
  readonly fills: Fill[];
  /** The first failure (the remaining symbols were not fetched), if any. */
  readonly failure: { readonly symbol: string; readonly error: unknown } | undefined;
}

/**
 * Fetches every symbol of `plan`, in order; tells `onEvent` when it starts (`fills-start`), as
 * each symbol (or pair) starts and as each page arrives.
 */
export async function fetchPlan(
  source: TradesSource,
  plan: readonly SymbolPlan[],
  scope: FetchScope,
  onEvent: SyncEventHandler = () => {},
): Promise<PlanFetch> {
  onEvent({ kind: "fills-start", symbols: plan.map((item) => item.symbol) });
  const fills: Fill[] = [];
  // `from` is where a symbol's walk starts, unless its fills in the files end earlier: never
  // later than where they end, or what lies between would never be fetched.
  const startOf = (item: SymbolPlan) => {
    const end = scope.watermarks[item.symbol]?.last_trade_time_ms;
    const from = scope.from === undefined || end === undefined
      ? scope.from
      : Math.min(scope.from, end);
    return Math.max(
      scope.horizon,
      from ?? item.walkFrom ?? (item.firstEvidence ?? -Infinity) - EVIDENCE_MARGIN_MS,
    );
  };
  const walks = (item: SymbolPlan) =>
    scope.from !== undefined || item.walkFrom !== undefined ||
    scope.watermarks[item.symbol] === undefined;
  const walked = plan.filter(walks);
  const pairs = scope.market === "coinm"
    ? pairWalks(walked.map((item) => item.symbol))
    : new Map<string, string[]>();
  const done = new Set<string>();
  for (const [index, item] of plan.entries()) {
    if (done.has(item.symbol)) continue;
    // A symbol that goes on from its last trade id is fetched from it, never by its pair's walk,
    // which covers only the walked symbols' time.
    const pair = walks(item) ? pairs.get(pairOf(item.symbol)) : undefined;
    const label = pair === undefined ? item.symbol : pairOf(item.symbol);
    onEvent({ kind: "symbol", index, symbol: label });
    const onPage = (fills: number) => onEvent({ kind: "page", symbol: label, fills });
    try {
      const last = scope.watermarks[item.symbol]?.last_trade_id;
      if (pair !== undefined) {
        const start = Math.min(...walked.filter((w) => pair.includes(w.symbol)).map(startOf));
        const found = await fetchPairFrom(source, pairOf(item.symbol), start, scope.now, onPage);
        pairs.delete(pairOf(item.symbol));
        if (found !== undefined) {
          fills.push(...found);
          for (const symbol of pair) done.add(symbol);
          continue;
        }
      }
      if (!walks(item) && last !== undefined) {
        fills.push(...await fetchFillsAfter(source, item.symbol, last, onPage));
      } else {
        fills.push(...await fetchFillsFrom(source, item.symbol, startOf(item), scope.now, onPage));
      }
    } catch (error) {
      return { fills, failure: { symbol: item.symbol, error } };
    }
  }
  return { fills, failure: undefined };
}
