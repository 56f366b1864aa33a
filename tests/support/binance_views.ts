/**
 * What Binance shows of a history (`binance_history.ts`): the open positions at a moment
 * (`positionRisk`), and the income history with a record for each fee and each realized P&L.
 *
 * @module
 */

import Big from "big.js";
import type { Fill, Market } from "../../src/fill.ts";
import type { IncomeRecord } from "../../src/income.ts";
import type { History } from "./binance_history.ts";
import { at } from "./indexed.ts";

/**
 * Binance's open positions of `market` at `time` (`positionRisk`): `SYMBOL|positionSide` → signed
 * amount text (a short negative), non-zero ones only; `priors`: `market|symbol|side` → what the
 * book held before its first fill; `deliveries`: `market|symbol` → the time its contract was
 * delivered, after which Binance no longer lists it (its positions were settled, `settlement.ts`).
 */
export function positionsAt(
  fills: readonly Fill[],
  priors: ReadonlyMap<string, string>,
  market: Market,
  time: number,
  deliveries: ReadonlyMap<string, number> = new Map(),
): Map<string, string> {
  const gone = (symbol: string) => (deliveries.get(`${market}|${symbol}`) ?? Infinity) <= time;
  const sums = new Map<string, Big>();
  for (const [key, held] of priors) {
    const parts = key.split("|"); // market|symbol|side
    const [m, , side] = parts;
    const symbol = at(parts, 1);
    if (m !== market || gone(symbol)) continue;
    sums.set(`${symbol}|${side}`, new Big(held));
  }
  for (const f of fills) {
    if (f.market !== market || f.time > time || gone(f.symbol)) continue;
    const key = `${f.symbol}|${f.positionSide}`;
    const up = f.positionSide === "SHORT" ? f.side === "SELL" : f.side === "BUY";
    sums.set(key, (sums.get(key) ?? new Big(0)).plus(up ? f.qty : `-${f.qty}`));
  }
  const amounts = new Map<string, string>();
  for (const [key, sum] of sums) {
    if (sum.eq(0)) continue;
    amounts.set(key, (key.endsWith("|SHORT") ? sum.neg() : sum).toFixed());
  }
  return amounts;
}

/**
 * The income history Binance would show for a history: trade income, funding, settlements,
 * transfers.
 */
export function incomeOf(history: History): IncomeRecord[] {
  return [
    ...history.transfers,
    ...history.funding,
    ...history.settlements,
    ...tradeIncome(history.fills),
  ];
}

/** The COMMISSION record of each fill with a fee, the REALIZED_PNL of each that realized P&L. */
export function tradeIncome(fills: readonly Fill[]): IncomeRecord[] {
  const records: IncomeRecord[] = [];
  fills.forEach((f, i) => {
    // COMMISSION and REALIZED_PNL of one fill share a tranId: ids are unique only within a type.
    const tranId = String(660_000_000_000 + i);
    if (!new Big(f.commission).eq(0)) {
      records.push({
        market: f.market,
        time: f.time,
        symbol: f.symbol,
        incomeType: "COMMISSION",
        income: new Big(f.commission).neg().toFixed(),
        asset: f.commissionAsset,
        info: "",
        tranId,
        tradeId: f.id,
      });
    }
    if (!new Big(f.realizedPnl).eq(0)) {
      records.push({
        market: f.market,
        time: f.time,
        symbol: f.symbol,
        incomeType: "REALIZED_PNL",
        income: f.realizedPnl,
        asset: f.marginAsset,
        info: "",
        tranId,
        tradeId: f.id,
      });
    }
  });
  return records;
}
