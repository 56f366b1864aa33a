/**
 * The columns and value formats of Binance's futures history exports, as the fake writes them in
 * its bulk downloads. Binance documents none of this ("Get Download Id For Futures Trade History"
 * says nothing of the file); every variant below was seen in public code that reads real exports:
 *
 * Trade history
 * - `trade-uid-time` (default): `Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,
 *   Buyer,Maker,Trade ID,Order ID`, time `2023-01-01 19:53:13` in the exporter's time zone (the
 *   file name says which: `…-202606181441(UTC+6)-part1-of1.csv`), fee with its asset
 *   (`0.00352911 BNB`), other numbers without trailing zeros. The best-evidenced variant: test
 *   data with real-looking uids and ids in several unrelated importers, a Rails importer
 *   (`Exchanges::Binance::CsvParser`), a TypeScript one with `guessUtcOffsetFromFilename`, a
 *   Python `binance_unwrap`, and a committed real export named as above. The default because it
 *   is the richest well-evidenced one (trade and order ids, fee asset, maker flag).
 * - `trade-uid-time-yy`: the same columns with a two-digit year (`26-03-17 09:34:12`) and the fee
 *   glued to its asset (`0.00502299USDT`), both seen in several of the same importers
 *   (`pd.to_datetime(value, format="%y-%m-%d %H:%M:%S")`, `parseFeeCell("0.00738570USDT")`).
 * - `trade-time-utc-position`: `Uid,Time(UTC),Symbol,Side,Position Side,Price,Quantity,Amount,
 *   Fee,Realized Profit,Buyer,Maker,Trade Id,Order Id` (`Long`/`Short`), seen in one importer's
 *   "legacy" test data only.
 * - `trade-date-utc`: `Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit`, the
 *   oldest form, quoted by many importers; fees as bare numbers.
 * - `trade-date-utc-fee-coin`: the same with `Fee Coin` after `Fee` and `Quote Asset` last.
 *
 * Transaction history
 * - `income-time` (default): `Time,Type,Amount,Asset,Symbol,Transaction ID` with the API's type
 *   names (`REALIZED_PNL`), in a zip named `Binance-Futures-Transaction-History-…(UTC--6)…`.
 * - `income-date-utc`: `Date(UTC),type,Amount,Asset,Symbol,Transaction ID` with the API's type
 *   names (BittyTax `parse_binance_futures`, whose types are REALIZED_PNL, COMMISSION,
 *   FUNDING_FEE, COIN_SWAP_DEPOSIT, TRANSFER...).
 * - `income-uid-time`: `Uid,Time,Asset,Type,Amount,Symbol`, an older layout quoted in this
 *   project's issue 11; written here with the website's labels (`Funding Fee`, `Realized Profit
 *   and Loss`, `Commission`, `Transfer`), as the website's statements name them (BittyTax's
 *   statement parser; privatefolio's income labels).
 *
 * An empty export holds the header and the line `No data matches the criteria.` (seen in the
 * `binance_unwrap` tests). A time zone offset is written `(UTC+3)`, and a negative one
 * `(UTC--6)` (both file and entry names in the same tests).
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import { at } from "../support/indexed.ts";
import type { IncomeRow, TradeRow } from "./rows.ts";

/** The trade history variants. */
export const TRADE_VARIANTS = [
  "trade-uid-time",
  "trade-uid-time-yy",
  "trade-time-utc-position",
  "trade-date-utc",
  "trade-date-utc-fee-coin",
] as const;

/** The transaction history variants. */
export const INCOME_VARIANTS = ["income-time", "income-date-utc", "income-uid-time"] as const;

/** One trade history variant. */
export type TradeVariant = (typeof TRADE_VARIANTS)[number];
/** One transaction history variant. */
export type IncomeVariant = (typeof INCOME_VARIANTS)[number];

/** How a bulk download's file is written. */
export interface ExportFormat {
  /** Columns of trade history files. */
  readonly trades: TradeVariant;
  /** Columns of transaction history files. */
  readonly income: IncomeVariant;
  /** `csv` (default) or `xlsx`. */
  readonly file: "csv" | "xlsx";
}

