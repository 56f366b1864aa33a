/**
 * Income rows derived from fills — a COMMISSION row for every fill with a fee and a REALIZED_PNL
 * row for every fill that realized P&L, both with `tradeId` — plus monthly transfers. `tranId`
 * is unique only within an income type and exceeds 2^53.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { at } from "../support/indexed.ts";
import type { SymbolSpec } from "./catalog.ts";
import { Prng } from "./prng.ts";
import { compareDigits, type IncomeRow, type TradeRow } from "./rows.ts";

const TRADE_TRAN_BASE = 4480321991774044580n;
const NON_ZERO = /[1-9]/;

/** COMMISSION and REALIZED_PNL rows of `rows` (one symbol's fills) at or after `since`. */
export function tradeIncomeRows(
  spec: SymbolSpec,
  rows: readonly TradeRow[],
  since: number,
): IncomeRow[] {
  const out: IncomeRow[] = [];
  const base = TRADE_TRAN_BASE + BigInt(spec.index) * 100_000_000_000n;
  for (let i = firstAtOrAfter(rows, since); i < rows.length; i++) {
    const r = at(rows, i);
    const tranId = String(base + BigInt(r.id));
    if (NON_ZERO.test(r.realizedPnl)) {
      out.push({
        symbol: r.symbol,
        incomeType: "REALIZED_PNL",
        income: r.realizedPnl,
        asset: r.marginAsset,
        info: "REALIZED_PNL",
        time: r.time,
        tranId,
        tradeId: r.id,
      });
    }
    if (NON_ZERO.test(r.commission)) {
      out.push({
        symbol: r.symbol,
        incomeType: "COMMISSION",
        income: r.commission.startsWith("-") ? r.commission.slice(1) : "-" + r.commission,
        asset: r.commissionAsset,
        info: "COMMISSION",
        time: r.time,
        tranId,
        tradeId: r.id,
      });
    }
  }
  return out;
}

/** A deposit of margin every 30 days of `[start, end]` (USD-M: and BNB for fees at the start). */
export function transferRows(
  seed: number,
  market: Market,
  start: number,
  end: number,
): IncomeRow[] {
  const rng = new Prng(seed, 303);
  const asset = market === "usdm" ? "USDT" : "BTC";
  const rows: IncomeRow[] = [];
  let tranId = rng.int(1_000_000_000, 9_000_000_000);
  for (let t = start; t <= end; t += 30 * 86_400_000) {
    tranId += rng.int(1_000, 900_000);
    rows.push({
      symbol: "",
      incomeType: "TRANSFER",
      income: market === "usdm" ? `${rng.int(5, 50) * 100}.00000000` : "0.50000000",
      asset,
      info: "TRANSFER",
      time: t + rng.int(0, 3_600_000),
      tranId: String(tranId),
      tradeId: "",
    });
  }
  if (market === "usdm") {
    rows.push({ ...at(rows, 0), income: "5.00000000", asset: "BNB", tranId: String(tranId + 1) });
  }
  return rows;
}

/** Income order: time, then type, symbol and tranId (so equal histories print alike). */
export function compareIncome(a: IncomeRow, b: IncomeRow): number {
  return a.time - b.time ||
    (a.incomeType < b.incomeType ? -1 : a.incomeType > b.incomeType ? 1 : 0) ||
    (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) ||
    compareDigits(a.tranId, b.tranId);
}

/** Index of the first row whose time is at or after `time` (rows ascend by time). */
export function firstAtOrAfter(rows: readonly { readonly time: number }[], time: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(rows, mid).time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
