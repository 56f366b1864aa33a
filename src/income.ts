/**
 * An income record: one money movement of a futures account (fee, realized P&L, funding,
 * transfer...), as Binance's income history reports it.
 *
 * @module
 */

import { type Market, type Source, SYMBOL } from "./fill.ts";

/** One income history row. Amounts keep Binance's decimal text; ids are digit strings. */
export interface IncomeRecord {
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Milliseconds since the epoch (UTC). */
  readonly time: number;
  /**
   * The contract, an option (OPTIONS_* records may name one: {@linkcode OPTION_SYMBOL}), or empty
   * for account-wide movements (transfers). See {@linkcode isIncomeSymbol}.
   */
  readonly symbol: string;
  /** COMMISSION, REALIZED_PNL, FUNDING_FEE, TRANSFER, ... (Binance's names and spelling). */
  readonly incomeType: string;
  /** Signed amount: positive in, negative out. */
  readonly income: string;
  /** The asset of `income`. */
  readonly asset: string;
  /** Binance's free-text note. */
  readonly info: string;
  /** Transaction id: unique only within one `incomeType`; may exceed 2^53. */
  readonly tranId: string;
  /** The fill's trade id for COMMISSION and REALIZED_PNL rows; empty otherwise. */
  readonly tradeId: string;
  /** Where it came from; absent: `api`. */
  readonly source?: Source;
}

/** The key that identifies an income record: `tranId` is unique only within its type. */
export function incomeKey(record: Pick<IncomeRecord, "market" | "incomeType" | "tranId">): string {
  return `${record.market}|${record.incomeType}|${record.tranId}`;
}

/** File order: time, then market, type and transaction id. */
export function compareIncome(a: IncomeRecord, b: IncomeRecord): number {
  return a.time - b.time ||
    (a.market < b.market ? -1 : a.market > b.market ? 1 : 0) ||
    (a.incomeType < b.incomeType ? -1 : a.incomeType > b.incomeType ? 1 : 0) ||
    a.tranId.length - b.tranId.length || (a.tranId < b.tranId ? -1 : a.tranId > b.tranId ? 1 : 0);
}

/**
 * Binance's USD-M income types
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History).
 */
export const USDM_INCOME_TYPES: readonly string[] = [
  "TRANSFER",
  "WELCOME_BONUS",
  "REALIZED_PNL",
  "FUNDING_FEE",
  "COMMISSION",
  "INSURANCE_CLEAR",
  "REFERRAL_KICKBACK",
  "COMMISSION_REBATE",
  "API_REBATE",
  "CONTEST_REWARD",
  "CROSS_COLLATERAL_TRANSFER",
  "OPTIONS_PREMIUM_FEE",
  "OPTIONS_SETTLE_PROFIT",
  "INTERNAL_TRANSFER",
  "AUTO_EXCHANGE",
  "DELIVERED_SETTELMENT",
  "COIN_SWAP_DEPOSIT",
  "COIN_SWAP_WITHDRAW",
  "POSITION_LIMIT_INCREASE_FEE",
  "STRATEGY_UMFUTURES_TRANSFER",
  "FEE_RETURN",
  "BFUSD_REWARD",
];

/**
 * COIN-M's: its page lists 7 and refuses others as a filter (-1130)
 * (https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History).
 */
export const COINM_INCOME_TYPES: readonly string[] = [
  "TRANSFER",
  "WELCOME_BONUS",
  "FUNDING_FEE",
  "REALIZED_PNL",
  "COMMISSION",
  "INSURANCE_CLEAR",
  "DELIVERED_SETTELMENT",
];

/** Binance's income type of a delivery (or delisting) settlement, in its spelling. */
export const SETTLEMENT = "DELIVERED_SETTELMENT";

/**
 * A European option's symbol as Binance writes it: underlying, expiry date (YYMMDD), strike, `C`
 * (call) or `P` (put): `BTC-210129-40000-C`, `ETH-221028-1700-C` (Binance Options API,
 * https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information; ccxt's
 * Binance option examples). The strike may have decimals, for an underlying priced below 1.
 */
export const OPTION_SYMBOL: RegExp = /^[\p{Lu}\p{Nd}]{1,20}-\d{6}-\d{1,12}(\.\d{1,8})?-[CP]$/u;

/**
 * Whether `symbol` may be an income record's: a contract's ({@linkcode SYMBOL}), an option's
 * ({@linkcode OPTION_SYMBOL}: Binance does not document which symbol its OPTIONS_PREMIUM_FEE and
 * OPTIONS_SETTLE_PROFIT records carry), or none.
 *
 * @example
 * ```ts
 * import { isIncomeSymbol } from "./income.ts";
 * const ok = ["", "BTCUSDT", "BTCUSD_PERP", "BTC-250110-100000-C", "XRP-250131-3.2-P"];
 * const refused = ["btcusdt", "BTC-250110-100000", "BTC-2501-100000-C", "A,B", "BTC--C"];
 * if (!ok.every(isIncomeSymbol) || refused.some(isIncomeSymbol)) throw new Error();
 * ```
 */
export function isIncomeSymbol(symbol: string): boolean {
  return symbol === "" || SYMBOL.test(symbol) || OPTION_SYMBOL.test(symbol);
}

/**
 * The income types the ledger takes as inputs, attached to positions between their fills:
 * FUNDING_FEE (`src/ledger/funding.ts`) and DELIVERED_SETTELMENT, which closes a position held
 * into its contract's delivery (`src/ledger/settlement.ts`).
 */
export const LEDGER_INCOME_TYPES: ReadonlySet<string> = new Set([
  "FUNDING_FEE",
  SETTLEMENT,
]);
