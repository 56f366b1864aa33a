/**
 * CoinTracking's CSV import: one row per entry.
 *
 * From CoinTracking's own pages (checked 2026):
 * - Closed derivatives trades are entered as their result: "Derivatives / Futures Profit"
 *   (incoming) and "Derivatives / Futures Loss" (outgoing)
 *   (https://cointracking.freshdesk.com/en/support/solutions/articles/29000042783-transaction-types,
 *   and the legacy list: "Once you close your trade, change its type to Derivatives / Futures
 *   Profit or Derivatives / Futures Loss",
 *   https://cointracking.freshdesk.com/en/support/solutions/articles/29000034379-expanded-transaction-types-legacy-).
 * - Fees of margin, derivatives and futures trading: "You can manually add fees using 'Other
 *   Fee' or 'Other Income'", and "A positive funding rate is treated as income. A negative
 *   funding rate is treated as a loss"
 *   (https://cointracking.freshdesk.com/en/support/solutions/articles/29000049593-fees-from-margin-derivatives-and-futures-trading-in-cointracking).
 *   So a commission is "Other Fee" (a maker rebate "Other Income"), funding received "Other
 *   Income" and funding paid "Other Fee" — not "Margin Fee", which the issue proposed: that type
 *   is for margin (borrowing) trades. The income history's other fees and rebates are the same:
 *   a liquidation clearance fee or position limit fee "Other Fee" ("Transaction-related fee"), a
 *   commission rebate, API rebate or fee return "Other Income" ("Miscellaneous earnings"), by
 *   the transaction types page above.
 * - Rewards: "Reward / Bonus: Received reward or bonus", an incoming type (the transaction types
 *   page above): a referral kickback, welcome bonus, contest reward or BFUSD reward.
 * - A delivery settlement (a quarterly contract's P&L at expiry) closes a futures trade:
 *   "Derivatives / Futures Profit" or "Loss", as a closed position's P&L.
 * - The columns are those of CoinTracking's CSV import, in this order; its pages stored here do
 *   not list them, so this follows the list. Dates are `YYYY-MM-DD HH:MM:SS`, UTC
 *   (choose UTC as the file's time zone when importing). `Tx-ID` carries the entry's stable id.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { ExportEntry } from "./entries.ts";
import { amountText, utcParts } from "./text.ts";

/** The header row, byte for byte. */
export const COINTRACKING_HEADER: readonly string[] = [
  "Type",
  "Buy Amount",
  "Buy Currency",
  "Sell Amount",
  "Sell Currency",
  "Fee",
  "Fee Currency",
  "Exchange",
  "Trade-Group",
  "Comment",
  "Date",
  "Tx-ID",
  "Buy Value in Account Currency",
  "Sell Value in Account Currency",
  "Liquidity pool",
];

/** The `Exchange` of every row. */
export const COINTRACKING_EXCHANGE = "Binance Futures";

/** CoinTracking's type for an entry. */
export function coinTrackingType(e: ExportEntry): string {
  const incoming = e.amount.sign() > 0;
  if (e.kind === "realized" || e.kind === "settlement") {
    return incoming ? "Derivatives / Futures Profit" : "Derivatives / Futures Loss";
  }
  if (e.kind === "reward") return "Reward / Bonus";
  return incoming ? "Other Income" : "Other Fee";
}

/** One entry as CoinTracking's row fields. */
export function coinTrackingRow(e: ExportEntry): string[] {
  const t = utcParts(e.time);
  const incoming = e.amount.sign() > 0;
  const amount = amountText(e.amount);
  return [
    coinTrackingType(e),
    incoming ? amount : "",
    incoming ? e.asset : "",
    incoming ? "" : amount,
    incoming ? "" : e.asset,
    "",
    "",
    COINTRACKING_EXCHANGE,
    e.symbol,
    e.description,
    `${t.date} ${t.hour}:${t.minute}:${t.second}`,
    e.id,
    "",
    "",
    "",
  ];
}

/** The whole file: header and one line per entry, LF line ends. */
export function coinTrackingCsv(entries: readonly ExportEntry[]): string {
  return csvLine(COINTRACKING_HEADER) + entries.map((e) => csvLine(coinTrackingRow(e))).join("");
}
