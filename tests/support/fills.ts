/**
 * Terse fills for tests: only what a case is about, the rest defaulted.
 *
 * @module
 */

import type { Fill } from "../../src/fill.ts";

/** Builds a fill: `f(1, "BUY", "2", "100", { commission: "0.08" })`. Time: id seconds in 2025. */
export function f(
  id: number | string,
  side: "BUY" | "SELL",
  qty: string,
  price: string,
  extra: Partial<Fill> = {},
): Fill {
  return {
    market: "usdm",
    symbol: "BTCUSDT",
    id: String(id),
    orderId: String(Number(id) + 1000),
    time: Date.UTC(2025, 0, 1) + (Number(id) % 1e6) * 1000,
    side,
    positionSide: "BOTH",
    qty,
    price,
    commission: "0",
    commissionAsset: "USDT",
    realizedPnl: "0",
    marginAsset: "USDT",
    maker: false,
    quoteQty: "",
    baseQty: "",
    pair: "",
    source: "api",
    ...extra,
  };
}
