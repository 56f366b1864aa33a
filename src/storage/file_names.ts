/**
 * The files futures-ledger keeps in its output directory.
 *
 * @module
 */

/** The file names, by role. */
export const FILES = {
  /** Every fill, once. */
  fills: "futures_fills.csv",
  /** The income history. */
  income: "futures_income.csv",
  /** Positions rebuilt from the fills. */
  positions: "futures_positions.csv",
  /** Watermarks and Binance's positions at the last sync. */
  state: "state.json",
  /** Price cache of fee conversion (a cache: never needs committing or backing up). */
  prices: "futures_fee_prices.csv",
  /** Each fee paid in another asset, with the price it was converted at. */
  conversions: "futures_fee_conversions.csv",
  /** A directory: Binance's bulk downloads (zips), each kept until its rows are merged. */
  downloads: "futures_downloads",
} as const;
