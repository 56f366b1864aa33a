/**
 * What one data row of an export holds: a trade (a trade history's row) or a transaction (a
 * transaction history's), read cell by cell (`cell_reader.ts`).
 *
 * Where a file leaves something out, the rule is:
 * - no fee asset (the oldest layout has only `Fee`): the margin asset of the symbol (`BTCUSDT` →
 *   USDT, `BTCUSD_PERP` → BTC), with a note, since fees paid in BNB would then be misread;
 * - no market: the caller's, else from the symbol (COIN-M symbols end in `USD_PERP` or
 *   `USD_YYMMDD`);
 * - ids a spreadsheet stored as floats and so lost digits: left out, with a note.
 *
 * @module
 */

import { inferMarginAsset, type Market } from "../fill.ts";
import { OPTION_SYMBOL } from "../income.ts";
import type { CellReader } from "./cell_reader.ts";
import { incomeTypeOf } from "./income_types.ts";
import type { ArchiveIncome, ArchiveTrade } from "./types.ts";
import {
  type Cell,
  readAsset,
  readFee,
  readFlag,
  readId,
  readPositionSide,
  readSide,
  readSymbol,
  text,
  ValueError,
} from "./values.ts";

/** The market and margin asset of each symbol of a table (and its `Quote Asset`), worked out once. */
export class Contracts {
  readonly #market: Market | undefined;
  readonly #known = new Map<string, { market: Market; marginAsset: string | undefined }>();

  /** `market`: the market of every row, if the caller gives one (else from each symbol). */
  constructor(market: Market | undefined) {
    this.#market = market;
  }

  /** The market and margin asset of a symbol (and `Quote Asset`). */
  of(
    symbol: string,
    quoteAsset: string | undefined,
  ): { market: Market; marginAsset: string | undefined } {
    const key = quoteAsset === undefined ? symbol : `${symbol}|${quoteAsset}`;
    let known = this.#known.get(key);
    if (known === undefined) {
      const market = this.#market ?? marketOf(symbol);
      const marginAsset = (market === "usdm" ? quoteAsset : undefined) ||
        inferMarginAsset(symbol, market) || undefined;
      known = { market, marginAsset };
      this.#known.set(key, known);
    }
    return known;
  }
}

/** The trade in the current row of `row`. @throws {ArchiveError} for a bad cell. */
export function readTrade(row: CellReader, contracts: Contracts): ArchiveTrade {
  const line = row.line;
  const symbol = row.required("symbol", readSymbol);
  const quoteAsset = row.get("quoteAsset", readOptionalAsset);
  const { market, marginAsset } = contracts.of(symbol, quoteAsset);
  const fee = row.required("fee", (v) => readFee(v, row.onFloat));
  const feeCoin = row.get("feeCoin", readOptionalAsset);
  if (fee.asset !== undefined && feeCoin !== undefined && fee.asset !== feeCoin) {
    throw row.error(
      "feeCoin",
      `the fee is in ${fee.asset} but the fee asset column says ${feeCoin}`,
    );
  }
  let commissionAsset = fee.asset ?? feeCoin;
  if (commissionAsset === undefined) {
    if (marginAsset === undefined) {
      throw row.error("fee", `no fee asset, and none can be told from ${symbol}`);
    }
    commissionAsset = marginAsset;
    row.count("the file gives no fee asset: fees taken to be in the margin asset", symbol);
  }
  const amount = row.get("amount", row.optionalDecimal);
  const id = row.id(row.get("tradeId", readId), "trade ids");
  const orderId = row.id(row.get("orderId", readId), "order ids");
  const positionSide = row.get("positionSide", readPositionSide);
  const maker = row.get("maker", readFlag);
  const trade: Mutable<ArchiveTrade> = {
    market,
    symbol,
    time: row.time(),
    side: row.required("side", readSide),
    price: row.required("price", row.decimal),
    qty: row.required("qty", row.decimal),
    commission: fee.amount,
    commissionAsset,
    realizedPnl: row.required("realizedPnl", row.decimal),
    source: row.source,
    line,
  };
  if (amount !== undefined) {
    if (market === "usdm") trade.quoteQty = amount;
    else trade.baseQty = amount;
  }
  if (positionSide !== undefined) trade.positionSide = positionSide;
  if (id !== undefined) trade.id = id;
  if (orderId !== undefined) trade.orderId = orderId;
  if (marginAsset !== undefined) trade.marginAsset = marginAsset;
  if (maker !== undefined) trade.maker = maker;
  return trade;
}

/**
 * The transaction in the current row of `row`; `market`: the market of every row, if the caller
 * gives one. @throws {ArchiveError} for a bad cell.
 */
export function readIncome(row: CellReader, market: Market | undefined): ArchiveIncome {
  const symbol = row.required("symbol", readOptionalSymbol);
  const written = row.required("type", (v) => {
    const t = text(v);
    if (t === "") throw new ValueError("empty; a transaction type is required");
    return t;
  });
  const { type, known } = incomeTypeOf(written);
  if (!known) row.count(`unknown transaction type "${written}", kept as ${type}`, type);
  const tranId = row.id(row.get("tranId", readId), "transaction ids");
  const income: Mutable<ArchiveIncome> = {
    market: market ?? (symbol === "" ? "usdm" : marketOf(symbol)),
    time: row.time(),
    symbol,
    incomeType: type,
    income: row.required("amount", row.decimal),
    asset: row.required("asset", readAsset),
    info: written,
    source: row.source,
    line: row.line,
  };
  if (tranId !== undefined) income.tranId = tranId;
  return income;
}

/** COIN-M symbols end in `USD_PERP` or `USD_YYMMDD`; others are USD-M. */
export function marketOf(symbol: string): Market {
  const underscore = symbol.indexOf("_");
  return underscore > 3 && symbol.startsWith("USD", underscore - 3) ? "coinm" : "usdm";
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readOptionalAsset(cell: Cell): string | undefined {
  return text(cell) === "" ? undefined : readAsset(cell);
}

/** A transaction's symbol: a contract's, an option's (OPTIONS_* records may name one), or none. */
function readOptionalSymbol(cell: Cell): string {
  const option = text(cell).toUpperCase();
  return OPTION_SYMBOL.test(option) ? option : readSymbol(cell, false);
}
