/**
 * The report page: one self-contained HTML document. Scripts and styles are inline and a
 * Content-Security-Policy allows nothing else (no network, only the two scripts by hash).
 *
 * @module
 */

import type { PositionRecord } from "../storage/positions_file.ts";
import { CHART_LIBRARY, chartAssets } from "./charts.ts";
import { displayPlaces, escapeHtml, formatUtc } from "./format.ts";
import { assetSection, feesSection, openSection } from "./sections.ts";
import { type AssetStats, AVERAGE_PLACES, PERCENT_PLACES, RATIO_PLACES } from "./stats.ts";
import type { FeesAndFunding } from "./totals.ts";

/** Everything the page shows. */
export interface ReportData {
  /** When the report was made, ms since the epoch. */
  readonly generatedAt: number;
  /** The positions file it was made from, as given. */
  readonly positionsPath: string;
  /** Positions in that file. */
  readonly positionCount: number;
  /** What the report is limited to, for people (`""` for the whole file). */
  readonly scope: string;
  /** The column net P&L was taken from. */
  readonly netColumn: "net_pnl" | "net_pnl_after_fees";
  /**
   * Round trips in scope counted with `net_pnl_after_fees` although the column is `net_pnl`
   * (theirs is empty: a fee without a price, or funding before the income history).
   */
  readonly netFallbacks: number;
  /** Round-trip statistics per margin asset. */
  readonly stats: readonly AssetStats[];
  /** Fees and funding per asset. */
  readonly fees: FeesAndFunding;
  /** The positions still open. */
  readonly open: readonly PositionRecord[];
}

const STYLE = `<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;
background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:15px;margin:20px 0 6px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:4px 20px 16px;
margin-top:16px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.stat{border:1px solid #d0d7de;border-radius:6px;padding:8px 10px}
.label,.hint,.muted,.note{color:#656d76}.label{font-size:12px}.hint{font-size:11px}
.value{font-size:18px;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.pos{color:#1a7f37}.neg{color:#d1242f}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:right;white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}
[data-table=open-positions] :is(th,td):last-child{text-align:left;white-space:normal;min-width:12em}
[data-table=not-counted] :is(th,td):last-child{text-align:left;white-space:normal}
.chart{width:100%;min-height:40px}.scroll{overflow-x:auto}
.pair{display:flex;flex-wrap:wrap;gap:0 32px;align-items:flex-start}
td .bar{display:inline-block;height:10px;min-width:1px;max-width:100%;vertical-align:middle}
td:has(>.bar){width:80px;text-align:left}
.bar.pos{background:#1a7f37}.bar.neg{background:#d1242f}
.months{display:flex;flex-wrap:wrap;gap:12px;margin-top:10px}
table.month{border:1px solid #d0d7de;border-radius:6px;border-collapse:separate;border-spacing:0}
table.month caption{text-align:left;font-weight:600;padding:2px 4px}
table.month th{font-size:11px;color:#656d76;text-align:center;padding:2px}
table.month td{width:60px;height:30px;padding:2px 4px;vertical-align:top;text-align:right;
font-size:11px;border-bottom:1px solid #eaeef2}
table.month .d{display:block;text-align:left;color:#656d76;font-size:10px}
table.month td.up{background:#dafbe1}table.month td.down{background:#ffebe9}
[title]{cursor:help}
</style>`;

/** The whole page. */
export function renderReport(data: ReportData): string {
  const charts = chartAssets(data.stats);
  const csp = [
    "default-src 'none'",
    `script-src ${charts.scriptHashes.join(" ")}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const assets = data.stats.length === 0
    ? `<section><h2>Round trips</h2><p class="muted">No closed positions yet.</p></section>`
    : data.stats.map(assetSection).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>futures-ledger report</title>
${STYLE}
${charts.style}
</head>
<body>
<main>
<h1>futures-ledger report</h1>
<p class="note">From ${escapeHtml(data.positionsPath)} (${data.positionCount} positions),
made ${formatUtc(data.generatedAt)} UTC.${
    data.scope === "" ? "" : ` <strong data-scope>Limited to ${escapeHtml(data.scope)}.</strong>`
  } All times are UTC. Amounts are per margin asset and
never added across assets, shown rounded (${
    displayPlaces("USDT")
  } decimals for USD coins such as USDT,
${displayPlaces("BTC")} for others); hover over one for its exact value.</p>
${assets}
${feesSection(data.fees)}
${openSection(data.open)}
<section id="definitions">
<h2>Definitions</h2>
<ul>
<li>A round trip is a position that was closed: CLOSED, or PARTIAL (opened before the data
begins) with a close time. The equity curve adds their net P&amp;L in order of close time, from 0; drawdown is the
fall from the highest equity so far.</li>
<li>Net P&amp;L is the positions file's <code>${data.netColumn}</code> column${
    data.netColumn === "net_pnl"
      ? " (realized P&amp;L − commission − commission paid in other assets, converted, + funding)"
      : " (realized P&amp;L − commission; funding not included)"
  }.${
    data.netFallbacks === 0
      ? ""
      : ` ${data.netFallbacks} round trip${
        data.netFallbacks === 1 ? " has" : "s have"
      } an empty <code>net_pnl</code> (a fee without a price, or funding before the income history:
see the note column) and ${
        data.netFallbacks === 1 ? "is" : "are"
      } counted with <code>net_pnl_after_fees</code> (realized P&amp;L − commission), without
converted fees and funding.`
  } A win has net P&amp;L above 0, a loss below 0.</li>
<li>The net for the period (under fees, funding and other income) is what <code>export</code>
counts, not the round trips' net P&amp;L: funding when it was paid (the income file's, not the
funding attached to the round trips), fees paid in another asset in that asset (BNB as BNB,
never converted), and the other income: delivery settlements, fees and rebates, rewards.</li>
<li>Win rate = wins / round trips, in percent to ${PERCENT_PLACES} decimals. Profit factor = gross
profit / gross loss, to ${RATIO_PLACES} decimals. Averages to ${AVERAGE_PLACES} decimals. All
rounding is half-even; every other figure is exact.</li>
<li>Calendar, time of day, weekday and streaks go by close time (UTC): a round trip's result
counts when it closes. A streak is a run of wins (or losses) in close order; a result of exactly
0 ends it. Expectancy = net P&amp;L / round trips. Holding time runs from the first fill to the
closing fill.</li>
<li>Amounts are rounded half-even for reading only; the exact decimal is in each one's tooltip
and in the CSV files.</li>
<li>Charts: ${CHART_LIBRARY}, inlined in this file.</li>
</ul>
</section>
</main>
${charts.scripts}
</body>
</html>
`;
}
