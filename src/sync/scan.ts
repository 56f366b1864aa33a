/**
 * Reading the whole fills and income files, for a sync that cannot trust its cache (the first
 * one, a file edited, a run killed before the end): where each symbol's fills and the income
 * history end, which fills the income history refers to that the fills file lacks (so that fills
 * deleted from the file, or never fetched, are fetched again), what each book's fills add up to
 * (the open quantity when nothing was held before the data: what Binance's positions are
 * compared with), and the income check's sums.
 *
 * Memory: a few numbers per fill and per trade-linked income record, not the rows.
 *
 * @module
 */

import { compareIds, isMadeId, type Market, MARKETS } from "../fill.ts";
import { Decimal } from "../decimal.ts";
import { symbolKey } from "../ledger/ledger_stream.ts";
import type { IncomeSums } from "../storage/cache_file.ts";
import { readIfExists } from "../storage/data_file.ts";
import { streamLedgerFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { deriveState, type SyncState } from "../storage/state_file.ts";
import type { PositionMap } from "./discovery.ts";
import { SumsBuilder } from "./income_sums.ts";

/** What the files hold, as far as the sync's planning needs. */
export interface Scan {
  /** The watermarks the files imply. */
  readonly derived: SyncState;
  /**
   * Per market, symbols with trade-linked income records (COMMISSION, REALIZED_PNL) whose fill
   * the fills file lacks, with the time of the earliest such record.
   */
  readonly missing: ReadonlyMap<Market, ReadonlyMap<string, number>>;
  /** Per market, each book's fills summed (`SYMBOL|positionSide` → signed quantity, non-zero). */
  readonly net: ReadonlyMap<Market, PositionMap>;
  /** Per market with income, the income check's sums up to `cutoffMs`. */
  readonly sums: ReadonlyMap<Market, IncomeSums>;
  /** Whether there is a fills file, and one with at least one fill. */
  readonly fills: "none" | "empty" | "some";
}

/** Numbers while they are safe integers, else text: the trade ids of a symbol, compactly. */
class IdList {
  readonly numbers: number[] = [];
  readonly texts: string[] = [];
  /** With each, the time of its record (for references). */
  readonly times: number[] = [];
  readonly textTimes: number[] = [];

  add(id: string, time = 0): void {
    const n = Number(id);
    if (Number.isSafeInteger(n)) {
      this.numbers.push(n);
      this.times.push(time);
    } else {
      this.texts.push(id);
      this.textTimes.push(time);
    }
  }

  /** A lookup of the ids. */
  set(): { has(id: string): boolean } {
    const numbers = new Float64Array(this.numbers).sort();
    const texts = new Set(this.texts);
    return {
      has(id: string) {
        const n = Number(id);
        if (!Number.isSafeInteger(n)) return texts.has(id);
        let lo = 0;
        let hi = numbers.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (numbers[mid] < n) lo = mid + 1;
          else hi = mid;
        }
        return numbers[lo] === n;
      },
    };
  }
}

const TRADE_INCOME = new Set(["COMMISSION", "REALIZED_PNL"]);

/**
 * Reads the fills and income files whole (each may be missing); the income check's sums run to
 * `cutoffMs`.
 *
 * @throws {DataFileError} for a malformed file.
 */
export async function scanFiles(
  fillsPath: string,
  incomePath: string,
  cutoffMs: number,
): Promise<Scan> {
  const references = new Map<string, { market: Market; symbol: string; ids: IdList }>();
  const latest = new Map<Market, number>();
  const first = new Map<Market, number>();
  const incomeSums = new Map<Market, SumsBuilder>();
  const sumsOf = (market: Market) => {
    let sums = incomeSums.get(market);
    // Every income record is at or after the market's first: the period's start is for fills.
    if (sums === undefined) incomeSums.set(market, sums = new SumsBuilder(-Infinity, cutoffMs));
    return sums;
  };
  await readIfExists(() =>
    streamIncomeFile(incomePath, (record) => {
      sumsOf(record.market).income(record, true);
      if (!(record.time <= latest.get(record.market)!)) latest.set(record.market, record.time);
      if (record.tradeId === "" || !TRADE_INCOME.has(record.incomeType)) return;
      const key = symbolKey(record.market, record.symbol);
      let entry = references.get(key);
      if (entry === undefined) {
        entry = { market: record.market, symbol: record.symbol, ids: new IdList() };
        references.set(key, entry);
      }
      entry.ids.add(record.tradeId, record.time);
    }).then((starts) => starts.forEach((time, market) => first.set(market, time)))
  );
  const sums = new Map(
    [...first].map(([m, t]) => [m, new SumsBuilder(t, cutoffMs, sumsOf(m).build())]),
  );

  const ids = new Map<string, IdList>();
  const last = new Map<string, { market: Market; symbol: string; id: string; time: number }>();
  const net = new Map<string, { market: Market; key: string; qty: Decimal }>();
  const streamed = await readIfExists(() =>
    streamLedgerFills(fillsPath, (fill) => {
      sums.get(fill.market)?.fill(fill);
      const key = symbolKey(fill.market, fill.symbol);
      let list = ids.get(key);
      if (list === undefined) ids.set(key, list = new IdList());
      list.add(fill.id);
      const book = `${key}|${fill.positionSide}`;
      const held = net.get(book) ??
        { market: fill.market, key: `${fill.symbol}|${fill.positionSide}`, qty: Decimal.ZERO };
      const qty = Decimal.parse(fill.qty); // signed as Binance signs positions: a short negative
      held.qty = fill.side === "BUY" ? held.qty.plus(qty) : held.qty.minus(qty);
      net.set(book, held);
      if (isMadeId(fill.id)) return; // an archive's row: not where the API's fills end
      const known = last.get(key);
      if (known === undefined || compareIds(known.id, fill.id) < 0) {
        last.set(key, { market: fill.market, symbol: fill.symbol, id: fill.id, time: fill.time });
      }
    })
  );

  const missing = new Map<Market, Map<string, number>>(MARKETS.map((m) => [m, new Map()]));
  for (const [key, { market, symbol, ids: refs }] of references) {
    const have = (ids.get(key) ?? new IdList()).set();
    const bySymbol = missing.get(market)!;
    const note = (id: string, time: number) => {
      if (!have.has(id)) bySymbol.set(symbol, Math.min(bySymbol.get(symbol) ?? Infinity, time));
    };
    refs.numbers.forEach((n, i) => note(String(n), refs.times[i]));
    refs.texts.forEach((text, i) => note(text, refs.textTimes[i]));
  }
  const nets = new Map<Market, Map<string, string>>(MARKETS.map((m) => [m, new Map()]));
  for (const { market, key, qty } of net.values()) {
    if (!qty.isZero()) nets.get(market)!.set(key, qty.normalize().toString());
  }
  return {
    derived: deriveState(last.values(), [...latest].map(([market, time]) => ({ market, time }))),
    missing,
    net: nets,
    sums: new Map([...sums].map(([market, b]) => [market, b.build()])),
    fills: streamed === undefined ? "none" : streamed.count === 0 ? "empty" : "some",
  };
}
