/**
 * Funding fees: every 8 hours (00:00, 08:00, 16:00 UTC) each open position pays or receives
 * `position value × funding rate`; longs pay a positive rate.
 * https://www.binance.com/en/support/faq/introduction-to-binance-futures-funding-rates-360033525031
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { SymbolSpec } from "./catalog.ts";
import { minuteOpenTicks } from "./price_path.ts";
import { hash01 } from "./prng.ts";
import { fixed, type IncomeRow, units } from "./rows.ts";
import type { Book } from "./trader.ts";
import { type FundingStake, splitFundingAmong } from "./truth_funding.ts";

/** Interval between fundings, ms. */
export const FUNDING_MS = 8 * 3_600_000;

/** Base of funding `tranId`s: above 2^53, as on Binance. */
const FUNDING_TRAN_BASE = 4480321991774044580n;

/**
 * Funding rows for every funding time in `(from, to]`, for the books' current positions; the
 * truth takes each row, split among the open books by the documented rule.
 */
export function fundingRows(
  spec: SymbolSpec,
  books: readonly Book[],
  from: number,
  to: number,
): IncomeRow[] {
  const rows: IncomeRow[] = [];
  if (spec.contractType !== "PERPETUAL") return rows; // quarterlies pay no funding
  for (let f = Math.floor(from / FUNDING_MS) * FUNDING_MS + FUNDING_MS; f <= to; f += FUNDING_MS) {
    const slot = f / FUNDING_MS;
    const rate = new Decimal(Math.round((hash01(spec.index, slot, 3) - 0.3) * 40_000), 8);
    const mark = units(minuteOpenTicks(spec, f / 60_000), spec.priceDecimals);
    const stakes = books.map((b) => b.truth.stake).filter((s): s is FundingStake =>
      s !== undefined
    );
    books.forEach((book, i) => {
      const held = book.truth.signedSteps;
      if (held === 0 || rate.isZero()) return;
      const long = book.side === "BOTH" ? held > 0 : book.side === "LONG";
      const qty = units(Math.abs(held), spec.qtyDecimals);
      const paid = spec.market === "coinm"
        ? qty.times(new Decimal(spec.contractSize, 0)).times(rate).div(mark, 8)
        : qty.times(mark).times(rate).round(8);
      if (paid.isZero()) return;
      const income = long ? paid.neg() : paid;
      splitFundingAmong(stakes, income);
      rows.push({
        symbol: spec.symbol,
        incomeType: "FUNDING_FEE",
        income: fixed(income, 8),
        asset: spec.marginAsset,
        info: "FUNDING_FEE",
        time: f,
        tranId: String(
          FUNDING_TRAN_BASE + BigInt(spec.index) * 10_000_000_000n + BigInt(slot * 4 + i),
        ),
        tradeId: "",
      });
    });
  }
  return rows;
}