/** The default export format. */
export const DEFAULT_EXPORT_FORMAT: ExportFormat = {
  trades: "trade-uid-time",
  income: "income-time",
  file: "csv",
};

/**
 * Reads `--export-format` words (`trade-date-utc,income-uid-time,xlsx`): each names a trade
 * variant, an income variant or a file type; unnamed parts keep their defaults.
 *
 * @throws {RangeError} for an unknown word.
 */
export function parseExportFormat(text: string): ExportFormat {
  let format = DEFAULT_EXPORT_FORMAT;
  for (const word of text.split(",").map((w) => w.trim()).filter((w) => w !== "")) {
    if ((TRADE_VARIANTS as readonly string[]).includes(word)) {
      format = { ...format, trades: word as TradeVariant };
    } else if ((INCOME_VARIANTS as readonly string[]).includes(word)) {
      format = { ...format, income: word as IncomeVariant };
    } else if (word === "csv" || word === "xlsx") format = { ...format, file: word };
    else {
      throw new RangeError(
        `unknown export format "${word}": one of ${
          [...TRADE_VARIANTS, ...INCOME_VARIANTS, "csv", "xlsx"].join(", ")
        }`,
      );
    }
  }
  return format;
}

/** A table to write: the header and the rows, every cell text; `numeric` columns by index. */
export interface ExportTable {
  /** Column names. */
  readonly header: readonly string[];
  /** Rows of cell text. */
  readonly rows: readonly (readonly string[])[];
  /** Columns a spreadsheet holds as numbers (XLSX writes them as numeric cells). */
  readonly numeric: ReadonlySet<number>;
  /** Whether the times are in the exporter's zone (the file name says which) rather than UTC. */
  readonly localTime: boolean;
}

/** What an empty export holds under its header. */
export const NO_DATA = "No data matches the criteria.";

/** The account's uid printed in `Uid` columns. */
const UID = "167857164";

const TRADE_HEADERS: Record<TradeVariant, readonly string[]> = {
  "trade-uid-time": [
    "Uid",
    "Time",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Realized Profit",
    "Buyer",
    "Maker",
    "Trade ID",
    "Order ID",
  ],
  "trade-uid-time-yy": [
    "Uid",
    "Time",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Realized Profit",
    "Buyer",
    "Maker",
    "Trade ID",
    "Order ID",
  ],
  "trade-time-utc-position": [
    "Uid",
    "Time(UTC)",
    "Symbol",
    "Side",
    "Position Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Realized Profit",
    "Buyer",
    "Maker",
    "Trade Id",
    "Order Id",
  ],
  "trade-date-utc": [
    "Date(UTC)",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Realized Profit",
  ],
  "trade-date-utc-fee-coin": [
    "Date(UTC)",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Fee Coin",
    "Realized Profit",
    "Quote Asset",
  ],
};

const INCOME_HEADERS: Record<IncomeVariant, readonly string[]> = {
  "income-time": ["Time", "Type", "Amount", "Asset", "Symbol", "Transaction ID"],
  "income-date-utc": ["Date(UTC)", "type", "Amount", "Asset", "Symbol", "Transaction ID"],
  "income-uid-time": ["Uid", "Time", "Asset", "Type", "Amount", "Symbol"],
};

/** The website's labels for income types, where they differ from title case of the API name. */
const INCOME_LABELS: Record<string, string> = {
  REALIZED_PNL: "Realized Profit and Loss",
  FUNDING_FEE: "Funding Fee",
  COMMISSION: "Commission",
  TRANSFER: "Transfer",
};

const NUMERIC_NAMES = new Set(["Price", "Quantity", "Amount", "Realized Profit"]);

