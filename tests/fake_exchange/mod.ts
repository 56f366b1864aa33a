/**
 * The fake Binance Futures exchange: a deterministic account generator with its ground truth,
 * and an HTTP server that enforces Binance's rules for it.
 *
 * @example
 * ```ts
 * await using ex = await startFakeExchange({ seed: 7, symbols: 5, fills: 2000, weightLimit: 100 });
 * const { serverTime } = await (await fetch(`${ex.url}/fapi/v1/time`)).json();
 * if (!(serverTime > 0)) throw new Error(`serverTime ${serverTime}`);
 * ```
 *
 * @module
 */

export {
  type AccountOptions,
  generateAccount,
  GeneratedAccount,
  monthsBefore,
  type OpenPosition,
  type ResolvedAccountOptions,
} from "./account.ts";
export type { SymbolSpec } from "./catalog.ts";
export type {
  DownloadControls,
  FakeExchange,
  FakeExchangeOptions,
  LogEntry,
  Totals,
} from "./exchange_types.ts";
export { type DownloadKind, quotaExhausted } from "./download_desk.ts";
export { DOWNLOAD_RANGE_MS, USDM_DOWNLOAD_ID_WEIGHT } from "./download_endpoints.ts";
export {
  DEFAULT_EXPORT_FORMAT,
  type ExportFormat,
  INCOME_VARIANTS,
  type IncomeVariant,
  parseExportFormat,
  TRADE_VARIANTS,
  type TradeVariant,
} from "./export_formats.ts";
export type { FaultKind } from "./faults.ts";
export { incomeJson, type IncomeRow, tradeJson, type TradeRow } from "./rows.ts";
export { startFakeExchange } from "./server.ts";
export { signedGet, signQuery } from "./signer.ts";
