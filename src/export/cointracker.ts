/**
 * CoinTracker's CSV import: one row per entry.
 *
 * From CoinTracker's own pages (checked 2026):
 * - "The headers must match the template exactly. All columns must be included. Do not delete
 *   or add columns": `Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee
 *   Amount,Fee Currency,Tag`; dates `MM/DD/YYYY HH:MM:SS`, UTC
 *   (https://support.cointracker.io/hc/en-us/articles/4413071299729-Convert-your-transaction-history-to-CoinTracker-CSV).
 * - Tags: `margin gain` ("a gain associated with a margin trade"), `margin loss`, `margin fee`
 *   and `margin rebate` ("a rebate to adjust margin fees")
 *   (https://support.cointracker.io/hc/en-us/articles/4413049710225-Transaction-category-definitions);
 *   "For a loss, enter the amount on the left side [sent] ... Mark as Margin Loss. For a gain,
 *   enter the amount on the right side [received] ... Mark as Margin Gain", which counts them in
 *   the tax center's "Net Futures Gains and Margin Fees"
 *   (https://support.cointracker.io/hc/en-us/articles/7669523199249-How-to-Enter-Margin-Trading-Transactions-Manually).
 *   Realized P&L and funding are margin gains and losses, a commission a margin fee, a
 *   negative commission (maker rebate) a margin rebate.
 * - The template has no transaction id nor description column, and none may be added: a row
 *   holds only what identifies the movement in CoinTracker's eyes (time, amount, asset, tag),
 *   the same on every export.
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { ExportEntry } from "./entries.ts";
import { amountText, utcParts } from "./text.ts";

/** The header row, byte for byte. */
export const COINTRACKER_HEADER: readonly string[] = [
  "Date",
  "Received Quantity",
  "Received Currency",
  "Sent Quantity",
  "Sent Currency",
  "Fee Amount",
  "Fee Currency",
  "Tag",
];

/** CoinTracker's tag for an entry. */
export function coinTrackerTag(e: ExportEntry): string {
  const incoming = e.amount.sign() > 0;
  if (e.kind === "commission") return incoming ? "margin rebate" : "margin fee";
  return incoming ? "margin gain" : "margin loss";
}

/** One entry as CoinTracker's row fields. */
export function coinTrackerRow(e: ExportEntry): string[] {
  const t = utcParts(e.time);
  const incoming = e.amount.sign() > 0;
  const amount = amountText(e.amount);
  return [
    `${t.month}/${t.day}/${t.year} ${t.hour}:${t.minute}:${t.second}`,
    incoming ? amount : "",
    incoming ? e.asset : "",
    incoming ? "" : amount,
    incoming ? "" : e.asset,
    "",
    "",
    coinTrackerTag(e),
  ];
}

/** The whole file: header and one line per entry, LF line ends. */
export function coinTrackerCsv(entries: readonly ExportEntry[]): string {
  return csvLine(COINTRACKER_HEADER) + entries.map((e) => csvLine(coinTrackerRow(e))).join("");
}
