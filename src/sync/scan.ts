/**
 * Reading the whole fills and income files, for a sync that cannot trust its cache (the first
 * one, a file edited, a run killed before the end): where each symbol's fills end, where the
 * income history ends, and which fills the income history refers to that the fills file lacks —
 * so that fills deleted from the file, or never fetched, are fetched again.
 *
 * Memory: a number per fill (its trade id) and per trade-linked income record, not the rows.
 *
 * @module
 */

import { compareIds, isMadeId, type Market, MARKETS } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { symbolKey } from "../ledger/ledger_stream.ts";
import { readIfExists } from "../storage/data_file.ts";
import { streamLedgerFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { deriveState, type SyncState } from "../storage/state_file.ts";

/** What the files hold, as far as the sync's planning needs. */
export interface Scan {
  /** The watermarks the files imply. */
  readonly derived: SyncState;
  /**
   * Per market, symbols with trade-linked income records (COMMISSION, REALIZED_PNL) whose fill
   * the fills file lacks, with the time of the earliest such record.
   */
  readonly missing: ReadonlyMap<Market, ReadonlyMap<string, number>>;
  /** Whether there is a fills file, and one with at least one fill. */
  readonly fills: "none" | "empty" | "some";
}

/** Trade ids as numbers while they are safe integers, else as text. */
class IdSet {
  readonly #numbers: number[] = [];
  readonly #texts = new Set<string>();
  #sorted = true;

  add(id: string): void {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) return void this.#texts.add(id);
    if (this.#numbers.length > 0 && n < this.#numbers[this.#numbers.length - 1]) {
      this.#sorted = false;
    }
    this.#numbers.push(n);
  }

  has(id: string): boolean {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) return this.#texts.has(id);
    if (!this.#sorted) {
      this.#numbers.sort((a, b) => a - b);
      this.#sorted = true;
    }
    let lo = 0;
    let hi = this.#numbers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#numbers[mid] < n) lo = mid + 1;
      else hi = mid;
    }
    return this.#numbers[lo] === n;
  }
}

const TRADE_INCOME = new Set(["COMMISSION", "REALIZED_PNL"]);

/**
 * Reads the fills and income files whole (each may be missing).
 *
 * @throws {DataFileError} for a malformed file.
 */
export async function scanFiles(fillsPath: string, incomePath: string): Promise<Scan> {
  const references: IncomeRecord[] = [];
  const lastIncome: IncomeRecord[] = [];
  const latest = new Map<Market, IncomeRecord>();
  await readIfExists(() =>
    streamIncomeFile(incomePath, (record) => {
      if (record.tradeId !== "" && TRADE_INCOME.has(record.incomeType)) references.push(record);
      const known = latest.get(record.market);
      if (known === undefined || record.time > known.time) latest.set(record.market, record);
    })
  );
  lastIncome.push(...latest.values());

  const ids = new Map<string, IdSet>();
  const watermarks: { market: Market; symbol: string; id: string; time: number }[] = [];
  const last = new Map<string, { market: Market; symbol: string; id: string; time: number }>();
  const streamed = await readIfExists(() =>
    streamLedgerFills(fillsPath, (fill) => {
      const key = symbolKey(fill.market, fill.symbol);
      let set = ids.get(key);
      if (set === undefined) ids.set(key, set = new IdSet());
      set.add(fill.id);
      const known = last.get(key);
      if (isMadeId(fill.id)) return; // an archive's row: not where the API's fills end
      if (known === undefined || compareIds(known.id, fill.id) < 0) {
        last.set(key, { market: fill.market, symbol: fill.symbol, id: fill.id, time: fill.time });
      }
    })
  );
  watermarks.push(...last.values());

  const missing = new Map<Market, Map<string, number>>(MARKETS.map((m) => [m, new Map()]));
  for (const r of references) {
    if (ids.get(symbolKey(r.market, r.symbol))?.has(r.tradeId)) continue;
    const bySymbol = missing.get(r.market)!;
    bySymbol.set(r.symbol, Math.min(bySymbol.get(r.symbol) ?? Infinity, r.time));
  }
  const derived = deriveState(watermarks, lastIncome);
  return {
    derived,
    missing,
    fills: streamed === undefined ? "none" : streamed.count === 0 ? "empty" : "some",
  };
}
