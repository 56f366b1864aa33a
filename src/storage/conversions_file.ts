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
import type { LedgerFill } from "../fill.ts";
import { type FeeConversion, feeConversion, type FeePrices } from "../ledger/fee_prices.ts";
import { formatTime } from "../time.ts";
import { appendInPlace } from "./append_in_place.ts";
import { writeAtomicWith } from "./atomic_write.ts";
import { readIfExists } from "./data_file.ts";
import { streamLedgerFills } from "./fills_file.ts";

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

/** The conversions file's header line. */
export const CONVERSIONS_HEADER: string = csvLine(CONVERSION_COLUMNS);

/** One conversion as a line of the conversions file, with its line break. */
export function conversionLine(c: FeeConversion): string {
  const { fill, priceSymbol, minute, price, converted } = c;
  return csvLine([
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
  ]);
}

/**
 * Replaces the conversions file atomically with one row per fill of the fills file (in its
 * order) whose fee is in another asset, converted at `prices`: the fills are streamed.
 *
 * @throws {DataFileError} for a malformed fills file.
 */
export async function writeConversionsFromFills(
  path: string,
  fillsPath: string,
  prices: FeePrices,
): Promise<void> {
  await writeAtomicWith(path, async (write) => {
    write(CONVERSIONS_HEADER);
    await readIfExists(() =>
      streamLedgerFills(fillsPath, (fill) => {
        const conversion = feeConversion(fill, prices);
        if (conversion !== undefined) write(conversionLine(conversion));
      })
    );
  });
}

/** Appends the conversions of `fills` (the last rows of the fills file) to the file. */
export async function appendConversions(
  path: string,
  fills: readonly LedgerFill[],
  prices: FeePrices,
): Promise<void> {
  const lines = fills.flatMap((fill) => {
    const conversion = feeConversion(fill, prices);
    return conversion === undefined ? [] : [conversionLine(conversion)];
  });
  if (lines.length > 0) await appendInPlace(path, lines);
}
