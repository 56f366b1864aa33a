/**
 * `futures_fee_prices.csv`: the price cache of fee conversion — the open of each 1-minute kline
 * fetched (`src/ledger/fee_prices.ts`), one row per symbol and minute, so each minute is fetched
 * from Binance once. An empty `open` records that Binance has no kline for that minute (or no
 * such symbol), so it is not asked again. Deleting the file only makes the next sync fetch the
 * prices again; klines of past minutes never change.
 *
 * Columns: `symbol,minute,open` (`minute`: the kline's open time, UTC).
 *
 * @module
 */

import { SYMBOL } from "../fill.ts";
import { csvLine } from "../csv/format.ts";
import { Decimal, isPlainDecimal } from "../decimal.ts";
import { formatTime, parseTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { PriceTable } from "../ledger/fee_prices.ts";
import { columnsOf, DataFileError, readDataFile, readIfExists } from "./data_file.ts";
import { CRC_COLUMN, crcError, fieldsMatchCrc, withCrc } from "./row_check.ts";

/** Column order of `futures_fee_prices.csv` (`crc32` may be missing: older files). */
export const PRICE_COLUMNS = ["symbol", "minute", "open", CRC_COLUMN] as const;

/** One cached minute. */
export interface PriceEntry {
  /** Kline symbol, e.g. `BNBUSDT`. */
  readonly symbol: string;
  /** Open time of the minute, ms. */
  readonly minute: number;
  /** The kline's open; `undefined` when Binance has none for this minute. */
  readonly open: Decimal | undefined;
}

/** The key of a cached minute. */
export function priceKey(symbol: string, minute: number): string {
  return `${symbol}|${minute}`;
}

/**
 * Reads the price cache.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} naming the file, line and field of anything malformed.
 */
export async function readPricesFile(path: string): Promise<PriceEntry[]> {
  const entries: PriceEntry[] = [];
  let index: number[] = [];
  let crc = -1;
  await readDataFile(path, {
    header(fields, line) {
      const columns = columnsOf(path, line, fields, PRICE_COLUMNS.slice(0, 3), PRICE_COLUMNS);
      // (the three are required: `columnsOf` refused a header without them)
      index = PRICE_COLUMNS.slice(0, 3).map((c) => columns.get(c) ?? -1);
      crc = columns.get(CRC_COLUMN) ?? -1;
    },
    record(fields, line) {
      const [symbol = "", minuteText = "", open = ""] = index.map((i) => fields[i] ?? "");
      const bad = (field: string, text: string) =>
        new DataFileError(path, line, `field "${field}": not valid: ${JSON.stringify(text)}`);
      const minute = parseTime(minuteText);
      if (!SYMBOL.test(symbol)) throw bad("symbol", symbol);
      if (minute === undefined || minute % 60_000 !== 0) throw bad("minute", minuteText);
      if (open !== "" && !isPlainDecimal(open)) throw bad("open", open);
      if (crc >= 0 && !fieldsMatchCrc(fields, [...index, crc])) throw crcError(path, line);
      entries.push({ symbol, minute, open: open === "" ? undefined : Decimal.parse(open) });
    },
  });
  return entries;
}

/** Replaces the price cache atomically, sorted by symbol and minute. */
export async function writePricesFile(path: string, entries: readonly PriceEntry[]): Promise<void> {
  const sorted = [...entries].sort((a, b) =>
    (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) || a.minute - b.minute
  );
  await writeFileAtomic(path, [
    csvLine(PRICE_COLUMNS),
    ...sorted.map((e) =>
      withCrc(csvLine([e.symbol, formatTime(e.minute), e.open?.toString() ?? ""]))
    ),
  ]);
}

/** The price cache at `path` as a price table (empty when there is no such file). */
export async function readPriceTable(path: string): Promise<PriceTable> {
  const table = new PriceTable();
  const entries = await readIfExists(() => readPricesFile(path)) ?? [];
  for (const e of entries) if (e.open !== undefined) table.set(e.symbol, e.minute, e.open);
  return table;
}
