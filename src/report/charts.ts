/**
 * The charts of the report: uPlot and the page's own script, inlined, and the data they draw.
 *
 * Why uPlot (`npm:uplot`, pinned in `deno.json`): 51 KB minified with its CSS, no dependencies,
 * canvas-based and made for time series (the equity curve) with bar support; MIT; maintained by
 * its author since 2019. Chart.js 4 would be 4× larger and needs a date adapter for time axes.
 * The library's files are imported as text (stable in Deno since 2.8), so they are part of the
 * module graph: `deno run` reads them from the npm cache and `deno compile` embeds them, and the
 * page loads nothing from the network.
 *
 * @module
 */

import { createHash } from "node:crypto";
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import clientJs from "./chart_client.js" with { type: "text" };
import type { Decimal } from "../decimal.ts";
import { scriptJson } from "./format.ts";
import type { AssetStats } from "./stats.ts";

/** The library and version drawing the charts, for the page's footer. */
export const CHART_LIBRARY = "uPlot 1.6.32 (MIT)";

/** What the page needs for its charts. */
export interface ChartAssets {
  /** A `<style>` element for the charts. */
  readonly style: string;
  /** The data block and the two inline scripts, for the end of `<body>`. */
  readonly scripts: string;
  /** `'sha256-…'` sources of the inline scripts, for the Content-Security-Policy. */
  readonly scriptHashes: readonly string[];
}

/** Chart data per margin asset, in the order of `stats` (`data-asset-index` in the page). */
export function chartAssets(stats: readonly AssetStats[]): ChartAssets {
  const data = { assets: stats.map(chartData) };
  const scripts = [inlineScript(uplotJs), inlineScript(clientJs)];
  return {
    style: `<style>${uplotCss.replaceAll("</", "<\\/")}</style>`,
    scripts: `<script type="application/json" id="report-data">${scriptJson(data)}</script>\n` +
      scripts.map((js) => `<script>${js}</script>`).join("\n"),
    scriptHashes: scripts.map((js) =>
      `'sha256-${createHash("sha256").update(js, "utf8").digest("base64")}'`
    ),
  };
}

function chartData(stats: AssetStats) {
  const seconds = (ms: number) => ms / 1000;
  const start = stats.equity.length === 0 ? [] : [stats.since];
  const zero = start.map(() => 0);
  const zeroText = start.map(() => "0");
  const floats = (values: Decimal[]) => values.map((v) => v.toNumber());
  const equity = stats.equity.map((p) => p.equity);
  const drawdown = stats.equity.map((p) => p.drawdown);
  return {
    asset: stats.asset,
    equity: {
      t: [...start, ...stats.equity.map((p) => p.time)].map(seconds),
      equity: [...zero, ...floats(equity)],
      drawdown: [...zero, ...floats(drawdown)],
      equityText: [...zeroText, ...equity.map(String)],
      drawdownText: [...zeroText, ...drawdown.map(String)],
    },
    symbols: {
      names: stats.bySymbol.map((s) => s.symbol),
      profit: stats.bySymbol.map((s) => (s.net.sign() >= 0 ? s.net.toNumber() : null)),
      loss: stats.bySymbol.map((s) => (s.net.sign() < 0 ? s.net.toNumber() : null)),
    },
  };
}

/**
 * Script text safe inside `<script>`: `</script` cannot end the element early (`<\/` means the
 * same in every JavaScript context it can appear in), and `<!--` is refused, since it would
 * change how the browser finds the end of the element.
 */
function inlineScript(js: string): string {
  if (js.includes("<!--")) throw new Error("an inlined script contains <!--");
  return js.replace(/<\/(script)/gi, "<\\/$1");
}
