/**
 * The report's HTML sections: one per margin asset, fees, funding and other income, and open
 * positions. Every text taken from the files is escaped; every number is an exact decimal.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { PositionRecord } from "../storage/positions_file.ts";
import { calendarSection } from "./calendar.ts";
import { amountHtml, escapeHtml, formatDecimal, formatUtc } from "./format.ts";
import { journal, type Streak } from "./journal.ts";
import { journalSection } from "./journal_sections.ts";
import { percent, stat, table } from "./html_parts.ts";
import { otherIncomeColumns, periodTables } from "./period_section.ts";
import { type AssetStats, type Extreme, RATIO_PLACES, type Tally } from "./stats.ts";
import type { FeesAndFunding } from "./totals.ts";

/**
 * The section of one margin asset: statistics, charts, tables and its journal; `index` ties it
 * to its chart data.
 */
export function assetSection(stats: AssetStats, index: number): string {
  const asset = escapeHtml(stats.asset);
  const t = stats.total;
  const amount = (value: Decimal) => amountHtml(value, stats.asset);
  const optional = (value: Decimal | undefined) => (value === undefined ? "—" : amount(value));
  const book = journal(stats.trips);
  const cards = [
    stat("net-pnl", "Net P&L", amount(t.net)),
    stat("round-trips", "Round trips", `${t.count}`),
    stat("win-rate", "Win rate", percent(t.winRate), `${t.wins} won, ${t.losses} lost`),
    stat(
      "profit-factor",
      "Profit factor",
      stats.profitFactor === undefined ? "—" : formatDecimal(stats.profitFactor, RATIO_PLACES),
      stats.profitFactor === undefined ? "no losing round trip" : "gross profit / gross loss",
    ),
    stat("average-win", "Average win", optional(stats.averageWin)),
    stat("average-loss", "Average loss", optional(stats.averageLoss)),
    stat("largest-win", "Largest win", optional(stats.largestWin?.net), where(stats.largestWin)),
    stat(
      "largest-loss",
      "Largest loss",
      optional(stats.largestLoss?.net),
      where(stats.largestLoss),
    ),
    stat("gross-profit", "Gross profit", amount(stats.grossProfit)),
    stat("gross-loss", "Gross loss", amount(stats.grossLoss.neg())),
    stat("max-drawdown", "Max drawdown", amount(stats.maxDrawdown), "from the highest equity"),
    stat("expectancy", "Expectancy", optional(book.expectancy), "net P&L per round trip"),
    streakStat("win-streak", "Longest win streak", book.streaks.wins, amount),
    streakStat("loss-streak", "Longest loss streak", book.streaks.losses, amount),
  ];
  const cells = (tally: Tally) => tallyCells(tally, amount);
  const symbols = stats.bySymbol.map((s) => [escapeHtml(s.symbol), ...cells(s)]);
  const directions = (["LONG", "SHORT"] as const).map((d) => [
    d === "LONG" ? "Long" : "Short",
    ...cells(stats.byDirection[d]),
  ]);
  const tallyHead = ["Round trips", "Won", "Lost", "Win rate", `Net P&L (${asset})`];
  return `<section class="asset" data-asset="${asset}">
<h2>${asset}-margined</h2>
<div class="stats">${cards.join("")}</div>
<h3>Equity curve and drawdown (${asset})</h3>
<div class="chart" data-chart="equity" data-asset-index="${index}"></div>
<h3>P&amp;L by symbol (${asset})</h3>
<div class="chart" data-chart="symbols" data-asset-index="${index}"></div>
${table("by-symbol", ["Symbol", ...tallyHead], symbols)}
<h3>Long vs short (${asset})</h3>
${table("by-direction", ["Direction", ...tallyHead], directions)}
${calendarSection(stats.asset, book)}
${journalSection(stats.asset, book)}
</section>`;
}

/**
 * Fees, funding and the other income per asset, with where funding came from; then the net for
 * the period as `export` counts it, and what it does not count.
 */
export function feesSection(fees: FeesAndFunding): string {
  const source = fees.source.kind === "income"
    ? `Funding and other income: records of ${escapeHtml(fees.source.path)}.`
    : fees.source.kind === "positions"
    ? "Funding: the positions file's funding column."
    : "Funding: not synced (no income file and no funding column).";
  const other = otherIncomeColumns(fees.period);
  const rows = fees.assets.map((a) => [
    escapeHtml(a.asset),
    amountHtml(a.commission, a.asset, false),
    a.funding === undefined
      ? `<span class="muted">not synced</span>`
      : amountHtml(a.funding, a.asset),
    ...other.map(({ kind }) => amountHtml(a.otherIncome.get(kind) ?? Decimal.ZERO, a.asset)),
  ]);
  const head = ["Asset", "Commissions paid", "Funding", ...other.map(({ name }) => name)];
  return `<section id="fees" data-funding-source="${fees.source.kind}">
<h2>Fees, funding and other income</h2>
<p class="note">Over the positions this page covers, open ones included; each asset on its own
row, never converted. Commissions are fees paid; funding and the other income the income file
holds (delivery settlements, fees and rebates, rewards: what <code>export</code> counts of it)
are received (+) or paid (−), in the period the page covers. ${source}</p>
${table("fees", head, rows)}
${periodTables(fees.period)}
</section>`;
}

/** The positions still open (OPEN, or PARTIAL without a close time). */
export function openSection(open: readonly PositionRecord[]): string {
  const rows = open.map((p) => [
    escapeHtml(p.symbol),
    escapeHtml(p.market),
    escapeHtml(p.positionSide),
    escapeHtml(p.direction),
    escapeHtml(p.status),
    formatUtc(p.openTime),
    formatDecimal(p.openQty),
    p.entryVwap === undefined ? "—" : formatDecimal(p.entryVwap),
    amountHtml(p.realizedPnl, p.marginAsset),
    amountHtml(p.commission, p.marginAsset, false),
    escapeHtml(p.marginAsset),
    escapeHtml(p.note),
  ]);
  const head = [
    "Symbol",
    "Market",
    "Book",
    "Direction",
    "Status",
    "Opened (UTC)",
    "Open qty",
    "Entry VWAP",
    "Realized so far",
    "Commission",
    "Margin asset",
    "Note",
  ];
  return `<section id="open">
<h2>Open positions (${open.length})</h2>
${open.length === 0 ? `<p class="muted">None.</p>` : table("open-positions", head, rows)}
</section>`;
}

function tallyCells(t: Tally, amount: (value: Decimal) => string): string[] {
  return [`${t.count}`, `${t.wins}`, `${t.losses}`, percent(t.winRate), amount(t.net)];
}

function streakStat(
  key: string,
  label: string,
  streak: Streak,
  amount: (value: Decimal) => string,
): string {
  const { from, to } = streak; // (undefined only for an empty streak)
  if (streak.length === 0 || from === undefined || to === undefined) {
    return stat(key, label, "0", "none");
  }
  const span = from === to
    ? formatUtc(from).slice(0, 10)
    : `${formatUtc(from).slice(0, 10)} – ${formatUtc(to).slice(0, 10)}`;
  return stat(
    key,
    label,
    `${streak.length}`,
    `round trip${streak.length === 1 ? "" : "s"} in a row, ${amount(streak.net)}, ${span}`,
  );
}

function where(e: Extreme | undefined): string {
  return e === undefined ? "" : `${escapeHtml(e.symbol)}, closed ${formatUtc(e.closeTime)}`;
}
