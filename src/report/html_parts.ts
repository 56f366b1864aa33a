/**
 * Small pieces of the report's HTML: a statistic card, a table, a percentage.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import { formatDecimal } from "./format.ts";
import { PERCENT_PLACES } from "./stats.ts";

/** A statistic card; `value` and `hint` are HTML already. */
export function stat(key: string, label: string, value: string, hint = ""): string {
  return `<div class="stat"><div class="label">${label}</div>` +
    `<div class="value" data-stat="${key}">${value}</div>` +
    (hint === "" ? "" : `<div class="hint">${hint}</div>`) + `</div>`;
}

/** A table; `cells` are HTML already (escaped where they come from the files). */
export function table(id: string, head: readonly string[], cells: readonly string[][]): string {
  const header = head.map((h) => `<th>${h}</th>`).join("");
  const body = cells.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join("")}</tr>`);
  return `<div class="scroll"><table data-table="${id}"><thead><tr>${header}</tr></thead>` +
    `<tbody>\n${body.join("\n")}\n</tbody></table></div>`;
}

/** A percentage with its sign, to PERCENT_PLACES, or "—". */
export function percent(value: Decimal | undefined): string {
  return value === undefined ? "—" : `${formatDecimal(value, PERCENT_PLACES)}%`;
}
