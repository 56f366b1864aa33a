/**
 * Reading the whole fills and income files, for a sync that cannot trust its cache (the first
 * one, a file edited, a run killed before the end): where each symbol's fills and the income
 * history end, which fills the income history refers to that the fills file lacks (so that fills
 * deleted from the file, or never fetched, are fetched again), what each book's fills add up to
 * (the open quantity when nothing was held before the data: what Binance's positions are
 * compared with), and the income check's sums.
 *
 * Memory: about 3 bytes per fill (its trade id, `trade_id_set.ts`), not the rows; the income
 * history is read twice rather than held.
 *
 * @module
 */

import { defined } from "../defined.ts";
import { compareIds, isMadeId, type LedgerFill, type Market, MARKETS } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { Decimal } from "../decimal.ts";
import { symbolKey } from "../ledger/ledger_stream.ts";
import type { IncomeSums } from "../storage/cache_file.ts";
import { readIfExists } from "../storage/data_file.ts";
import { streamLedgerFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { priceKey, readPricesFile } from "../storage/prices_file.ts";
import { minuteOf, needsConversion, priceSymbol } from "../ledger/fee_prices.ts";
import { RepeatedKeys } from "../storage/key_window.ts";
import { deriveState, type SyncState } from "../storage/state_file.ts";
import type { PositionMap } from "./discovery.ts";
import { periodBuilders } from "./income_sums.ts";
import { TradeIdSet } from "./trade_id_set.ts";

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
  /**
   * Per market, symbols with a fee in another asset whose minute's price the price cache lacks
   * (a price fetch failed before it): what the cache's `reprice` says when the cache is there.
   */
  readonly unpriced: ReadonlyMap<Market, ReadonlySet<string>>;
  /**
   * Rows whose key (fill: market, symbol, trade id; income: market, type, transaction id) a row
   * up to a minute earlier had: a fill or record the file holds twice (`key_window.ts`).
   */
  readonly repeated: { readonly fills: number; readonly income: number };
}

const TRADE_INCOME = new Set(["COMMISSION", "REALIZED_PNL"]);

/**
 * Reads the fills and income files whole (each may be missing; the income file twice) and the
 * price cache; the income check's sums run to `cutoffMs`. Rows held twice are looked for a minute
 * back if `thorough` (files an earlier version wrote), else only next to each other (a line
 * pasted twice): a minute back costs about half of the reading again.
 *
 * @throws {DataFileError} for a malformed file.
 */
export async function scanFiles(
  fillsPath: string,
  incomePath: string,
  pricesPath: string,
  cutoffMs: number,
  thorough = true,
): Promise<Scan> {
  // The income history is read twice, before and after the fills: first only where each market's
  // begins (the income check's period starts there, for fills too), then its records: their sums,
  // where it ends, and its trade-linked records checked against the fills' ids. Holding those
  // records' ids for after the fills instead (two per fill) cost about 100 bytes per fill: a
  // gigabyte at 10 million fills.
  const sums = await periodBuilders(incomePath, cutoffMs);
  const priced = new Set(
    (await readIfExists(() => readPricesFile(pricesPath)) ?? []).map((e) =>
      priceKey(e.symbol, e.minute)
    ),
  );
  const unpriced = new Map<Market, Set<string>>(MARKETS.map((m) => [m, new Set()]));
  /** The entry of `market` in a map made with one for each of MARKETS. */
  const ofMarket = <T>(map: ReadonlyMap<Market, T>, market: Market): T =>
    defined(map.get(market), "a market's entry in a map made with every market");

  const ids = new Map<string, TradeIdSet>();
  const last = new Map<string, { market: Market; symbol: string; id: string; time: number }>();
  const net = new Map<string, { market: Market; key: string; qty: Decimal }>();
  const repeatedFills = new RepeatedKeys<LedgerFill>(
    (f) => f.id,
    (a, b) => a.symbol === b.symbol && a.market === b.market,
    thorough,
  );
  const repeatedIncome = new RepeatedKeys<IncomeRecord>(
    (r) => r.tranId,
    (a, b) => a.incomeType === b.incomeType && a.market === b.market,
    thorough,
  );
  const streamed = await readIfExists(() =>
    streamLedgerFills(fillsPath, (fill) => {
      repeatedFills.note(fill);
      sums.get(fill.market)?.fill(fill);
      if (
        needsConversion(fill) &&
        !priced.has(
          priceKey(priceSymbol(fill.commissionAsset, fill.marginAsset), minuteOf(fill.time)),
        )
      ) ofMarket(unpriced, fill.market).add(fill.symbol);
      const key = symbolKey(fill.market, fill.symbol);
      // An archive's row without a trade id has one made (20 digits): no income record names it
      // (Binance's ids have at most 19), so it is not kept.
      if (!isMadeId(fill.id)) {
        let set = ids.get(key);
        if (set === undefined) ids.set(key, set = new TradeIdSet());
        set.add(fill.id);
      }
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

  const latest = new Map<Market, number>();
  const missing = new Map<Market, Map<string, number>>(MARKETS.map((m) => [m, new Map()]));
  await readIfExists(() =>
    streamIncomeFile(incomePath, (record) => {
      repeatedIncome.note(record);
      // Every record is at or after its market's first: in the period, but for the cutoff.
      // (`periodBuilders` read the same file: it made a builder for every market there)
      defined(sums.get(record.market), "the sums builder of an income record's market")
        .income(record, true);
      const known = latest.get(record.market);
      if (known === undefined || !(record.time <= known)) latest.set(record.market, record.time);
      if (record.tradeId === "" || !TRADE_INCOME.has(record.incomeType)) return;
      if (ids.get(symbolKey(record.market, record.symbol))?.has(record.tradeId)) return;
      const bySymbol = ofMarket(missing, record.market);
      bySymbol.set(record.symbol, Math.min(bySymbol.get(record.symbol) ?? Infinity, record.time));
    })
  );
  const nets = new Map<Market, Map<string, string>>(MARKETS.map((m) => [m, new Map()]));
  for (const { market, key, qty } of net.values()) {
    if (!qty.isZero()) ofMarket(nets, market).set(key, qty.normalize().toString());
  }
  return {
    derived: deriveState(last.values(), [...latest].map(([market, time]) => ({ market, time }))),
    missing,
    net: nets,
    sums: new Map([...sums].map(([market, b]) => [market, b.build()])),
    fills: streamed === undefined ? "none" : streamed.count === 0 ? "empty" : "some",
    unpriced,
    repeated: { fills: repeatedFills.count, income: repeatedIncome.count },
  };
}
