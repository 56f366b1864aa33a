/**
 * An export's rows without ids that the files hold already from an import of the same export at
 * another precision: one printed to the second, the other without seconds (a spreadsheet's copy
 * of it). Their made ids differ, so each fill would be added a second time; the row of the same
 * values in the same minute, from an export of the other precision, is that fill, and the
 * export's row is left out (one to one). Rows of the same precision are not taken here: the same
 * export gives the same made ids. Pure.
 *
 * @module
 */

import { isMadeId, madeIdReachMs } from "../fill.ts";
import { incomeValues, tradeValues } from "./shifted_rows.ts";
import type { ArchiveIncome, ArchiveTrade } from "./types.ts";

const MINUTE = 60_000;

/** The files' rows of earlier imports, by values, minute and precision, to take one by one. */
export class OtherPrecision {
  readonly #left = new Map<string, number>();

  #add(values: string, time: number, id: string): void {
    const key = keyOf(values, time, madeIdReachMs(id) >= MINUTE);
    this.#left.set(key, (this.#left.get(key) ?? 0) + 1);
  }

  #take(values: string, time: number, wholeMinutes: boolean): boolean {
    const key = keyOf(values, time, !wholeMinutes);
    const left = this.#left.get(key) ?? 0;
    if (left === 0) return false;
    this.#left.set(key, left - 1);
    return true;
  }

  /** A fill of the files (only an earlier import's, with a made id, is kept). */
  fill(
    fill: Parameters<typeof tradeValues>[0] & { id: string; time: number; source?: string },
  ): void {
    if (fill.source === "archive" && isMadeId(fill.id)) {
      this.#add(tradeValues(fill), fill.time, fill.id);
    }
  }

  /** An income record of the files (only an earlier import's, with a made id, is kept). */
  income(
    record: Parameters<typeof incomeValues>[0] & { tranId: string; time: number; source?: string },
  ): void {
    if (record.source === "archive" && isMadeId(record.tranId)) {
      this.#add(incomeValues(record), record.time, record.tranId);
    }
  }

  /**
   * Whether the export's trade `t` (from an export without seconds: `wholeMinutes`) is a files'
   * row of the other precision; if so it is taken (no other row of the export pairs with it).
   *
   * @example
   * ```ts
   * import { madeId } from "../fill.ts";
   * import { OtherPrecision } from "./other_precision.ts";
   * const t = {
   *   market: "usdm", symbol: "BTCUSDT", side: "BUY", price: "68000", qty: "0.010",
   *   commission: "0.27", commissionAsset: "USDT", realizedPnl: "0", source: "t.csv", line: 2,
   * } as const;
   * const at = Date.UTC(2024, 1, 10, 10, 0, 13);
   * const files = new OtherPrecision();
   * files.fill({ ...t, time: at, id: madeId(at, 0), source: "archive" }); // printed to the second
   * const minute = Date.UTC(2024, 1, 10, 10);
   * if (!files.takeTrade({ ...t, time: minute }, true)) throw new Error("the same fill");
   * if (files.takeTrade({ ...t, time: minute }, true)) throw new Error("taken once only");
   * ```
   */
  takeTrade(t: ArchiveTrade, wholeMinutes: boolean): boolean {
    return this.#take(tradeValues(t), t.time, wholeMinutes);
  }

  /** As {@linkcode OtherPrecision.takeTrade}, for an income row. */
  takeIncome(r: ArchiveIncome, wholeMinutes: boolean): boolean {
    return this.#take(incomeValues(r), r.time, wholeMinutes);
  }
}

function keyOf(values: string, time: number, wholeMinutes: boolean): string {
  return `${values}|${Math.floor(time / MINUTE)}|${wholeMinutes}`;
}
