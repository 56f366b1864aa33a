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
 *   negative commission (maker rebate) a margin rebate. So are the income history's other
 *   movements of the trading: a delivery settlement (P&L at expiry) a margin gain or loss; a
 *   liquidation clearance fee or position limit fee a `margin fee` ("a payment to execute a
 *   margin transaction"); a commission rebate, API rebate or fee return a `margin rebate` ("a
 *   fee refunded for a margin transaction (the opposite of a margin fee)",
 *   https://support.cointracker.io/hc/en-us/articles/4413049710225-Transaction-Tag-Definitions).
 * - Rewards (referral kickback, bonuses, contest and BFUSD rewards) are CoinTracker's "Other
 *   Income" category ("defines any other type of reward received", the tag definitions page
 *   above), but no page at hand gives that category's CSV tag: the receive tags documented for
 *   the template are `fork`, `airdrop`, `mined`, `payment`, `staked`
 *   (https://community.cointracker.io/t/convert-any-csv-into-the-cointracker-csv-format/553, as
 *   quoted in https://github.com/bryanlabs/cosmos-tax-cli/issues/232) and `staking` (the
 *   category definitions page above), none of them a bonus. Rather than guess a tag (which could
 *   fail the import, or file the reward as what it is not), a reward's row has an empty tag, a
 *   plain receive, and {@linkcode coinTrackerNote} tells the user to set those rows to Other
 *   Income after the import: "By default, receives are not treated as income"
 *   (https://support.cointracker.io/hc/en-us/articles/39618191804561-How-to-treat-all-Receive-transactions-as-income).
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

/** CoinTracker's tag for an entry: empty for a reward (see the module doc). */
export function coinTrackerTag(e: ExportEntry): string {
  const incoming = e.amount.sign() > 0;
  if (e.kind === "reward") return "";
  if (e.kind === "commission" || e.kind === "fee") return incoming ? "margin rebate" : "margin fee";
  return incoming ? "margin gain" : "margin loss";
}

/** What to do after the import, when some rows have no tag (rewards); else undefined. */
export function coinTrackerNote(entries: readonly ExportEntry[]): string | undefined {
  const untagged = entries.filter((e) => coinTrackerTag(e) === "").length;
  if (untagged === 0) return undefined;
  return `${untagged} reward row${untagged === 1 ? " has" : "s have"} no tag (CoinTracker ` +
    "documents no CSV tag for its Other Income category): after the import, set " +
    `${untagged === 1 ? "its" : "their"} category to Other Income, or CoinTracker counts ` +
    `${untagged === 1 ? "it" : "them"} as a plain receive, not as income`;
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
