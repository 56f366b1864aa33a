/**
 * Recognising an export by its header: each column name is compared without case, spaces,
 * punctuation or a BOM, and with its time zone suffix (`Date(UTC)`, `Time(UTC+8)`) taken off and
 * kept; known aliases map it to a field; a header is a trade history when it has every field a
 * trade needs, a transaction history likewise. Columns may come in any order. A column this
 * reader does not know is ignored with a note (Binance may add some); a field named twice, or a
 * header that is neither, is an error listing the columns found and those of each known layout.
 *
 * The layouts (names as seen in public importers' test data; see the fake exchange's
 * `export_formats.ts` for the sources):
 *
 * | name | columns |
 * | --- | --- |
 * | trade-uid-time | Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID |
 * | trade-time-utc-position | Uid,Time(UTC),Symbol,Side,Position Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade Id,Order Id |
 * | trade-date-utc | Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit |
 * | trade-date-utc-fee-coin | Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset |
 * | income-time | Time,Type,Amount,Asset,Symbol,Transaction ID |
 * | income-date-utc | Date(UTC),type,Amount,Asset,Symbol,Transaction ID |
 * | income-uid-time | Uid,Time,Asset,Type,Amount,Symbol |
 *
 * @module
 */

import { statedOffset, withoutZone } from "./time_zone.ts";

/** A field of an export row. */
export type Field =
  | "uid"
  | "time"
  | "symbol"
  | "side"
  | "positionSide"
  | "price"
  | "qty"
  | "amount"
  | "fee"
  | "feeCoin"
  | "realizedPnl"
  | "buyer"
  | "maker"
  | "tradeId"
  | "orderId"
  | "quoteAsset"
  | "type"
  | "asset"
  | "tranId";

/** Column names (squeezed: lower case, letters and digits only) per field. */
const ALIASES: Record<string, Field> = {
  uid: "uid",
  userid: "uid",
  date: "time",
  time: "time",
  utctime: "time",
  symbol: "symbol",
  side: "side",
  positionside: "positionSide",
  price: "price",
  quantity: "qty",
  qty: "qty",
  amount: "amount",
  fee: "fee",
  commission: "fee",
  feecoin: "feeCoin",
  feeasset: "feeCoin",
  commissionasset: "feeCoin",
  realizedprofit: "realizedPnl",
  realizedpnl: "realizedPnl",
  buyer: "buyer",
  maker: "maker",
  tradeid: "tradeId",
  orderid: "orderId",
  quoteasset: "quoteAsset",
  type: "type",
  asset: "asset",
  coin: "asset",
  transactionid: "tranId",
  tranid: "tranId",
};

const TRADE_NEEDS: readonly Field[] = [
  "time",
  "symbol",
  "side",
  "price",
  "qty",
  "fee",
  "realizedPnl",
];
const INCOME_NEEDS: readonly Field[] = ["time", "type", "amount", "asset", "symbol"];

/** The known layouts, for recognition and for the error listing them. */
export const LAYOUTS: Readonly<Record<string, readonly string[]>> = {
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
  "income-time": ["Time", "Type", "Amount", "Asset", "Symbol", "Transaction ID"],
  "income-date-utc": ["Date(UTC)", "type", "Amount", "Asset", "Symbol", "Transaction ID"],
  "income-uid-time": ["Uid", "Time", "Asset", "Type", "Amount", "Symbol"],
};

/** A recognised header. */
export interface Columns {
  /** Trade or transaction history. */
  readonly kind: "trades" | "income";
  /** Column index of each field present. */
  readonly at: Readonly<Partial<Record<Field, number>>>;
  /** The time column's name as written (for messages). */
  readonly timeName: string;
  /** The zone its name states (`Date(UTC+8)` → 480), if any. */
  readonly headerOffsetMinutes: number | undefined;
  /** The known layout with exactly these fields, or `other`. */
  readonly variant: string;
  /** Columns ignored. */
  readonly unknown: readonly string[];
  /** The number of columns. */
  readonly width: number;
}

/** Why a header was not recognised; the caller adds where. */
export class HeaderError extends Error {}

/**
 * The fields of `names`, or a {@linkcode HeaderError} saying what was found and expected.
 *
 * @example
 * ```ts
 * import { recognise } from "./columns.ts";
 * const c = recognise(["Date(UTC)", "Symbol", "Side", "Price", "Quantity", "Amount", "Fee", "Realized Profit"]);
 * if (c.kind !== "trades" || c.headerOffsetMinutes !== 0 || c.variant !== "trade-date-utc") throw new Error();
 * ```
 */
export function recognise(names: readonly string[]): Columns {
  // futures-ledger's own files end with a row check no export of Binance's has.
  if (names.at(-1)?.trim() === "crc32") {
    throw new HeaderError(
      "a file futures-ledger wrote (its last column is crc32), not an export of Binance's: " +
        "import reads the trade and transaction history exports Binance's website or bulk " +
        "download gives",
    );
  }
  const at: Partial<Record<Field, number>> = {};
  const unknown: string[] = [];
  let headerOffsetMinutes: number | undefined;
  let timeName = "";
  names.forEach((raw, i) => {
    const name = raw.replace(/^\uFEFF/, "").trim();
    const field = ALIASES[squeeze(withoutZone(name))];
    if (field === undefined) {
      if (name !== "") unknown.push(name);
      return;
    }
    const before = at[field];
    if (before !== undefined) {
      throw new HeaderError(`${describe(field)} is named twice (${names[before]}, ${name})`);
    }
    at[field] = i;
    if (field === "time") {
      timeName = name;
      try {
        headerOffsetMinutes = statedOffset(name);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new HeaderError(`column "${name.trim()}": ${error.message}`);
      }
    }
  });
  const kind = TRADE_NEEDS.every((f) => at[f] !== undefined)
    ? "trades"
    : INCOME_NEEDS.every((f) => at[f] !== undefined)
    ? "income"
    : undefined;
  if (kind === undefined) {
    const layouts = Object.entries(LAYOUTS).map(([n, c]) => `  ${n}: ${c.join(",")}`).join("\n");
    throw new HeaderError(
      `not a Binance futures trade or transaction history export: columns found: ` +
        `${names.map((n) => n.trim()).join(",")}; expected one of these layouts (any order, ` +
        `case and spacing):\n${layouts}`,
    );
  }
  const fields = new Set(Object.keys(at));
  const zoned = headerOffsetMinutes !== undefined;
  const variant =
    Object.entries(LAYOUTS).find(([n, cols]) =>
      n.startsWith(kind === "trades" ? "trade-" : "income-") && cols.length === fields.size &&
      cols.every((c) => {
        const field = ALIASES[squeeze(withoutZone(c))];
        return field !== undefined && fields.has(field);
      }) &&
      cols.some((c) => statedOffset(c) !== undefined) === zoned
    )?.[0] ?? "other";
  return { kind, at, timeName, headerOffsetMinutes, variant, unknown, width: names.length };
}

/** `Realized Profit` → `realizedprofit`. */
function squeeze(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function describe(field: Field): string {
  return `the ${field} column`;
}
