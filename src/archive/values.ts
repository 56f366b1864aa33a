/**
 * Reading one cell of an export: decimals as exact text, fees with their asset, times as ms UTC,
 * ids as digits, sides and flags. Each reader throws a {@linkcode ValueError} saying what is
 * wrong; the caller adds the file, line and column.
 *
 * Decimals never pass through a float, except where the file itself holds a float: an XLSX
 * numeric cell whose text has more than 15 significant digits (`2401.2399999999998`) is a binary
 * float written out in full, and is read as the shortest decimal with the same value (`2401.24`),
 * which {@linkcode readDecimal} reports.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { type PositionSide, type Side, SYMBOL } from "../fill.ts";

/** An XLSX numeric cell, as the `<v>` text the spreadsheet holds. */
export class NumericCell {
  /** The text of the cell's value (`2401.24`, `1E-05`). */
  readonly text: string;
  /** A numeric cell holding `text`. */
  constructor(text: string) {
    this.text = text;
  }
}

/** One cell: CSV text, or what an XLSX sheet holds. */
export type Cell = string | NumericCell | Date | boolean | number | null | undefined;

/** A cell that cannot be read as its column requires. */
export class ValueError extends Error {}

const PLAIN = /^-?\d+(\.\d+)?$/;
const GROUPED = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;
const SCIENTIFIC = /^-?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;

/** The cell's text, trimmed (`""` for an empty cell). */
export function text(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof NumericCell) return cell.text;
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

/**
 * A decimal as exact text: `1,234.50` → `1234.50`, `+3` → `3`, `.5` → `0.5`, `1E-05` → `0.00001`;
 * anything else, including an empty cell, is an error, and so is a decimal comma where it shows
 * (`0,010`: no number groups its thousands after a 0). `onFloat` hears of an XLSX float read as
 * its shortest decimal.
 *
 * @example
 * ```ts
 * import { readDecimal } from "./values.ts";
 * if (readDecimal("1,234.50") !== "1234.50" || readDecimal("-12,345,678") !== "-12345678") {
 *   throw new Error("thousands separators");
 * }
 * let refused = false;
 * try {
 *   readDecimal("0,010"); // 0.010 with a decimal comma, not 10
 * } catch {
 *   refused = true;
 * }
 * if (!refused) throw new Error("a decimal comma read as a thousands separator");
 * ```
 */
export function readDecimal(cell: Cell, onFloat?: (written: string, read: string) => void): string {
  if (cell instanceof NumericCell || typeof cell === "number") {
    const written = cell instanceof NumericCell ? cell.text : String(cell);
    if (significantDigits(written) <= 15) return plain(written);
    const read = plain(String(Number(written)));
    onFloat?.(written, read);
    return read;
  }
  if (typeof cell !== "string") throw new ValueError(`not a number: ${JSON.stringify(text(cell))}`);
  let t = cell.trim();
  if (t.startsWith("+")) t = t.slice(1);
  if (/^-?\.\d/.test(t)) t = t.replace(".", "0.");
  if (PLAIN.test(t)) return t;
  if (GROUPED.test(t) && !/^-?0,/.test(t)) return t.replaceAll(",", "");
  if (SCIENTIFIC.test(t)) return plain(t);
  if (/^-?\d+,\d+$/.test(t)) {
    throw new ValueError(
      `not a number: ${JSON.stringify(t)} (a decimal comma? save the file with decimal points)`,
    );
  }
  throw new ValueError(
    t === "" ? "empty; a number is required" : `not a number: ${JSON.stringify(t)}`,
  );
}

/**
 * A fee with its asset: `0.00352911 BNB` and `0.00502299USDT` (the newer exports), or a bare
 * number whose asset another column gives (`undefined` asset here).
 */
