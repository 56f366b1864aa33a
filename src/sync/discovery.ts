/**
 * Deciding which symbols a sync queries, and why. Pure: the evidence in, a plan out.
 *
 * Binance has no "which symbols did I trade" call, and `userTrades` needs a symbol. The evidence:
 * - the symbols already in the fills file (they may have new fills);
 * - the income history since the last sync: every fill with a fee leaves a COMMISSION record and
 *   every closing fill a REALIZED_PNL record, with its symbol; funding leaves FUNDING_FEE records
 *   for symbols held across a funding time;
 * - the open positions (`positionRisk`), compared with the ledger's: a difference means fills
 *   the income history did not show (zero-fee fills), unless the same difference was already
 *   queried at the last sync (a position opened before the 3 months Binance serves).
 * A symbol with no sign of new activity is not queried (that is what keeps a sync cheap). The
 * blind spot: a round trip with zero fees that realized exactly zero P&L and left no position
 * leaves no trace; `--full` fetches every known symbol again, `--symbols` names any symbol.
 * Symbols whose fills the files lack are fetched again from a time (`walk`).
 *
 * @module
 */

import { type IncomeRecord, OPTION_SYMBOL, SETTLEMENT } from "../income.ts";

/** Trade-linked income: each fill with a fee, and each fill that realized P&L, leaves one. */
const TRADE_INCOME = new Set(["COMMISSION", "REALIZED_PNL"]);

/** A position as `(symbol, positionSide) → signed quantity text` (short negative, normalized). */
export type PositionMap = ReadonlyMap<string, string>;

/** Everything discovery looks at, for one market. */
export interface DiscoveryEvidence {
  /** Symbols with fills in the fills file. */
  readonly known: ReadonlySet<string>;
  /** Income records fetched by this sync (only new ones). */
  readonly income: readonly IncomeRecord[];
  /** Open positions on the exchange, keyed `SYMBOL|positionSide`. */
  readonly exchangePositions: PositionMap;
  /** Open positions in the ledger built from the fills file, keyed alike. */
  readonly ledgerPositions: PositionMap;
  /** Binance's positions at the last sync (a known difference is not queried again). */
  readonly checkedPositions: PositionMap;
  /**
   * Symbols to fetch again from a time, whatever their watermark (`-Infinity`: from the oldest
   * time Binance serves), with why: fills the files lack (`--full`, a fills file not written by
   * a sync, fills the income history or state.json refers to that the file does not have).
   */
  readonly walk: ReadonlyMap<string, { readonly from: number; readonly reason: string }>;
  /** `--symbols`: exactly these, whatever the evidence. */
  readonly only: readonly string[] | undefined;
}

/** One symbol to query. */
export interface SymbolPlan {
  /** The symbol. */
  readonly symbol: string;
  /** Why it is queried, for the log. */
  readonly reason: string;
  /**
   * For a symbol without fills yet: the time of its earliest income record, if any (a delivery
   * settlement's is no bound: `undefined`, fetched from the oldest time Binance serves).
   */
  readonly firstEvidence: number | undefined;
  /** Fetch it again from this time (see {@linkcode DiscoveryEvidence.walk}), if set. */
  readonly walkFrom?: number;
}

/** The symbols to query, sorted, each with its reason. */
export function planSymbols(evidence: DiscoveryEvidence): SymbolPlan[] {
  const reasons = new Map<string, string>();
  const first = new Map<string, number>();
  const add = (symbol: string, reason: string) => {
    if (!reasons.has(symbol)) reasons.set(symbol, reason);
  };
  for (const record of evidence.income) {
    // An option's records (OPTIONS_*) are no futures contract's: it has no futures fills, and
    // Binance would refuse to list them (-1121).
    if (record.symbol === "" || OPTION_SYMBOL.test(record.symbol)) continue;
    // A delivery settlement closes a position that may have opened months before, with no
    // record in between (a quarterly pays no funding): its time does not bound the fills.
    if (record.incomeType !== SETTLEMENT) {
      first.set(record.symbol, Math.min(first.get(record.symbol) ?? Infinity, record.time));
    }
    if (TRADE_INCOME.has(record.incomeType)) add(record.symbol, `new ${record.incomeType} income`);
    else if (!evidence.known.has(record.symbol)) {
      add(record.symbol, `${record.incomeType} income for a symbol without fills`);
    }
  }
  const keys = new Set([...evidence.exchangePositions.keys(), ...evidence.ledgerPositions.keys()]);
  for (const key of keys) {
    const exchange = evidence.exchangePositions.get(key) ?? "0";
    const ledger = evidence.ledgerPositions.get(key) ?? "0";
    const unchanged = (evidence.checkedPositions.get(key) ?? "0") === exchange;
    if (exchange !== ledger && !unchanged) {
      const [symbol = ""] = key.split("|"); // (a split has a first part)
      add(symbol, `position ${exchange} on Binance, ${ledger} in the ledger`);
    }
  }
  for (const [symbol, { reason }] of evidence.walk) add(symbol, reason);

  // With --symbols, those symbols, each asked for by the option if by nothing else.
  const symbols = evidence.only === undefined ? [...reasons.keys()] : [...evidence.only];
  return symbols.sort().map((symbol) => {
    const walk = evidence.walk.get(symbol);
    return {
      symbol,
      reason: reasons.get(symbol) ?? "--symbols",
      firstEvidence: evidence.known.has(symbol) ? undefined : first.get(symbol),
      ...(walk !== undefined ? { walkFrom: walk.from } : {}),
    };
  });
}
