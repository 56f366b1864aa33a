/**
 * The pieces of text the export formats share: amounts and UTC date parts.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";

/**
 * `|amount|` in plain notation, exact, without trailing zeros: never an exponent, never a
 * float (`0.00000001`, `1646.488557910772`).
 */
export function amountText(amount: Decimal): string {
  return amount.abs().normalize().toString();
}

/** The UTC calendar and clock fields of `ms`, zero-padded (`{ date: "2025-01-31", ... }`). */
export function utcParts(ms: number): {
  date: string;
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
} {
  const iso = new Date(ms).toISOString(); // 2025-01-31T23:59:59.999Z
  return {
    date: iso.slice(0, 10),
    year: iso.slice(0, 4),
    month: iso.slice(5, 7),
    day: iso.slice(8, 10),
    hour: iso.slice(11, 13),
    minute: iso.slice(14, 16),
    second: iso.slice(17, 19),
  };
}
