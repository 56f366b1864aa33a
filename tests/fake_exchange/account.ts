/**
 * `generateAccount`: a deterministic trading history (same options and end time ⇒ the same
 * bytes) with its ground truth, and `addTrades` to extend it while a server runs.
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import type { Position } from "../../src/position.ts";
import { at } from "../support/indexed.ts";
import { allocate } from "./allocate.ts";
import { buildCatalog, type SymbolSpec } from "./catalog.ts";
import { compareIncome, firstAtOrAfter, tradeIncomeRows, transferRows } from "./income.ts";
import { Prng } from "./prng.ts";
import { compareDigits, type IncomeRow, type TradeRow, units } from "./rows.ts";
import { SymbolTrader } from "./trader.ts";
import { truthPositionsCsv } from "./truth_csv.ts";

/** What to generate. Every field has a default. */
export interface AccountOptions {
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Number of symbols traded (default 20). */
  readonly symbols?: number;
  /** Total number of fills (default 50,000). */
  readonly fills?: number;
  /** Number of listed symbols (default 300); about a tenth as many more are delisted. */
  readonly listed?: number;
  /** Months of history (default 12). */
  readonly months?: number;
  /** `usdm` (default) or `coinm`. */
  readonly market?: Market;
  /** One-way (false, default), hedge (true) or `"mixed"` (some symbols in hedge mode). */
  readonly hedge?: boolean | "mixed";
  /** End of the history, ms (default `Date.now()`). */
  readonly endTime?: number;
  /**
   * USD-M: whether the third contract, always traded, is `币安人生USDT` instead of `1000PEPEUSDT`
   * (default false): Binance has listed symbols outside ASCII since October 2025.
   */
  readonly unicodeSymbol?: boolean;
  /**
   * COIN-M: whether the quarterly is held into its delivery and closed by its DELIVERED_SETTELMENT
   * record (`SymbolTrader.deliver`), if the trader holds it then (default false: closed by trade
   * an hour before, as the seeds the tests pin were generated).
   */
  readonly holdIntoDelivery?: boolean;
}

/** The options with every default filled in. */
export type ResolvedAccountOptions = Required<AccountOptions>;

/** One open position as Binance reports it (`positionRisk`). */
export interface OpenPosition {
  /** The contract. */
  readonly spec: SymbolSpec;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: "BOTH" | "LONG" | "SHORT";
  /** Signed quantity text (short negative), e.g. `-0.120`. */
  readonly positionAmt: string;
  /** Binance's average entry price. */
  readonly entryPrice: string;
}

