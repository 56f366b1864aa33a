/**
 * Pairing archive trades with the API's fills, so that a fill present in both is counted once.
 * Pure.
 *
 * - A row with a trade id pairs with the API fill of the same market, symbol and id.
 * - A row without one pairs with an API fill of the same market, symbol, side, price and quantity
 *   (compared as numbers: `0.010` = `0.01`) whose time falls in the same interval of the
 *   archive's precision (to the second, for exports that print no milliseconds: the export
 *   truncates, `12:34:56.789` printing as `12:34:56`). Rows and fills that share all of this (the
 *   fills of one order at one price in one second) pair one to one in time order (fills by id,
 *   rows by line), so two identical rows take two fills, never one twice. Within such a group a
 *   row first pairs with a fill that also has its realized P&L and fee (two orders can fill the
 *   same quantity at the same price in one second, one closing and one opening, and the export's
 *   order within a second is not the API's), then with any.
 * - What is left of the archive is either older than the API's period (history only the archive
 *   has: `archiveOnly`) or inside it (`unmatchedInApiPeriod`: the API should have served it, so
 *   something is off, e.g. the time zone; a row whose interval straddles the period's start counts
 *   as inside).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { compareIds, type Market, type Side } from "../fill.ts";
import type { ArchiveTrade } from "./types.ts";

/** What the matcher needs of an API fill. */
export interface ApiFillLike {
  readonly market: Market;
  readonly symbol: string;
  readonly id: string;
  readonly time: number;
  readonly side: Side;
  readonly price: string;
  readonly qty: string;
  /** Used, when present, to pair identical-looking rows more exactly. */
  readonly realizedPnl?: string;
  /** Used, when present, as `realizedPnl` is. */
  readonly commission?: string;
}

/** The API's period and the archive's time precision. */
export interface MatchOptions {
  /** First ms the API fills cover (inclusive). */
  readonly apiFrom: number;
  /** Last ms the API fills cover (inclusive). */
  readonly apiTo: number;
  /** The archive's time precision, ms (default 1000: times printed to the second). */
  readonly precisionMs?: number;
}

/** How the archive rows fell out. */
export interface MatchResult<F extends ApiFillLike> {
  /** Archive rows and the API fill each is. */
  readonly matched: { readonly archive: ArchiveTrade; readonly api: F }[];
  /** Rows older (or newer) than the API's period, with no API fill: only the archive has them. */
  readonly archiveOnly: ArchiveTrade[];
  /** Rows inside the API's period with no API fill: to report. */
  readonly unmatchedInApiPeriod: ArchiveTrade[];
}

/**
 * Pairs `archive` rows with `api` fills (those of the same markets and symbols over
 * `[apiFrom, apiTo]`), one to one.
 *
 * @example
 * ```ts
 * import { matchArchiveTrades } from "./match.ts";
 * const base = { market: "usdm", symbol: "BTCUSDT", side: "BUY", price: "100", commission: "0",
 *   commissionAsset: "USDT", realizedPnl: "0", source: "a.csv" } as const;
 * const t = Date.UTC(2026, 0, 1, 12, 0, 0);
 * const r = matchArchiveTrades(
 *   [{ ...base, qty: "1", time: t, line: 2 }, { ...base, qty: "1", time: t, line: 3 }],
 *   [{ ...base, qty: "1.0", time: t + 420, id: "7" }, { ...base, qty: "1", time: t + 420, id: "8" }],
 *   { apiFrom: t - 1, apiTo: t + 1000 },
 * );
 * if (r.matched.map((m) => m.api.id).join() !== "7,8") throw new Error();
 * ```
 */
export function matchArchiveTrades<F extends ApiFillLike>(
  archive: readonly ArchiveTrade[],
  api: readonly F[],
  options: MatchOptions,
): MatchResult<F> {
  const precision = options.precisionMs ?? 1000;
  const byId = new Map<string, F>();
  for (const f of api) byId.set(`${f.market}|${f.symbol}|${f.id}`, f);
  const matched: { archive: ArchiveTrade; api: F }[] = [];
  const left: ArchiveTrade[] = [];
  const taken = new Set<F>();
  const withoutId = new Map<string, ArchiveTrade[]>();
  for (const row of archive) {
    if (row.id !== undefined) {
      const fill = byId.get(`${row.market}|${row.symbol}|${row.id}`);
      if (fill !== undefined && !taken.has(fill)) {
        taken.add(fill);
        matched.push({ archive: row, api: fill });
      } else left.push(row);
      continue;
    }
    push(withoutId, keyOf(row, precision, false), row);
  }
  for (const exact of [true, false]) {
    const rowsByKey = new Map<string, ArchiveTrade[]>();
    for (const rows of withoutId.values()) {
      for (const row of rows) push(rowsByKey, keyOf(row, precision, exact), row);
    }
    const fillsByKey = new Map<string, F[]>();
    for (const f of api) {
      if (taken.has(f)) continue;
      const key = keyOf(f, precision, exact);
      if (rowsByKey.has(key)) push(fillsByKey, key, f);
    }
    withoutId.clear();
    for (const [key, rows] of rowsByKey) {
      rows.sort((a, b) => a.time - b.time || a.line - b.line);
      const fills = (fillsByKey.get(key) ?? []).sort((a, b) =>
        a.time - b.time || compareIds(a.id, b.id)
      );
      rows.forEach((row, i) => {
        const fill = fills[i];
        if (fill !== undefined) {
          taken.add(fill);
          matched.push({ archive: row, api: fill });
        } else if (exact) push(withoutId, keyOf(row, precision, false), row);
        else left.push(row);
      });
    }
  }
  const archiveOnly: ArchiveTrade[] = [];
  const unmatchedInApiPeriod: ArchiveTrade[] = [];
  for (const row of left) {
    const inside = row.time + precision > options.apiFrom && row.time <= options.apiTo;
    (inside ? unmatchedInApiPeriod : archiveOnly).push(row);
  }
  return { matched, archiveOnly, unmatchedInApiPeriod };
}

/** What a row and a fill must share; `exact` adds the realized P&L and fee when both have them. */
function keyOf(t: ApiFillLike | ArchiveTrade, precision: number, exact: boolean): string {
  const base = `${t.market}|${t.symbol}|${Math.floor(t.time / precision)}|${t.side}|` +
    `${number(t.price)}|${number(t.qty)}`;
  if (!exact) return base;
  const { realizedPnl, commission } = t;
  return realizedPnl === undefined || commission === undefined
    ? base
    : `${base}|${number(realizedPnl)}|${number(commission)}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, [value]);
  else group.push(value);
}

function number(text: string): string {
  return Decimal.parse(text).normalize().toString();
}