export function readFee(
  cell: Cell,
  onFloat?: (written: string, read: string) => void,
): { amount: string; asset: string | undefined } {
  if (typeof cell === "string") {
    const m = /^\s*([+-]?[\d.,]+(?:[eE][+-]?\d+)?)\s*([A-Za-z][A-Za-z0-9]*)\s*$/.exec(cell);
    if (m !== null) {
      const [, amount = "", asset = ""] = m; // (neither group is optional)
      if (!/^[eE]\d*$/.test(asset)) {
        return { amount: readDecimal(amount), asset: asset.toUpperCase() };
      }
    }
  }
  return { amount: readDecimal(cell, onFloat), asset: undefined };
}

/** `BUY` or `SELL` (any case). */
export function readSide(cell: Cell): Side {
  const t = text(cell).toUpperCase();
  if (t === "BUY" || t === "SELL") return t;
  throw new ValueError(`not BUY or SELL: ${JSON.stringify(text(cell))}`);
}

/** `BOTH`, `LONG` or `SHORT` (any case: the exports write `Long`); empty → `undefined`. */
export function readPositionSide(cell: Cell): PositionSide | undefined {
  const t = text(cell).toUpperCase();
  if (t === "") return undefined;
  if (t === "BOTH" || t === "LONG" || t === "SHORT") return t;
  throw new ValueError(`not Long, Short or Both: ${JSON.stringify(text(cell))}`);
}

/** `true`/`false` in any case, `Y`/`N`, `1`/`0`; empty → `undefined`. */
export function readFlag(cell: Cell): boolean | undefined {
  if (typeof cell === "boolean") return cell;
  const t = text(cell).toLowerCase();
  if (t === "") return undefined;
  if (t === "true" || t === "y" || t === "yes" || t === "1") return true;
  if (t === "false" || t === "n" || t === "no" || t === "0") return false;
  throw new ValueError(`not true or false: ${JSON.stringify(text(cell))}`);
}

/**
 * An id as digits without leading zeros; empty → `undefined`. An XLSX number that lost digits
 * (exponent notation, or beyond 2^53) is `"lost"`: the caller drops it with a note.
 */
export function readId(cell: Cell): string | "lost" | undefined {
  if (cell instanceof NumericCell || typeof cell === "number") {
    const t = cell instanceof NumericCell ? cell.text : String(cell);
    if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) return "lost";
    return t.replace(/^0+(?=\d)/, "");
  }
  const t = text(cell);
  if (t === "") return undefined;
  if (!/^\d{1,40}$/.test(t)) throw new ValueError(`not an id of digits: ${JSON.stringify(t)}`);
  return t.replace(/^0+(?=\d)/, "");
}

/** A contract symbol, upper case (`BTCUSDT`, `BTCUSD_PERP`, `币安人生USDT`). */
export function readSymbol(cell: Cell, required = true): string {
  const t = text(cell).toUpperCase();
  if (t === "" && !required) return "";
  if (!SYMBOL.test(t) || t.startsWith("_")) {
    throw new ValueError(`not a contract symbol: ${JSON.stringify(text(cell))}`);
  }
  return t;
}

/** An asset (`USDT`, `BNB`, `1000PEPE`), upper case. */
export function readAsset(cell: Cell): string {
  const t = text(cell).toUpperCase();
  if (!/^[A-Z0-9]{1,20}$/.test(t)) {
    throw new ValueError(`not an asset: ${JSON.stringify(text(cell))}`);
  }
  return t;
}

