/**
 * The time zone of an export's times.
 *
 * - A header that names its zone says it: `Date(UTC)` and `Time(UTC)` are UTC, `Date(UTC+8)` is
 *   UTC+8 (BittyTax reads `Date(UTC+N)` headers of Binance exports).
 * - A bare `Time` column is in the zone the exporter's website shows, which Binance writes in the
 *   file's name: `Binance-Futures-Trade-History-202608302008(UTC+3)-part1-of1.csv`, and for a
 *   negative offset `…(UTC--6)…` (public importers read the offset from the name for this reason:
 *   `guessUtcOffsetFromFilename`, "Binance export is UTC+7", "parses date as KST (UTC+9)").
 * - Otherwise the caller must say (`utcOffsetMinutes`); without that the file is refused rather
 *   than read hours off.
 *
 * @module
 */

const ZONE = /\(\s*UTC\s*(?:(--|[+-])\s*(\d{1,2})(?:([:.])(\d{1,2}))?)?\s*\)/i;

/**
 * Whether `minutes` east of UTC is an offset a time zone has: from UTC−12:00 to UTC+14:00, in
 * quarter hours (`+5:45` is Nepal's; `+3:75` is a typo).
 */
export function isZoneOffset(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= -720 && minutes <= 840 && minutes % 15 === 0;
}

/**
 * The UTC offset in minutes that `text` states as `(UTC…)`, or `undefined` when it states none.
 *
 * @throws {RangeError} when the offset it states is no time zone's ({@linkcode isZoneOffset}).
 *
 * @example
 * ```ts
 * import { statedOffset } from "./time_zone.ts";
 * const ok = statedOffset("Binance-Futures-Trade-History-202603230520(UTC--6).csv") === -360 &&
 *   statedOffset("Time(UTC)") === 0 && statedOffset("x(UTC+5:30).csv") === 330 &&
 *   statedOffset("x(UTC+5.5).csv") === 330 && statedOffset("trades.csv") === undefined;
 * if (!ok) throw new Error();
 * try {
 *   statedOffset("x(UTC+3:75).csv");
 *   throw new Error("accepted");
 * } catch (error) {
 *   if (!(error instanceof RangeError)) throw error;
 * }
 * ```
 */
export function statedOffset(text: string): number | undefined {
  const m = ZONE.exec(text);
  if (m === null) return undefined;
  const [stated, sign, hours, separator, part] = m;
  if (sign === undefined || hours === undefined) return 0;
  let minutes = Number(hours) * 60;
  if (part !== undefined) {
    minutes += separator === ":"
      ? (Number(part) < 60 ? Number(part) : NaN)
      : Number(`0.${part}`) * 60;
  }
  const offset = sign === "+" ? Math.round(minutes) : -Math.round(minutes);
  if (!isZoneOffset(offset)) {
    throw new RangeError(
      `${stated.trim()} is no time zone's offset (they run from UTC-12:00 to UTC+14:00, in ` +
        "quarter hours)",
    );
  }
  return offset;
}

/** The text with its `(UTC…)` part removed (`Date(UTC)` → `Date`). */
export function withoutZone(text: string): string {
  return text.replace(ZONE, "");
}

/** `UTC+3`, `UTC-5:30`, `UTC` for messages. */
export function zoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return "UTC";
  const abs = Math.abs(offsetMinutes);
  const minutes = abs % 60;
  return `UTC${offsetMinutes < 0 ? "-" : "+"}${Math.floor(abs / 60)}` +
    (minutes === 0 ? "" : `:${String(minutes).padStart(2, "0")}`);
}
