/**
 * Bringing the positions (and the fee conversions, and what the sync reports) up to date once the
 * fills and income files are written.
 *
 * With a cache that describes the files, a sync costs what is new: each symbol's books go on
 * from where the last sync left them over the new fills and funding only (`continue.ts`); the
 * symbols that cannot go on (and those whose fees were left without a price) are rebuilt from
 * their fills; the positions file is rewritten by streaming its other rows through unchanged,
 * the same bytes a rebuild of everything would give. Without one, everything is rebuilt
 * (`src/rebuild/`). Either way in little memory.
 *
 * @module
 */

import { defined } from "../defined.ts";
import { join } from "node:path";
import type { Fill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { restoreSnapshot, type SavedSnapshot } from "../ledger/anchor.ts";
import { continueLedger } from "../ledger/continue.ts";
import type { PriceTable } from "../ledger/fee_prices.ts";
import { splitKey, symbolKey } from "../ledger/ledger_stream.ts";
import { SymbolSummaryBuilder } from "../ledger/summary.ts";
import type { SavedSymbol } from "../ledger/symbol_books.ts";
import { rebuildPositions, type Rebuilt, writeRebuilt } from "../rebuild/rebuild.ts";
import { writeFileAtomic } from "../storage/atomic_write.ts";
import type { IncomeSums, LedgerCache, MarketCache, SymbolCache } from "../storage/cache_file.ts";
import { appendConversions, writeConversionsFromFills } from "../storage/conversions_file.ts";
import { FILES } from "../storage/file_names.ts";
import { fillsTail } from "../storage/fills_file.ts";
import { incomeTail } from "../storage/income_file.ts";
import { type PositionRow, PositionRuns } from "../storage/position_lines.ts";
import { mergedRuns, type Run } from "../storage/run_merge.ts";
import { advanceSums, sumsFromFiles } from "./income_sums.ts";
import { makeRunsDir } from "../storage/runs_dir.ts";

/** What changed, for the ledger. */
export interface LedgerChange {
  /** The output directory. */
  readonly dir: string;
  /** The market synced. */
  readonly market: Market;
  /** The cache, if it describes the files as they were before this sync's writes. */
  readonly cache: LedgerCache | undefined;
  /** The fills added to the fills file (all of the market). */
  readonly fills: readonly Fill[];
  /** Whether they were appended to its end (else the file was rewritten). */
  readonly appended: boolean;
  /** Symbols of the market whose archive rows the API's rows replaced: rebuilt. */
  readonly replaced: ReadonlySet<string>;
  /** The income records added. */
  readonly income: readonly IncomeRecord[];
  /** The income records taken out (an export's rows the API's replaced). */
  readonly removedIncome: readonly IncomeRecord[];
  /** Binance's positions now (this market), and the last known of the other market. */
  readonly snapshots: readonly SavedSnapshot[];
  /** The price cache as written. */
  readonly prices: PriceTable;
  /** The income check's new cutoff, ms. */
  readonly cutoffMs: number;
  /** Symbols whose fees a failed price fetch left without a price (rebuilt next time). */
  readonly unpriced: ReadonlySet<string>;
  /** Without a cache: the income check's sums of the files as they were (read whole). */
  readonly scanned: ReadonlyMap<Market, IncomeSums> | undefined;
}

/** Updates the positions and conversions files; returns every market's new cache part. */
export async function updateLedger(change: LedgerChange): Promise<LedgerCache["markets"]> {
  const { cache, market } = change;
  const old = cache?.markets[market];
  const firstIncome = change.income.reduce((t, r) => Math.min(t, r.time), Infinity);
  // When the income history begins moves with a record added before it, or the first taken out.
  const firstRemoved = change.removedIncome.filter((r) => r.market === market)
    .reduce((t, r) => Math.min(t, r.time), Infinity);
  const moved = old !== undefined &&
    (old.incomeFrom === null
      ? firstIncome < Infinity
      : firstIncome < old.incomeFrom || firstRemoved <= old.incomeFrom);
  if (cache === undefined || old === undefined || moved) return await rebuildAll(change);
  return { ...cache.markets, [market]: await goOn(change, old) };
}

/** Everything rebuilt from the files. */
async function rebuildAll(change: LedgerChange): Promise<LedgerCache["markets"]> {
  const path = (name: keyof typeof FILES) => join(change.dir, FILES[name]);
  await using rebuilt = await rebuildPositions(path("fills"), {
    incomePath: path("income"),
    pricesPath: path("prices"),
    snapshots: change.snapshots,
    runsIn: change.dir,
  });
  await writeRebuilt(path("positions"), rebuilt);
  await writeConversionsFromFills(path("conversions"), path("fills"), change.prices);
  const sums = await sumsOf(change);
  const markets: Partial<Record<Market, MarketCache>> = {};
  const symbolsOf = (market: Market) => {
    const symbols: Record<string, SymbolCache> = {};
    for (const [key, entry] of [...rebuilt.symbols].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [m, symbol] = splitKey(key);
      if (m === market) symbols[symbol] = entry;
    }
    return symbols;
  };
  const seen = new Set<Market>([
    ...[...rebuilt.symbols.keys()].map((key) => splitKey(key)[0]),
    ...sums.keys(),
    change.market,
  ]);
  for (const market of seen) {
    markets[market] = {
      incomeFrom: rebuilt.incomeFrom.get(market) ?? null,
      symbols: symbolsOf(market),
      sums: sums.get(market) ?? null,
      // Another market's fees still to price stay so: only a sync of that market prices them.
      reprice: market === change.market
        ? [...change.unpriced].sort()
        : [...change.cache?.markets[market]?.reprice ?? []],
    };
  }
  return markets;
}

/**
 * Every market's income-check sums: those of the files as they were, read whole by the scan,
 * moved on with what was added; or, where that cannot be (no scan, a market's first income, income
 * older than the scan's start), summed from the files.
 */
async function sumsOf(change: LedgerChange): Promise<Map<Market, IncomeSums>> {
  const path = (name: keyof typeof FILES) => join(change.dir, FILES[name]);
  const scanned = change.scanned;
  const markets = new Set([...scanned?.keys() ?? [], ...change.income.map((r) => r.market)]);
  const movable = scanned !== undefined && [...markets].every((m) => {
    const base = scanned.get(m);
    return base !== undefined &&
      change.income.every((r) => r.market !== m || r.time >= base.fromMs);
  });
  const tail = movable
    ? await tailsOf(change.dir, Math.min(...[...scanned.values()].map((s) => s.cutoffMs)) + 1)
    : undefined;
  if (scanned === undefined || tail === undefined) {
    return await sumsFromFiles(path("fills"), path("income"), change.cutoffMs);
  }
  return new Map([...markets].map((m) => {
    const base = defined(scanned.get(m), "the scanned sums of a market (`movable` checked each)");
    const mine = <T extends { market: Market; time: number }>(rows: readonly T[]) =>
      rows.filter((r) => r.market === m && r.time > base.cutoffMs);
    return [
      m,
      advanceSums(base, change.cutoffMs, {
        fills: mine(tail.fills),
        income: mine(tail.income),
      }, {
        fills: change.fills.filter((f) => f.market === m),
        income: change.income.filter((r) => r.market === m),
      }),
    ];
  }));
}

/** The market's books continued over what is new; what cannot be, rebuilt. */
async function goOn(change: LedgerChange, old: MarketCache): Promise<MarketCache> {
  const { market } = change;
  const path = (name: keyof typeof FILES) => join(change.dir, FILES[name]);
  const saved = new Map<string, SavedSymbol>();
  for (const [symbol, entry] of Object.entries(old.symbols)) {
    if (entry.books !== null) saved.set(symbolKey(market, symbol), entry.books);
  }
  const continued = continueLedger(change.fills.filter((f) => f.market === market), {
    saved,
    income: change.income.filter((r) => r.market === market),
    snapshots: change.snapshots.filter((s) => s.market === market).map(restoreSnapshot),
    incomeFrom: old.incomeFrom === null ? undefined : new Map([[market, old.incomeFrom]]),
    prices: change.prices,
  });
  const again = new Set([
    ...[...continued.rebuild].map((key) => splitKey(key)[1]),
    ...old.reprice,
    ...change.replaced,
  ]);
  const goneOn = new Set([...continued.continued].map((key) => splitKey(key)[1]));
  const positions = continued.ledger.positions.filter((p) => !again.has(p.symbol));
  const unattached = continued.ledger.unattachedFunding.filter((r) => !again.has(r.symbol));
  let rebuilt: Rebuilt | undefined;
  try {
    if (again.size > 0) {
      rebuilt = await rebuildPositions(path("fills"), {
        incomePath: path("income"),
        pricesPath: path("prices"),
        snapshots: change.snapshots,
        only: [...again],
        runsIn: change.dir,
      });
    }
    if (positions.length > 0 || again.size > 0 || goneOn.size > 0) {
      await using dir = await makeRunsDir(change.dir);
      const runs = new PositionRuns(dir.path);
      for (const p of positions) runs.add(p);
      runs.flush();
      const file: Run = {
        path: path("positions"),
        positionsFile: true,
        drop: (row) =>
          row.market === market &&
          (again.has(row.symbol) || (goneOn.has(row.symbol) && !row.closed)),
      };
      // A rebuild by symbol name covers that name in every market: only this market's rows count.
      const rebuiltRuns = (rebuilt?.runs ?? []).map((run) => ({
        ...run,
        drop: (row: PositionRow) => row.market !== market || (run.drop?.(row) ?? false),
      }));
      const all = [file, ...runs.runs, ...rebuiltRuns];
      await writeFileAtomic(path("positions"), mergedRuns(all));
    }
  } finally {
    await rebuilt?.[Symbol.asyncDispose]();
  }
  if (change.appended && again.size === 0) {
    await appendConversions(path("conversions"), change.fills, change.prices);
  } else {
    await writeConversionsFromFills(path("conversions"), path("fills"), change.prices);
  }

  const symbols: Record<string, SymbolCache> = { ...old.symbols };
  const builders = new Map<string, SymbolSummaryBuilder>();
  const builder = (symbol: string) => {
    let b = builders.get(symbol);
    if (b === undefined) {
      builders.set(symbol, b = new SymbolSummaryBuilder(old.symbols[symbol]?.summary));
    }
    return b;
  };
  for (const p of positions) builder(p.symbol).position(p);
  for (const r of unattached) builder(r.symbol).unattached(r);
  for (const symbol of goneOn) builder(symbol); // every position open before is in `positions`
  for (const [symbol, b] of builders) {
    const books = continued.saved.get(symbolKey(market, symbol)) ??
      old.symbols[symbol]?.books ?? null;
    symbols[symbol] = { books, summary: b.build() };
  }
  for (const [key, books] of continued.saved) {
    const symbol = splitKey(key)[1];
    if (symbols[symbol] !== undefined) symbols[symbol] = { ...symbols[symbol], books };
  }
  for (const [key, entry] of rebuilt?.symbols ?? []) {
    const [m, symbol] = splitKey(key);
    if (m === market) symbols[symbol] = entry;
  }
  return {
    incomeFrom: old.incomeFrom,
    symbols: Object.fromEntries(Object.entries(symbols).sort(([a], [b]) => (a < b ? -1 : 1))),
    sums: await movedSums(change, old.sums),
    reprice: [...change.unpriced].sort(),
  };
}

/**
 * The market's income-check sums moved on from `old` with what was added; summed from the files
 * if their tails cannot be read the quick way.
 */
async function movedSums(change: LedgerChange, old: IncomeSums | null): Promise<IncomeSums | null> {
  if (old === null) return null;
  const { market } = change;
  const tail = await tailsOf(change.dir, old.cutoffMs + 1);
  if (tail === undefined) {
    const files = (name: keyof typeof FILES) => join(change.dir, FILES[name]);
    return (await sumsFromFiles(files("fills"), files("income"), change.cutoffMs)).get(market) ??
      null;
  }
  const mine = <T extends { market: Market }>(rows: readonly T[]) =>
    rows.filter((r) => r.market === market);
  return advanceSums(
    old,
    change.cutoffMs,
    { fills: mine(tail.fills), income: mine(tail.income) },
    { fills: mine(change.fills), income: change.income },
  );
}

/**
 * The fills and income rows of the files' tails from time `since` on (none of a file that does
 * not exist); `undefined` if either cannot be read the quick way (`fillsTail`, `incomeTail`).
 */
async function tailsOf(
  dir: string,
  since: number,
): Promise<{ fills: Fill[]; income: IncomeRecord[] } | undefined> {
  const none = <T>(read: Promise<T[] | undefined>) =>
    read.catch((error) => {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    });
  const fills = await none(fillsTail(join(dir, FILES.fills), since));
  if (fills === undefined) return undefined;
  const income = await none(incomeTail(join(dir, FILES.income), since));
  return income === undefined ? undefined : { fills, income };
}
