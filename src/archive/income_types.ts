/**
 * The API's `incomeType` of a transaction history row. Exports write either the API's names
 * (`REALIZED_PNL`: BittyTax's futures parser and other importers' test data) or the website's
 * labels (`Funding Fee`, `Realized Profit and Loss`). A label is upper-snake-cased
 * (`Funding Fee` → `FUNDING_FEE`, `Insurance Clear` → `INSURANCE_CLEAR`); labels whose words are
 * not the API's name are mapped from evidence:
 *
 * | label | type | evidence |
 * | --- | --- | --- |
 * | Realized Profit and Loss, Realize profit and loss | REALIZED_PNL | BittyTax statements parser (both spellings, USD-M Futures account); privatefolio's label for REALIZED_PNL |
 * | Fee | COMMISSION | BittyTax statements parser (the futures account's trading fee) |
 * | Insurance Fund, Insurance Fund Compensation | INSURANCE_CLEAR | privatefolio's label for INSURANCE_CLEAR; BittyTax books the compensation as a fee, as INSURANCE_CLEAR is |
 * | transfer_in, transfer_out | TRANSFER | BittyTax statements parser |
 *
 * Anything else that is not one of the API's types (list from
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History)
 * is kept upper-snake-cased, with a note, rather than guessed.
 *
 * @module
 */

import { USDM_INCOME_TYPES } from "../income.ts";

/** The API's income types. */
export const INCOME_TYPES: ReadonlySet<string> = new Set(USDM_INCOME_TYPES);

const LABELS: Readonly<Record<string, string>> = {
  REALIZED_PROFIT_AND_LOSS: "REALIZED_PNL",
  REALIZE_PROFIT_AND_LOSS: "REALIZED_PNL",
  FEE: "COMMISSION",
  INSURANCE_FUND: "INSURANCE_CLEAR",
  INSURANCE_FUND_COMPENSATION: "INSURANCE_CLEAR",
  TRANSFER_IN: "TRANSFER",
  TRANSFER_OUT: "TRANSFER",
};

/**
 * The API type of `written`, and whether it is one this reader knows (an unknown one is kept
 * upper-snake-cased, for a note).
 *
 * @example
 * ```ts
 * import { incomeTypeOf } from "./income_types.ts";
 * const a = incomeTypeOf("Funding Fee");
 * const b = incomeTypeOf("Realized Profit and Loss");
 * const c = incomeTypeOf("Strategy Bonus");
 * if (a.type !== "FUNDING_FEE" || b.type !== "REALIZED_PNL" || c.type !== "STRATEGY_BONUS" || c.known) {
 *   throw new Error();
 * }
 * ```
 */
export function incomeTypeOf(written: string): { type: string; known: boolean } {
  const snake = written.trim().replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "")
    .toUpperCase();
  const type = LABELS[snake] ?? snake;
  return { type, known: INCOME_TYPES.has(type) };
}