const DATE_TIME =
  /^(\d{4}[-/]|\d{2}-)(\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A wall-clock time `YYYY-MM-DD HH:MM:SS[.sss]` (also `YY-MM-DD`, two-digit years being 20YY,
 * `/` for `-` after a four-digit year, no seconds) or an XLSX date cell, at `offsetMinutes` from
 * UTC, as ms UTC with the precision the cell had (1, 1000 or 60000 ms). A day first or a month
 * first (`01/05/24`) is refused, as is a minute or second past 59.
 *
 * @example
 * ```ts
 * import { readTime } from "./values.ts";
 * const t = readTime("26-03-17 09:34:12", 180);
 * if (t.ms !== Date.UTC(2026, 2, 17, 6, 34, 12) || t.precisionMs !== 1000) throw new Error();
 * for (const wrong of ["01/05/24 10:00:00", "2024-01-05 12:60:00", "2024/01/05 10:00:60"]) {
 *   let refused = false;
 *   try {
 *     readTime(wrong, 0);
 *   } catch {
 *     refused = true;
 *   }
 *   if (!refused) throw new Error(`${wrong} read as a time`);
 * }
 * ```
 */
export function readTime(cell: Cell, offsetMinutes: number): { ms: number; precisionMs: number } {
  if (cell instanceof Date) {
    // A spreadsheet date: its UTC fields are the wall clock. Serial days are floats: snap to
    // the second when within a millisecond of one.
    let ms = Math.round(cell.getTime());
    const second = Math.round(ms / 1000) * 1000;
    if (Math.abs(ms - second) <= 1) ms = second;
    return { ms: ms - offsetMinutes * 60_000, precisionMs: ms % 1000 === 0 ? 1000 : 1 };
  }
  const t = text(cell);
  const fast = quickTime(t);
  if (fast !== undefined) return { ms: fast - offsetMinutes * 60_000, precisionMs: 1000 };
  const m = DATE_TIME.exec(t);
  if (m === null) throw new ValueError(`not a date and time: ${JSON.stringify(t)}`);
  // (only the seconds and their fraction are optional in DATE_TIME)
  const [, y = "", mo, d, h, mi, s, frac] = m;
  const year = y.length === 3 ? 2000 + Number(y.slice(0, 2)) : Number(y.slice(0, 4));
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, "0"));
  const ms = Date.UTC(
    year,
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    millis,
  );
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== year || back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59
  ) {
    throw new ValueError(`not a real date and time: ${JSON.stringify(t)}`);
  }
  const precisionMs = frac !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
  return { ms: ms - offsetMinutes * 60_000, precisionMs };
}

// The day of the last `YYYY-MM-DD HH:MM:SS` read and its midnight: rows of a day share them.
let lastDay = "";
let lastMidnight = 0;

/** `YYYY-MM-DD HH:MM:SS` (the usual form) as UTC wall-clock ms, without a regular expression. */
function quickTime(t: string): number | undefined {
  if (
    t.length !== 19 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 ||
    t.charCodeAt(10) !== 32 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58
  ) return undefined;
  if (!t.startsWith(lastDay) || lastDay === "") {
    const [y, mo, d] = [digits(t, 0, 4), digits(t, 5, 2), digits(t, 8, 2)];
    const midnight = Date.UTC(y, mo - 1, d);
    const back = new Date(midnight);
    if (
      Number.isNaN(midnight) || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 ||
      back.getUTCDate() !== d
    ) return undefined;
    lastDay = t.slice(0, 11);
    lastMidnight = midnight;
  }
  const h = digits(t, 11, 2);
  const mi = digits(t, 14, 2);
  const sec = digits(t, 17, 2);
  if (!(h < 24 && mi < 60 && sec < 60)) return undefined; // (false for NaN)
  return lastMidnight + ((h * 60 + mi) * 60 + sec) * 1000;
}

/** The number written by `width` digits at `at`; NaN if one is not a digit. */
function digits(t: string, at: number, width: number): number {
  let v = 0;
  for (let i = at; i < at + width; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

function significantDigits(written: string): number {
  const mantissa = written.replace(/[eE].*$/, "").replace(/[-+.]/g, "").replace(/^0+/, "");
  return mantissa.replace(/0+$/, "").length;
}

/** Plain decimal text of a number written in any notation Decimal reads. */
function plain(written: string): string {
  try {
    return Decimal.parse(written.replace(/^\+/, "")).toString();
  } catch {
    throw new ValueError(`not a number: ${JSON.stringify(written)}`);
  }
}
