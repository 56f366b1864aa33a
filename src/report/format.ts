/**
 * Text for the report page: HTML escaping and exact decimals printed for people.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` safe inside HTML text and inside quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c); // (each character matched has one)
}

/**
 * An exact amount with thousands separators and no trailing zeros (`-12,345.6789`); with
 * `places`, rounded half-even to and padded to exactly that many decimals (`60.00`).
 */
export function formatDecimal(value: Decimal, places?: number): string {
  let text = places === undefined ? value.normalize().toString() : value.round(places).toString();
  if (places !== undefined && places > 0) {
    const [, frac = ""] = text.split(".");
    text = (frac === "" ? text + "." : text) + "0".repeat(places - frac.length);
  }
  const negative = text.startsWith("-");
  const [int = "", frac] = (negative ? text.slice(1) : text).split("."); // (a split has a first part)
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ",");
  return (negative ? "-" : "") + grouped + (frac === undefined ? "" : "." + frac);
}

/**
 * Decimals an amount of `asset` is shown with: 2 for USD coins (any asset whose name holds
 * "USD": USDT, USDC, BUSD, FDUSD...), 8 for the others (BTC, ETH, BNB...).
 */
export function displayPlaces(asset: string): number {
  return asset.includes("USD") ? 2 : 8;
}

/**
 * An amount of `asset` for reading: rounded half-even to {@linkcode displayPlaces}, grouped,
 * coloured by its sign (class `pos`, `neg` or `zero`; `plain` for a cost such as commissions
 * paid), with the exact value in `title` (shown on hover) and `data-exact`.
 */
export function amountHtml(value: Decimal, asset: string, coloured = true): string {
  const sign = value.sign();
  const kind = !coloured ? "plain" : sign > 0 ? "pos" : sign < 0 ? "neg" : "zero";
  const exact = value.normalize().toString();
  return `<span class="${kind}" title="${exact}" data-exact="${exact}">` +
    `${formatDecimal(value, displayPlaces(asset))}</span>`;
}

/** A time as `2025-01-01 00:00:02` (UTC, to the second). */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` escaped as `\u003c`…,
 * so no string in it can end the element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
