/**
 * The report's net for the period as `export` counts it, per asset, and the income records it
 * does not count (those the export leaves out with a warning). Text from the files is escaped;
 * every number is an exact decimal.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeEntryKind } from "../export/income_kinds.ts";
import { amountHtml, escapeHtml } from "./format.ts";
import { table } from "./html_parts.ts";
import type { PeriodTotals } from "./period_totals.ts";

/** The column heading of each kind of income entry, in the order of the columns. */
const INCOME_NAMES: Readonly<Record<IncomeEntryKind, string>> = {
  funding: "Funding",
  settlement: "Settlements",
  fee: "Fees and rebates",
  reward: "Rewards",
};

/** The kinds of income other than funding that `totals` has, in column order, with headings. */
export function otherIncomeColumns(
  totals: PeriodTotals | undefined,
): { readonly kind: IncomeEntryKind; readonly name: string }[] {
  const kinds = new Set(totals?.assets.flatMap((a) => [...a.income.keys()]));
  return (Object.keys(INCOME_NAMES) as IncomeEntryKind[])
    .filter((kind) => kind !== "funding" && kinds.has(kind))
    .map((kind) => ({ kind, name: INCOME_NAMES[kind] }));
}

/** The net for the period per asset and what is not counted; one line without the income file. */
export function periodTables(totals: PeriodTotals | undefined): string {
  if (totals === undefined) {
    return `<p class="muted" data-period-net="none">No net for the period: like
<code>export</code>, it needs the income file (sync writes it).</p>`;
  }
  const rows = totals.assets.map((a) => [
    escapeHtml(a.asset),
    amountHtml(a.realized, a.asset),
    amountHtml(a.commission, a.asset),
    amountHtml([...a.income.values()].reduce((s, d) => s.plus(d), Decimal.ZERO), a.asset),
    amountHtml(a.net, a.asset),
  ]);
  const head = ["Asset", "Realized P&amp;L", "Commissions", "Funding and other income", "Net"];
  return `<h3>Net for the period, as <code>export</code> counts it</h3>
<p class="note">The round trips closed in the period (realized P&amp;L before fees, and their
commissions, each fee in the asset it was paid in: BNB as BNB; an open position's commissions
count when it closes) and the funding and other income above. Per asset, the columns add up to
the net: the total <code>futures-ledger export</code> prints for the same period (it has no
<code>--symbols</code>). REALIZED_PNL and COMMISSION records are not counted again (the round
trips carry them), nor are transfers.</p>
${table("period-net", head, rows)}
${notCountedTable(totals)}`;
}

/** The income records in scope the export leaves out: in no total of the page, never hidden. */
function notCountedTable(totals: PeriodTotals): string {
  if (totals.notCounted.length === 0) return "";
  const count = totals.notCounted.reduce((n, l) => n + l.count, 0);
  const rows = totals.notCounted.map((l) => [
    escapeHtml(l.incomeType),
    `${l.count}`,
    [...l.sums].map(([asset, sum]) => `${amountHtml(sum, asset)} ${escapeHtml(asset)}`)
      .join(", "),
    escapeHtml(l.reason),
  ]);
  return `<h3>Not counted (${count} income record${count === 1 ? "" : "s"})</h3>
<p class="note">Income records of the period that <code>export</code> leaves out, with a
warning: they are in no figure above. Add them by hand if they are taxable.</p>
${table("not-counted", ["Type", "Records", "Sum", "Why"], rows)}`;
}
