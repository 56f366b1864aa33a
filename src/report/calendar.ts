/**
 * The P&L calendar of one margin asset: a table by month and year (the tax year at a glance)
 * and a grid of days for every month from the first round trip's to the last one's. Each figure
 * is the net P&L of the round trips **closed** that day or month (UTC), rounded for reading,
 * exact on hover.
 *
 * @module
 */

import { amountHtml, escapeHtml } from "./format.ts";
import type { Bucket, Journal } from "./journal.ts";
import { WEEKDAYS } from "./journal.ts";
import { table } from "./html_parts.ts";

const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

/** The calendar part of an asset's section. */
export function calendarSection(asset: string, book: Journal): string {
  const [firstMonth] = book.months;
  const lastMonth = book.months.at(-1);
  // (a round trip closed on a day closed in a month: there are months whenever there are days)
  if (book.days.length === 0 || firstMonth === undefined || lastMonth === undefined) return "";
  const name = escapeHtml(asset);
  const months = new Map(book.months.map((m) => [m.key, m]));
  const rows = book.years.map((year) => [
    year.key,
    ...MONTHS.map((_, i) => {
      const month = months.get(`${year.key}-${String(i + 1).padStart(2, "0")}`);
      return month === undefined ? "" : amountHtml(month.net, asset);
    }),
    `<strong>${amountHtml(year.net, asset)}</strong>`,
  ]);
  return `<h3>P&amp;L calendar (${name}, by close date, UTC)</h3>
${table("months", ["Year", ...MONTHS, "Total"], rows)}
<div class="months">
${
    monthKeys(firstMonth.key, lastMonth.key).map((key) =>
      monthGrid(key, book.days, asset, months.get(key))
    ).join("\n")
  }
</div>`;
}

/** `YYYY-MM` keys from `first` to `last`, every month in between included. */
function monthKeys(first: string, last: string): string[] {
  const keys: string[] = [];
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  for (;;) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    keys.push(key);
    if (key >= last) return keys;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
}

/** One month as a grid of weeks, Monday first. */
function monthGrid(
  key: string,
  days: readonly Bucket[],
  asset: string,
  total: Bucket | undefined,
): string {
  const year = Number(key.slice(0, 4));
  const month = Number(key.slice(5, 7));
  const first = Date.UTC(year, month - 1, 1);
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (new Date(first).getUTCDay() + 6) % 7;
  const byDay = new Map(days.filter((d) => d.key.startsWith(key)).map((d) => [d.key, d]));
  const cells: string[] = Array.from({ length: lead }, () => "<td></td>");
  for (let day = 1; day <= length; day++) {
    const date = `${key}-${String(day).padStart(2, "0")}`;
    const bucket = byDay.get(date);
    if (bucket === undefined) {
      cells.push(`<td class="day"><span class="d">${day}</span></td>`);
      continue;
    }
    const tone = bucket.net.sign() > 0 ? " up" : bucket.net.sign() < 0 ? " down" : "";
    cells.push(
      `<td class="day${tone}" data-day="${date}" data-count="${bucket.count}">` +
        `<span class="d">${day}</span>${amountHtml(bucket.net, asset)}</td>`,
    );
  }
  while (cells.length % 7 !== 0) cells.push("<td></td>");
  const weeks: string[] = [];
  for (let i = 0; i < cells.length; i += 7) {
    weeks.push(`<tr>${cells.slice(i, i + 7).join("")}</tr>`);
  }
  const sum = total === undefined
    ? `<span class="muted">no round trip</span>`
    : amountHtml(total.net, asset);
  return `<table class="month" data-month="${key}"><caption>${MONTHS[month - 1]} ${year}: ` +
    `${sum}</caption><thead><tr>${WEEKDAYS.map((d) => `<th>${d}</th>`).join("")}</tr></thead>` +
    `<tbody>${weeks.join("")}</tbody></table>`;
}