/** The trade rows as a table of `variant`, times shifted by `offsetMinutes` where local. */
export function tradeTable(
  rows: readonly TradeRow[],
  variant: TradeVariant,
  market: Market,
  offsetMinutes: number,
): ExportTable {
  const header = TRADE_HEADERS[variant];
  const localTime = header.includes("Time");
  const shift = localTime ? offsetMinutes * 60_000 : 0;
  const short = variant === "trade-uid-time-yy";
  const cells = rows.map((r) => {
    const amount = (market === "coinm" ? r.baseQty : r.quoteQty) ?? "";
    const time = dateTime(r.time + shift, short);
    switch (variant) {
      case "trade-uid-time":
      case "trade-uid-time-yy":
        return [
          UID,
          time,
          r.symbol,
          r.side,
          trim(r.price),
          trim(r.qty),
          trim(amount),
          `${r.commission}${short ? "" : " "}${r.commissionAsset}`,
          trim(r.realizedPnl),
          String(r.buyer),
          String(r.maker),
          r.id,
          r.orderId,
        ];
      case "trade-time-utc-position":
        return [
          UID,
          time,
          r.symbol,
          r.side,
          r.positionSide[0] + r.positionSide.slice(1).toLowerCase(),
          trim(r.price),
          trim(r.qty),
          trim(amount),
          `${r.commission} ${r.commissionAsset}`,
          trim(r.realizedPnl),
          String(r.buyer),
          String(r.maker),
          r.id,
          r.orderId,
        ];
      case "trade-date-utc":
        return [time, r.symbol, r.side, r.price, r.qty, amount, r.commission, r.realizedPnl];
      case "trade-date-utc-fee-coin":
        return [
          time,
          r.symbol,
          r.side,
          r.price,
          r.qty,
          amount,
          r.commission,
          r.commissionAsset,
          r.realizedPnl,
          market === "coinm" ? "USD" : r.marginAsset,
        ];
    }
  });
  return { header, rows: cells, numeric: numericColumns(header), localTime };
}

/** The income rows as a table of `variant`, times shifted by `offsetMinutes` where local. */
export function incomeTable(
  rows: readonly IncomeRow[],
  variant: IncomeVariant,
  offsetMinutes: number,
): ExportTable {
  const header = INCOME_HEADERS[variant];
  const localTime = header.includes("Time");
  const shift = localTime ? offsetMinutes * 60_000 : 0;
  const cells = rows.map((r) => {
    const time = dateTime(r.time + shift, false);
    switch (variant) {
      case "income-time":
        return [time, r.incomeType, r.income, r.asset, r.symbol, r.tranId];
      case "income-date-utc":
        return [time, r.incomeType, r.income, r.asset, r.symbol, r.tranId];
      case "income-uid-time":
        return [UID, time, r.asset, label(r.incomeType), r.income, r.symbol];
    }
  });
  return { header, rows: cells, numeric: new Set(), localTime };
}

/** `(UTC+3)`, `(UTC+0)`, and for negative offsets `(UTC--6)`, as Binance names its files. */
export function zoneLabel(offsetMinutes: number): string {
  const hours = offsetMinutes / 60;
  return `(UTC${offsetMinutes >= 0 ? "+" : "-"}${hours})`;
}

function numericColumns(header: readonly string[]): Set<number> {
  const out = new Set<number>();
  header.forEach((name, i) => {
    if (NUMERIC_NAMES.has(name)) out.add(i);
  });
  return out;
}

/** `Funding Fee` for FUNDING_FEE; `Insurance Clear` for INSURANCE_CLEAR. */
function label(incomeType: string): string {
  return INCOME_LABELS[incomeType] ??
    incomeType.toLowerCase().split("_").map((w) => at(w, 0).toUpperCase() + w.slice(1)).join(" ");
}

/** `2025-01-31 12:34:56` (or `25-01-31 12:34:56`) of a UTC ms time; milliseconds dropped. */
function dateTime(ms: number, shortYear: boolean): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(shortYear ? 2 : 0, 10)} ${iso.slice(11, 19)}`;
}

/** `0.010` → `0.01`, `680.00` → `680`: the website drops trailing zeros. */
function trim(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
