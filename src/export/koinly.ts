/**
 * Koinly's universal CSV: one row per entry, a gain as received, a loss or fee as sent.
 *
 * From Koinly's own pages (checked 2026):
 * - The columns of the universal template: `Date,Sent Amount,Sent Currency,Received Amount,
 *   Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,
 *   Description,TxHash`; dates "in Koinly format (YYYY-MM-DD 00:00 UTC)", always UTC
 *   (https://support.koinly.io/en/articles/9489976-how-to-create-a-custom-csv-file-with-your-data).
 * - Futures are imported as their P&L only: "If you are trying to add these transactions using a
 *   CSV file then simply use the 'realized gain' tag on all deposit/withdrawal rows that are
 *   related to pnl" — profits as deposits, losses as withdrawals
 *   (https://support.koinly.io/en/articles/9490027-futures-and-perpetuals-pnl-transactions).
 *   Funding payments are P&L between longs and shorts, so they carry it too.
 * - Withdrawals can be tagged "Margin Fee (only when importing via CSV)", an expense tag that
 *   still counts as a disposal; deposits can be tagged "Fee refund"
 *   (https://support.koinly.io/hc/en-us/articles/9917463555100-What-are-labels-tags-,
 *   https://support.koinly.io/en/articles/9490023-what-are-tags). A commission is a
 *   `margin fee`, a negative commission (maker rebate) a `fee refund`. The income history's other
 *   fees and rebates go the same way: a liquidation clearance fee (INSURANCE_CLEAR) or a position
 *   limit fee paid is a `margin fee`; a commission rebate, API rebate or fee return received a
 *   `fee refund` (a "cashback tag": it stays an acquisition).
 * - Rewards: deposits can be tagged "Reward (used for staking rewards, referral bonuses, etc.)",
 *   an income tag whose worth "will increase your income"
 *   (https://support.koinly.io/hc/en-us/articles/9917463555100-What-are-labels-tags-,
 *   https://support.koinly.io/en/articles/9490023-what-are-tags): a referral kickback, welcome
 *   bonus, contest reward or BFUSD reward is a `reward`.
 * - A delivery settlement (a quarterly contract's P&L at expiry) is P&L like a closed position's:
 *   `realized gain`.
 * - Koinly skips a row as a duplicate only when it is the same in every respect (date, amount,
 *   currency, transaction hash), so `TxHash` carries the entry's stable id and every other field
 *   is a function of the entry alone
 *   (https://support.koinly.io/en/articles/9789363-how-duplicate-detection-works-in-koinly).
 *
 * @module
 */

import { csvLine } from "../csv/format.ts";
import type { ExportEntry } from "./entries.ts";
import { amountText, utcParts } from "./text.ts";

/** The header row, byte for byte. */
export const KOINLY_HEADER: readonly string[] = [
  "Date",
  "Sent Amount",
  "Sent Currency",
  "Received Amount",
  "Received Currency",
  "Fee Amount",
  "Fee Currency",
  "Net Worth Amount",
  "Net Worth Currency",
  "Label",
  "Description",
  "TxHash",
];

/** Koinly's label for an entry. */
export function koinlyLabel(e: ExportEntry): string {
  if (e.kind === "reward") return "reward";
  if (e.kind !== "commission" && e.kind !== "fee") return "realized gain";
  return e.amount.sign() < 0 ? "margin fee" : "fee refund";
}

/** One entry as Koinly's row fields. */
export function koinlyRow(e: ExportEntry): string[] {
  const t = utcParts(e.time);
  const out = e.amount.sign() < 0;
  const amount = amountText(e.amount);
  return [
    `${t.date} ${t.hour}:${t.minute} UTC`,
    out ? amount : "",
    out ? e.asset : "",
    out ? "" : amount,
    out ? "" : e.asset,
    "",
    "",
    "",
    "",
    koinlyLabel(e),
    e.description,
    e.id,
  ];
}

/** The whole file: header and one line per entry, LF line ends. */
export function koinlyCsv(entries: readonly ExportEntry[]): string {
  return csvLine(KOINLY_HEADER) + entries.map((e) => csvLine(koinlyRow(e))).join("");
}