/** Subtracts calendar months from a UTC time. */
export function monthsBefore(time: number, months: number): number {
  const d = new Date(time);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/** A generated account: symbols, fills, income, open positions and the ground truth. */
export class GeneratedAccount {
  /** The resolved options. */
  readonly options: ResolvedAccountOptions;
  /** `usdm` or `coinm`. */
  readonly market: Market;
  /** Start of the history, ms. */
  readonly startTime: number;
  /** Every contract: listed first, then delisted. */
  readonly catalog: readonly SymbolSpec[];
  /** Symbols traded, listed or delisted. */
  readonly traded: readonly SymbolSpec[];
  readonly #traders = new Map<string, SymbolTrader>();
  readonly #specs = new Map<string, SymbolSpec>();
  readonly #transfers: IncomeRow[];
  readonly #rng: Prng;
  #endTime: number;
  #trades: TradeRow[] | undefined;
  #version = 0;

  /** Generates the history; prefer {@linkcode generateAccount}. */
  constructor(options: AccountOptions = {}) {
    const o: ResolvedAccountOptions = {
      seed: options.seed ?? 1,
      symbols: options.symbols ?? 20,
      fills: options.fills ?? 50_000,
      listed: options.listed ?? 300,
      months: options.months ?? 12,
      market: options.market ?? "usdm",
      hedge: options.hedge ?? false,
      endTime: options.endTime ?? Date.now(),
      unicodeSymbol: options.unicodeSymbol ?? false,
      holdIntoDelivery: options.holdIntoDelivery ?? false,
    };
    this.options = o;
    this.market = o.market;
    this.#endTime = o.endTime;
    this.startTime = monthsBefore(o.endTime, o.months);
    this.#rng = new Prng(o.seed, 1);
    this.catalog = buildCatalog({ ...o, start: this.startTime, end: o.endTime });
    for (const spec of this.catalog) this.#specs.set(spec.symbol, spec);
    this.traded = this.#pickTraded();
    this.#transfers = transferRows(o.seed, o.market, this.startTime, o.endTime);
    this.#generate();
  }

  /** End of the history: the generation end time, or a later `addTrades` time. */
  get endTime(): number {
    return this.#endTime;
  }

  /** Increases whenever trades are added. */
  get version(): number {
    return this.#version;
  }

  /** Listed contracts (what `exchangeInfo` shows). */
  get listed(): SymbolSpec[] {
    return this.catalog.filter((s) => s.delistTime === undefined);
  }

  /** Contracts delisted since (absent from `exchangeInfo`, their history still served). */
  get delisted(): SymbolSpec[] {
    return this.catalog.filter((s) => s.delistTime !== undefined);
  }

  /** Whether the account is in hedge mode (`positionSide/dual`); true for mixed accounts. */
  get dualSidePosition(): boolean {
    return this.options.hedge !== false;
  }

  /** The contract named `symbol`, listed or delisted. */
  spec(symbol: string): SymbolSpec | undefined {
    return this.#specs.get(symbol);
  }

  /** One symbol's fills in id order (empty for symbols never traded). */
  tradesOf(symbol: string): readonly TradeRow[] {
    return this.#traders.get(symbol)?.rows ?? [];
  }

  /** All fills, by time, then symbol, then id. */
  get trades(): readonly TradeRow[] {
    if (this.#trades === undefined) {
      const all = [...this.#traders.values()].flatMap((t) => t.rows);
      this.#trades = all.sort((a, b) =>
        a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) ||
        compareDigits(a.id, b.id)
      );
    }
    return this.#trades;
  }

  /**
   * Income rows (commission, realized P&L, funding, delivery settlements, transfers) at or after
   * `since`, in order.
   */
  incomeRows(since = 0): IncomeRow[] {
    const rows: IncomeRow[] = this.#transfers.filter((r) => r.time >= since);
    for (const trader of this.#traders.values()) {
      rows.push(...tradeIncomeRows(trader.spec, trader.rows, since));
      const funding = trader.funding;
      for (let i = firstAtOrAfter(funding, since); i < funding.length; i++) {
        rows.push(at(funding, i));
      }
      rows.push(...trader.settlements.filter((r) => r.time >= since));
    }
    return rows.sort(compareIncome);
  }

  /** Positions open now, as Binance reports them. */
  openPositions(): OpenPosition[] {
    const open: OpenPosition[] = [];
    for (const trader of this.#traders.values()) {
      for (const book of trader.books) {
        const held = book.truth.signedSteps;
        if (held === 0) continue;
        const short = book.side === "SHORT" || held < 0;
        const amount = `${short ? "-" : ""}${units(Math.abs(held), trader.spec.qtyDecimals)}`;
        open.push({
          spec: trader.spec,
          positionSide: book.side,
          positionAmt: amount,
          entryPrice: book.entry.avg!.toString(),
        });
      }
    }
    return open;
  }

  /** The ground truth: every position, in the ledger's output order. */
  truth(): Position[] {
    let incomeFrom: number | undefined;
    for (const row of this.incomeRows()) incomeFrom = Math.min(incomeFrom ?? row.time, row.time);
    const positions = [...this.#traders.values()].flatMap((t) =>
      t.books.flatMap((b) => b.truth.positions(incomeFrom))
    );
    return positions.sort((a, b) =>
      a.openTime - b.openTime || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) ||
      (a.market < b.market ? -1 : a.market > b.market ? 1 : 0) ||
      (a.positionSide < b.positionSide ? -1 : a.positionSide > b.positionSide ? 1 : 0) ||
      compareDigits(a.openTradeId, b.openTradeId)
    );
  }

  /** The ground truth as the positions file, printed independently of the project (`truth_csv.ts`). */
  truthCsv(): string {
    return truthPositionsCsv(this.truth());
  }

  /**
   * Adds about `count` fills on listed traded symbols during the `spanMs` (default an hour) before
   * `atTime` (default now), but after the end of the history so far; returns them. The truth
   * follows. `spanMs = 0` puts them all in the millisecond `atTime`, as one big order's fills can
   * be. New fills never land before the end of the history: the funding already generated up to
   * it was computed from the positions held then, as Binance's is, and a fill cannot change the
   * past (added an hour back, they would move positions under funding records already served).
   *
   * @throws {RangeError} when `atTime` is not after the end of the history.
   */
  addTrades(count: number, atTime: number = Date.now(), spanMs = 3_600_000): TradeRow[] {
    if (atTime <= this.#endTime) {
      throw new RangeError(`addTrades: ${atTime} is not after the end of the history`);
    }
    const from = Math.max(this.#endTime + 1, atTime - spanMs);
    const live = this.traded.map((s) => this.#traders.get(s.symbol)!)
      .filter((t) => t.spec.delistTime === undefined);
    const shares = allocate(count, live.length, this.#rng);
    const added: TradeRow[] = [];
    live.forEach((trader, i) => {
      const before = trader.rows.length;
      trader.run(at(shares, i), Math.max(trader.lastTime + 1, from), atTime, false);
      added.push(...trader.rows.slice(before));
    });
    this.#endTime = Math.max(this.#endTime, atTime);
    for (const trader of this.#traders.values()) trader.fundUntil(this.#endTime);
    this.#trades = undefined;
    this.#version++;
    return added;
  }

  #pickTraded(): SymbolSpec[] {
    const rng = this.#rng;
    const n = Math.min(this.options.symbols, this.catalog.length);
    const listed = this.listed;
    const delisted = this.delisted;
    const chosen: SymbolSpec[] = [0, 2, 1].slice(0, n).map((i) => at(listed, i));
    const delistedWanted = n >= 3
      ? Math.min(delisted.length, Math.max(1, Math.round(n * 0.15)))
      : 0;
    const pool = [...delisted.slice(0, delistedWanted)];
    const rest = listed.slice(3);
    while (chosen.length + pool.length < n && rest.length > 0) {
      pool.push(...rest.splice(rng.int(0, rest.length - 1), 1));
    }
    return [...chosen, ...pool].slice(0, n);
  }

  #generate(): void {
    const rng = this.#rng;
    const { fills, hedge, market, seed } = this.options;
    const n = this.traded.length;
    const start = this.startTime;
    const end = this.#endTime;
    const span = end - start;
    const counts = allocate(fills, n, rng);
    const bnb = market === "usdm" ? this.#specs.get("BNBUSDT") : undefined;
    const sharedFirstId = rng.int(100_000_000, 4_000_000_000);
    this.traded.forEach((spec, i) => {
      const isHedge = hedge === "mixed" ? (i < 2 ? i === 1 : rng.chance(0.5)) : hedge;
      const trader = new SymbolTrader({
        spec,
        hedge: isHedge,
        seed,
        firstTradeId: i < 2 ? sharedFirstId : rng.int(100_000_000, 4_000_000_000),
        bnb,
        bnbWindow: [start + span * 0.35, start + span * 0.75],
      });
      this.#traders.set(spec.symbol, trader);
      let from = start;
      let to = end;
      let flat = i > 0 && rng.chance(0.4);
      if (spec.delistTime !== undefined) {
        to = Math.max(start + 86_400_000, spec.delistTime - 3_600_000);
        flat = !(this.options.holdIntoDelivery && spec.contractType === "CURRENT_QUARTER");
      } else if (i >= 3 && rng.chance(0.3)) {
        from = start + Math.floor(span * rng.next() * 0.7);
        to = Math.min(end, from + Math.floor(span * (0.1 + 0.4 * rng.next())));
        flat = flat || to < end;
      }
      trader.run(at(counts, i), from, to, flat);
      if (!flat && spec.delistTime !== undefined) trader.deliver(spec.delistTime);
      trader.fundUntil(end);
    });
  }
}

/** Generates an account (pure: no server). */
export function generateAccount(options: AccountOptions = {}): GeneratedAccount {
  return new GeneratedAccount(options);
}
