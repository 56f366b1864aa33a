/**
 * Time as the files print it: ISO 8601 UTC with milliseconds (`2025-01-01T00:13:20.875Z`).
 *
 * @module
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(Z|\+00:00)?$/;

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch as `2025-01-01T00:13:20.875Z` (what `toISOString` gives). */
export function formatTime(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString(); // (throws for NaN)
  const t = splitTime(ms);
  return datePart(t.day) + twoDigits(t.hours) + ":" + twoDigits(t.minutes) + ":" +
    twoDigits(t.seconds) + (t.millis < 10 ? ".00" : t.millis < 100 ? ".0" : ".") + t.millis + "Z";
}

/** A whole number of milliseconds since the epoch as its UTC day and its time of day. */
interface SplitTime {
  /** Days since the epoch (negative before 1970). */
  readonly day: number;
  /** 0–23. */
  readonly hours: number;
  /** 0–59. */
  readonly minutes: number;
  /** 0–59. */
  readonly seconds: number;
  /** 0–999. */
  readonly millis: number;
}

/** {@linkcode SplitTime} of `ms`, a whole number: what {@linkcode formatTime} prints. */
function splitTime(ms: number): SplitTime {
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return { day, hours, minutes, seconds, millis: rest - seconds * 1000 };
}

// The date part of the last day formatted: times come in order, so most share it.
let lastDay = NaN;
let lastDate = "";

/**
 * The date part of UTC day `day` as {@linkcode formatTime} prints it (`2025-01-01T`); the same
 * string while the day is the same.
 */
export function datePart(day: number): string {
  if (day !== lastDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    lastDate = iso.slice(0, iso.indexOf("T") + 1);
    lastDay = day;
  }
  return lastDate;
}

function twoDigits(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/**
 * Reads a UTC time: `2025-01-01T00:13:20.875Z` (what futures-ledger writes), the Python tool's
 * `2025-01-01 00:13:20.875000`, a date alone (`2025-01-01`, midnight UTC), or epoch milliseconds.
 * Every time is UTC. Returns `undefined` for anything else, including impossible dates and
 * fractions finer than a millisecond.
 */
export function parseTime(text: string): number | undefined {
  return parseTimeAt(text, 0, text.length);
}

/** {@linkcode parseTime} of the range `text[start, end)`, without copying it in the usual case. */
export function parseTimeAt(text: string, start: number, end: number): number | undefined {
  if (end - start === 24) {
    const ms = parseCanonical(text, start);
    if (ms !== undefined) return ms;
  }
  return parseGeneral(text.slice(start, end));
}

function parseGeneral(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  // (the year, month and day are not optional in DATE_TIME: their defaults are never taken)
  const [, y = "", mo = "", d = "", h = "0", mi = "0", s = "0", frac = ""] = m;
  if (frac.length > 3 && !/^0+$/.test(frac.slice(3))) return undefined;
  return utc(+y, +mo, +d, +h, +mi, +s, +frac.slice(0, 3).padEnd(3, "0"));
}

/** A calendar date `YYYY-MM-DD` as midnight UTC in ms; `undefined` when not a real date. */
export function parseDate(text: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseTime(text) : undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` at `o`, without a regular expression (the fills file's hot path). */
function parseCanonical(t: string, o: number): number | undefined {
  if (
    t.charCodeAt(o + 4) !== 45 || t.charCodeAt(o + 7) !== 45 || t.charCodeAt(o + 10) !== 84 ||
    t.charCodeAt(o + 13) !== 58 || t.charCodeAt(o + 16) !== 58 || t.charCodeAt(o + 19) !== 46 ||
    t.charCodeAt(o + 23) !== 90
  ) return undefined;
  if (lastParsedDate === "" || !t.startsWith(lastParsedDate, o)) {
    const [y, mo, d] = [digitsAt(t, o, 4), digitsAt(t, o + 5, 2), digitsAt(t, o + 8, 2)];
    const midnight = utc(y, mo, d, 0, 0, 0, 0);
    if (midnight === undefined) return undefined;
    lastParsedDate = t.slice(o, o + 11); // "YYYY-MM-DDT": rows in time order share it
    lastMidnight = midnight;
  }
  const h = digitsAt(t, o + 11, 2);
  const mi = digitsAt(t, o + 14, 2);
  const s = digitsAt(t, o + 17, 2);
  const ms = digitsAt(t, o + 20, 3);
  if (!(h < 24 && mi < 60 && s < 60 && ms >= 0)) return undefined; // (false for NaN)
  return lastMidnight + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** The number written by `width` digits at `at`; NaN if one is not a digit. */
function digitsAt(t: string, at: number, width: number): number {
  let v = 0;
  for (let i = at; i < at + width; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

// The date of the last canonical time read, and its midnight.
let lastParsedDate = "";
let lastMidnight = 0;

/** Epoch ms of a UTC civil time, or `undefined` if any part is out of range (Feb 30, 24:00). */
function utc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | undefined {
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h < 24 && mi < 60 && s < 60 && ms >= 0)) {
    return undefined;
  }
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = mo === 2
    ? (leap ? 29 : 28)
    : mo === 4 || mo === 6 || mo === 9 || mo === 11
    ? 30
    : 31;
  if (d > monthDays) return undefined;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
