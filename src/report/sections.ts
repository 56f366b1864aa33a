/**
 * The report's HTML sections: one per margin asset, fees and funding, and open positions. Every
 * text taken from the files is escaped; every number is an exact decimal.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import type { PositionRecord } from "../storage/positions_file.ts";
import { escapeHtml, formatDecimal, formatUtc } from "./format.ts";
import {
  type AssetStats,
  type Extreme,
  PERCENT_PLACES,
  RATIO_PLACES,
  type Tally,
} from "./stats.ts";
import type { FeesAndFunding } from "./totals.ts";

/** The section of one margin asset; `index` ties it to its chart data. */
export function assetSection(stats: AssetStats, index: number): string {
  const asset = escapeHtml(stats.asset);
  const t = stats.total;
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
  ];
  const symbols = stats.bySymbol.map((s) => [escapeHtml(s.symbol), ...tallyCells(s)]);
  const directions = (["LONG", "SHORT"] as const).map((d) => [
    d === "LONG" ? "Long" : "Short",
    ...tallyCells(stats.byDirection[d]),
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
</section>`;
}

/** Fees and funding per asset, with where funding came from. */
export function feesSection(fees: FeesAndFunding): string {
  const source = fees.source.kind === "income"
    ? `Funding: FUNDING_FEE rows of ${escapeHtml(fees.source.path)}.`
    : fees.source.kind === "positions"
    ? "Funding: the positions file's funding column."
    : "Funding: not synced (no income file and no funding column).";
  const rows = fees.assets.map((a) => [
    escapeHtml(a.asset),
    formatDecimal(a.commission),
    a.funding === undefined ? `<span class="muted">not synced</span>` : amount(a.funding),
  ]);
  return `<section id="fees" data-funding-source="${fees.source.kind}">
<h2>Fees and funding</h2>
<p class="note">Over all positions, open ones included; each asset on its own row, never
converted. Commissions are fees paid; funding is received (+) or paid (−). ${source}</p>
${table("fees", ["Asset", "Commissions paid", "Funding"], rows)}
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
    amount(p.realizedPnl),
    formatDecimal(p.commission),
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

function stat(key: string, label: string, value: string, hint = ""): string {
  return `<div class="stat"><div class="label">${label}</div>` +
    `<div class="value" data-stat="${key}">${value}</div>` +
    (hint === "" ? "" : `<div class="hint">${hint}</div>`) + `</div>`;
}

/** A table; `cells` are HTML already (escaped where they come from the files). */
function table(id: string, head: readonly string[], cells: readonly string[][]): string {
  const header = head.map((h) => `<th>${h}</th>`).join("");
  const body = cells.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join("")}</tr>`);
  return `<div class="scroll"><table data-table="${id}"><thead><tr>${header}</tr></thead>` +
    `<tbody>\n${body.join("\n")}\n</tbody></table></div>`;
}

function tallyCells(t: Tally): string[] {
  return [`${t.count}`, `${t.wins}`, `${t.losses}`, percent(t.winRate), amount(t.net)];
}

function amount(value: Decimal): string {
  const sign = value.sign();
  const kind = sign > 0 ? "pos" : sign < 0 ? "neg" : "zero";
  return `<span class="${kind}">${formatDecimal(value)}</span>`;
}

function optional(value: Decimal | undefined): string {
  return value === undefined ? "—" : amount(value);
}

function percent(value: Decimal | undefined): string {
  return value === undefined ? "—" : `${formatDecimal(value, PERCENT_PLACES)}%`;
}

function where(e: Extreme | undefined): string {
  return e === undefined ? "" : `${escapeHtml(e.symbol)}, closed ${formatUtc(e.closeTime)}`;
}
