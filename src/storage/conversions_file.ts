/**
 * `futures_fee_conversions.csv`: every fill whose fee was charged in another asset than its
 * margin asset (BNB with the fee discount on), with the price it was converted at — the record
 * of the rates behind the positions' `commission_converted` (`src/ledger/fee_prices.ts`).
 *
 * Columns: `time,market,symbol,trade_id,commission,commission_asset,margin_asset,price_symbol,
 * price_minute,price,commission_converted`. `price` is the open of `price_symbol`'s 1-minute
 * kline starting at `price_minute`; `commission_converted` = `commission × price`, exact. Both
 * are empty when no price is known (the positions then leave `net_pnl` empty).
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { FeeConversion } from "../ledger/fee_prices.ts";
import { formatTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Column order of `futures_fee_conversions.csv`. */
export const CONVERSION_COLUMNS = [
  "time",
  "market",
  "symbol",
  "trade_id",
  "commission",
  "commission_asset",
  "margin_asset",
  "price_symbol",
  "price_minute",
  "price",
  "commission_converted",
] as const;

/** Replaces the conversions file atomically, one row per conversion in the given order. */
export async function writeConversionsFile(
  path: string,
  conversions: readonly FeeConversion[],
): Promise<void> {
  await writeFileAtomic(path, [
    csvLine(CONVERSION_COLUMNS),
    ...conversions.map(({ fill, priceSymbol, minute, price, converted }) =>
      csvLine([
        formatTime(fill.time),
        fill.market,
        fill.symbol,
        fill.id,
        fill.commission,
        fill.commissionAsset,
        fill.marginAsset,
        priceSymbol,
        formatTime(minute),
        price?.toString() ?? "",
        converted?.normalize().toString() ?? "",
      ])
    ),
  ]);
}
