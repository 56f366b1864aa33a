/**
 * An archive's rows whose id the files hold already, at another time. The files hold each id once
 * (per market and symbol for trades, per market and type for income), and an id's time does not
 * change: a row of the archive more than its precision away from the files' row of the same id was
 * read in the wrong time zone (`--utc-offset`), and would be added a second time. Pure.
 *
 * @module
 */

import type { Market } from "../fill.ts";
import { type ArchiveContents, ArchiveError } from "./types.ts";

/** The times of the files' rows with an id the archive has. */
export class KnownIds {
  readonly #trades = new Map<string, number>();
  readonly #income = new Map<string, number>();

  /** Ready to note the rows of the files with an id among `contents`' rows. */
  constructor(contents: ArchiveContents) {
    for (const t of contents.trades) {
      if (t.id !== undefined) this.#trades.set(tradeKey(t.market, t.symbol, t.id), NaN);
    }
    for (const r of contents.income) {
      if (r.tranId !== undefined) {
        this.#income.set(incomeKey(r.market, r.incomeType, r.tranId), NaN);
      }
    }
  }

  /** A fill of the files. */
  fill(fill: { market: Market; symbol: string; id: string; time: number }): void {
    const key = tradeKey(fill.market, fill.symbol, fill.id);
    if (this.#trades.has(key)) this.#trades.set(key, fill.time);
  }

  /** An income record of the files. */
  income(record: { market: Market; incomeType: string; tranId: string; time: number }): void {
    const key = incomeKey(record.market, record.incomeType, record.tranId);
    if (this.#income.has(key)) this.#income.set(key, record.time);
  }

  /**
   * Refuses the first row of `contents` whose id the files hold more than `precisionMs` (the
   * archive's time precision) away from it; or, if the files' time is a whole minute or second
   * (an earlier export's, cut as short), more than that after it.
   *
   * @example
   * ```ts
   * import { KnownIds } from "./known_ids.ts";
   * const market = "usdm" as const;
   * const trade = { market, symbol: "BTCUSDT", id: "11", source: "t.csv", line: 2 };
   * const contents = {
   *   trades: [{ ...trade, time: Date.UTC(2024, 0, 5, 2) }], // read at UTC+8: 8 hours early
   *   income: [],
   *   files: [],
   *   notes: [],
   * } as never;
   * const known = new KnownIds(contents);
   * known.fill({ ...trade, time: Date.UTC(2024, 0, 5, 10) }); // the files' row of trade 11
   * let refused = false;
   * try {
   *   known.check(contents, 1000);
   * } catch {
   *   refused = true;
   * }
   * if (!refused) throw new Error("a trade added at a second time");
   * ```
   *
   * @throws {ArchiveError} naming the row, both times, and the likely cause.
   */
  check(contents: ArchiveContents, precisionMs: number): void {
    const away = (had: number, time: number) =>
      !Number.isNaN(had) && Math.abs(had - time) >= precisionMs &&
      !(time >= had && time - had < cutTo(had));
    for (const t of contents.trades) {
      if (t.id === undefined) continue;
      const had = this.#trades.get(tradeKey(t.market, t.symbol, t.id));
      if (had !== undefined && away(had, t.time)) {
        throw elsewhere(t, `trade ${t.id} of ${t.symbol}`, had);
      }
    }
    for (const r of contents.income) {
      if (r.tranId === undefined) continue;
      const had = this.#income.get(incomeKey(r.market, r.incomeType, r.tranId));
      if (had !== undefined && away(had, r.time)) {
        throw elsewhere(r, `${r.incomeType} record ${r.tranId}`, had);
      }
    }
  }
}

/** How far a time a whole minute (or second) may have been cut short: an export's. */
function cutTo(time: number): number {
  return time % 60_000 === 0 ? 60_000 : time % 1000 === 0 ? 1000 : 1;
}

function tradeKey(market: Market, symbol: string, id: string): string {
  return `${market}|${symbol}|${id}`;
}

function incomeKey(market: Market, type: string, tranId: string): string {
  return `${market}|${type}|${tranId}`;
}

function elsewhere(
  row: { source: string; line: number; time: number },
  what: string,
  had: number,
): ArchiveError {
  return new ArchiveError(
    row.source,
    `${what} is in the files at ${iso(had)}, and here at ${iso(row.time)}: is the file's time ` +
      "zone right (--utc-offset)? It would be added a second time",
    row.line,
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
