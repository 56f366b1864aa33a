/**
 * An export without ids imported again in another time zone. Its rows' ids are made from their
 * times (`madeId`), so read at another offset they are new ids, and every fill would be added a
 * second time, hours away from the first. The evidence: most of the archive's rows without an id
 * are in the files already, as an earlier import's rows (with made ids), all shifted by one whole
 * number of quarter hours (the step of time zones), with the same values. Then the import is
 * refused. Funding records are left out of the evidence: they fall every 8 hours, and a small
 * position pays the same amount again and again. Pure.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { isMadeId, type Market } from "../fill.ts";
import {
  type ArchiveContents,
  ArchiveError,
  type ArchiveIncome,
  type ArchiveTrade,
} from "./types.ts";

const QUARTER_HOUR = 15 * 60_000;
/** The widest shift between two zones: UTC−12:00 to UTC+14:00. */
export const WIDEST_SHIFT_MS = 26 * 3_600_000;

const number = (text: string) => Decimal.parse(text).normalize().toString();

/** What a trade row is, but for its time and id. */
export function tradeValues(t: {
  market: Market;
  symbol: string;
  side: string;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  realizedPnl: string;
}): string {
  return `t|${t.market}|${t.symbol}|${t.side}|${number(t.price)}|${number(t.qty)}|` +
    `${number(t.commission)}|${t.commissionAsset}|${number(t.realizedPnl)}`;
}

/** What an income row is, but for its time and id. */
export function incomeValues(r: {
  market: Market;
  incomeType: string;
  symbol: string;
  income: string;
  asset: string;
}): string {
  return `i|${r.market}|${r.incomeType}|${r.symbol}|${number(r.income)}|${r.asset}`;
}

/** The files' rows of earlier imports (made ids), by their values. */
export class ImportedRows {
  readonly #times = new Map<string, number[]>();

  #add(values: string, time: number): void {
    const times = this.#times.get(values);
    if (times === undefined) this.#times.set(values, [time]);
    else times.push(time);
  }

  /** A fill of the files (only an earlier import's, with a made id, is kept). */
  fill(
    fill: Parameters<typeof tradeValues>[0] & { id: string; time: number; source?: string },
  ): void {
    if (fill.source === "archive" && isMadeId(fill.id)) this.#add(tradeValues(fill), fill.time);
  }

  /** An income record of the files (only an earlier import's, with a made id, is kept). */
  income(
    record: Parameters<typeof incomeValues>[0] & { tranId: string; time: number; source?: string },
  ): void {
    if (
      record.source === "archive" && isMadeId(record.tranId) && record.incomeType !== "FUNDING_FEE"
    ) this.#add(incomeValues(record), record.time);
  }

  /**
   * Refuses `contents` when most of its rows without an id are the files' rows of an earlier
   * import shifted by one whole number of quarter hours.
   *
   * @example
   * ```ts
   * import { ImportedRows } from "./shifted_rows.ts";
   * const row = {
   *   market: "usdm", symbol: "BTCUSDT", side: "BUY", price: "68000", qty: "0.010",
   *   commission: "0.27", commissionAsset: "USDT", realizedPnl: "0", source: "t.csv", line: 2,
   * } as const;
   * const files = new ImportedRows();
   * // Imported before at UTC+2: 07:00 UTC; now at UTC+3: 06:00 UTC.
   * files.fill({ ...row, id: "91707548400000000000", time: Date.UTC(2024, 1, 10, 7), source: "archive" });
   * const contents = { trades: [{ ...row, time: Date.UTC(2024, 1, 10, 6) }], income: [] } as never;
   * let refused = false;
   * try {
   *   files.check(contents);
   * } catch {
   *   refused = true;
   * }
   * if (!refused) throw new Error("the same fill added an hour away");
   * ```
   *
   * @throws {ArchiveError} naming a row, the shift, and what to do.
   */
  check(contents: Pick<ArchiveContents, "trades" | "income">): void {
    const rows: { row: ArchiveTrade | ArchiveIncome; values: string }[] = [
      ...contents.trades.filter((t) => t.id === undefined)
        .map((t) => ({ row: t, values: tradeValues(t) })),
      ...contents.income.filter((r) => r.tranId === undefined && r.incomeType !== "FUNDING_FEE")
        .map((r) => ({ row: r, values: incomeValues(r) })),
    ];
    const found = commonShift(rows, (values) => this.#times.get(values) ?? [], 1);
    if (found === undefined) return;
    const { shift, count, first } = found;
    const hours = `${Math.abs(shift) / 3_600_000} h`;
    throw new ArchiveError(
      first.source,
      `${count} of its ${rows.length} rows without an id are in the files already, ` +
        `${hours} ${shift > 0 ? "later" : "earlier"}, from an earlier import: it was imported ` +
        "before in another time zone. Nothing was added. If that earlier import's zone was " +
        "wrong, delete its rows (source archive) from the files and import again",
      first.line,
    );
  }
}

/**
 * The one shift by a whole number of quarter hours (not zero, at most {@linkcode WIDEST_SHIFT_MS})
 * that takes most of `rows` (more than half) to a reference row with the same values: `times`
 * gives the references' times for a row's values, and a row's time is `precisionMs` coarse (the
 * reference may be up to that much later). Only a row whose values are its own is evidence: once
 * among `rows`, and with one reference within the widest shift. A grid bot's fills, alike every
 * minute, match one another at any shift and prove nothing. Undefined when there is none.
 *
 * @example
 * ```ts
 * import { commonShift } from "./shifted_rows.ts";
 * const H = 3_600_000;
 * const rows = [{ row: { time: 0 }, values: "a" }, { row: { time: H }, values: "b" }];
 * const refs = new Map([["a", [2 * H + 400]], ["b", [3 * H + 999]]]);
 * const found = commonShift(rows, (v) => refs.get(v) ?? [], 1000);
 * if (found?.shift !== 2 * H || found.count !== 2) throw new Error();
 * // Each of the values twice (a grid bot's fills): no evidence.
 * const alike = [...rows, { row: { time: 2 * H }, values: "a" }];
 * alike.push({ row: { time: 3 * H }, values: "b" });
 * if (commonShift(alike, (v) => refs.get(v) ?? [], 1000) !== undefined) throw new Error();
 * ```
 */
export function commonShift<R extends { time: number }>(
  rows: readonly { row: R; values: string }[],
  times: (values: string) => readonly number[],
  precisionMs: number,
): { shift: number; count: number; first: R } | undefined {
  const seen = new Map<string, number>();
  for (const { values } of rows) seen.set(values, (seen.get(values) ?? 0) + 1);
  const own = rows.filter(({ values }) => seen.get(values) === 1);
  const shifts = new Map<number, { count: number; first: R }>();
  for (const { row, values } of own) {
    const near = times(values).filter((time) => Math.abs(time - row.time) <= WIDEST_SHIFT_MS);
    const [time] = near;
    if (near.length !== 1 || time === undefined) continue;
    const away = time - row.time;
    const over = ((away % QUARTER_HOUR) + QUARTER_HOUR) % QUARTER_HOUR;
    const shift = away - over;
    if (over >= precisionMs || shift === 0) continue;
    const found = shifts.get(shift);
    if (found === undefined) shifts.set(shift, { count: 1, first: row });
    else found.count++;
  }
  for (const [shift, { count, first }] of shifts) {
    if (count * 2 > own.length) return { shift, count, first };
  }
  return undefined;
}
