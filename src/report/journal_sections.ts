/**
 * The journal part of an asset's section: P&L by hour of day and weekday, holding times of wins
 * and losses, and fees and funding against gross P&L. Amounts are rounded for reading and exact
 * on hover; bar lengths are floats, for the eye only.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import { amountHtml, escapeHtml } from "./format.ts";
import { percent, table } from "./html_parts.ts";
import { type Holding, type Journal, WEEKDAYS } from "./journal.ts";
import type { Tally } from "./stats.ts";

/** The journal tables of one margin asset. */
export function journalSection(asset: string, book: Journal): string {
  const name = escapeHtml(asset);
  const amount = (value: Decimal) => amountHtml(value, asset);
  const hours = tallyRows(book.byHour, (h) => `${String(h).padStart(2, "0")}:00`, amount);
  const weekdays = tallyRows(book.byWeekday, (d) => WEEKDAYS[d] ?? "", amount); // (7 tallies)
  const head = ["Round trips", "Win rate", `Net P&amp;L (${name})`, ""];
  const { costs } = book;
  const costRow = [
    amount(costs.gross),
    amount(costs.fees.neg()),
    percent(costs.feesPercent),
    costs.funding === undefined
      ? `<span class="muted">not in the file</span>`
      : amount(costs.funding),
    percent(costs.fundingPercent),
  ];
  const unconverted = costs.unconvertedFees === 0 ? "" : ` ${costs.unconvertedFees} round ` +
    `trip${costs.unconvertedFees === 1 ? " has" : "s have"} fees in another asset without a ` +
    "price: they are not in the fees.";
  return `<h3>By time of day and weekday (${name}, close time, UTC)</h3>
<div class="pair">
${table("by-hour", ["Hour", ...head], hours)}
${table("by-weekday", ["Weekday", ...head], weekdays)}
</div>
<h3>Holding time (${name})</h3>
${
    table("holding", ["", "Round trips", "Average", "Median", "Shortest", "Longest"], [
      ["Wins", ...holdingCells(book.holding.wins)],
      ["Losses", ...holdingCells(book.holding.losses)],
    ])
  }
<p class="hint">From the first fill to the closing fill. PARTIAL round trips are left out: they
opened before the data.</p>
<h3>Fees and funding against gross P&amp;L (${name})</h3>
${
    table("costs", [
      "Gross P&amp;L",
      "Fees",
      "Fees, % of gross",
      "Funding",
      "Funding, % of gross",
    ], [costRow])
  }
<p class="hint">Gross P&amp;L is Binance's realized P&amp;L of the round trips, before fees and
funding. Fees are the commissions, with fees paid in another asset converted
(<code>commission_converted</code>); funding is what the round trips were charged (−) or paid
(+). Percentages are of the gross P&amp;L's size, rounded half-even.${unconverted}</p>`;
}

function tallyRows(
  tallies: readonly Tally[],
  label: (i: number) => string,
  amount: (value: Decimal) => string,
): string[][] {
  const largest = Math.max(...tallies.map((t) => Math.abs(t.net.toNumber())), 0);
  return tallies.map((t, i) => {
    const width = largest === 0 ? 0 : Math.round((Math.abs(t.net.toNumber()) / largest) * 100);
    const tone = t.net.sign() < 0 ? "neg" : "pos";
    return [
      label(i),
      `${t.count}`,
      percent(t.winRate),
      t.count === 0 ? "" : amount(t.net),
      t.count === 0 ? "" : `<span class="bar ${tone}" style="width:${width}%"></span>`,
    ];
  });
}

function holdingCells(h: Holding): string[] {
  return [`${h.count}`, ...[h.average, h.median, h.shortest, h.longest].map(duration)];
}

/** A duration for people: `2d 03h`, `4h 05m`, `12m 30s`, `8.5s`; "—" for none. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  const pad = (n: number) => String(n).padStart(2, "0");
  const s = Math.floor(ms / 1000);
  const [d, h, m] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}
