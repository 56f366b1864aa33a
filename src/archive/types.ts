/**
 * What reading an archive gives: normalized trade and transaction (income) rows, a summary of each
 * file read, and notes; and the error that names the file, entry, line and field of a problem.
 *
 * @module
 */

import type { Market, PositionSide, Side } from "../fill.ts";

/** One fill of an exported trade history. Decimals are exact text; ids are digit strings. */
export interface ArchiveTrade {
  /** `usdm` or `coinm` (the caller's, or from the symbol: `…USD_PERP`, `…USD_250627` are COIN-M). */
  readonly market: Market;
  /** Contract, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Execution time, ms UTC (to the file's precision, see {@linkcode ArchiveFile}). */
  readonly time: number;
  /** BUY or SELL. */
  readonly side: Side;
  /** Price, exact text. */
  readonly price: string;
  /** Quantity (COIN-M: contracts), exact text. */
  readonly qty: string;
  /** USD-M: the `Amount` column (qty × price). */
  readonly quoteQty?: string;
  /** COIN-M: the `Amount` column (the base-coin amount). */
  readonly baseQty?: string;
  /** Fee paid (negative: rebate), in `commissionAsset`. */
  readonly commission: string;
  /** The asset of the fee. */
  readonly commissionAsset: string;
  /** Realized P&L of the fill. */
  readonly realizedPnl: string;
  /** BOTH, LONG or SHORT, when the file says (see `position_side.ts` otherwise). */
  readonly positionSide?: PositionSide;
  /** Trade id, when the file has one (see `match.ts` otherwise). */
  readonly id?: string;
  /** Order id, when the file has one. */
  readonly orderId?: string;
  /** The asset P&L is in: the file's `Quote Asset`, or from the symbol. */
  readonly marginAsset?: string;
  /** Whether the fill was on the maker side, when the file says. */
  readonly maker?: boolean;
  /** Where the row is: `FILE` or `FILE:ENTRY` (the same string for all rows of a file). */
  readonly source: string;
  /** Its line (CSV) or row (XLSX) number, 1-based, header included. */
  readonly line: number;
}

/** One row of an exported transaction history, with the API's names. */
export interface ArchiveIncome {
  /** `usdm` or `coinm` (as for trades; account-wide rows: the caller's, else `usdm`). */
  readonly market: Market;
  /** ms UTC. */
  readonly time: number;
  /** Contract, or `""` for account-wide movements. */
  readonly symbol: string;
  /** The API's `incomeType` (`FUNDING_FEE`...), see `income_types.ts`. */
  readonly incomeType: string;
  /** Signed amount, exact text. */
  readonly income: string;
  /** The asset of `income`. */
  readonly asset: string;
  /** Transaction id, when the file has one. */
  readonly tranId?: string;
  /** The type as the file wrote it (`Funding Fee`). */
  readonly info?: string;
  /** Where the row is. */
  readonly source: string;
  /** Its line or row number. */
  readonly line: number;
}

/** What one file (or zip entry) held. */
export interface ArchiveFile {
  /** `FILE` or `FILE:ENTRY`. */
  readonly source: string;
  /** Trade history, transaction history, or nothing (an empty export). */
  readonly kind: "trades" | "income";
  /** The known layout it matches (`trade-uid-time`...), or `other` for a tolerated variation. */
  readonly variant: string;
  /** Data rows read. */
  readonly rows: number;
  /** The UTC offset applied to its times, minutes. */
  readonly utcOffsetMinutes: number;
  /** Where the offset came from. */
  readonly zoneFrom: "header" | "file name" | "option";
  /** The coarsest time precision of its rows: 1 (ms), 1000 (seconds) or 60000 (minutes). */
  readonly timePrecisionMs: number;
  /** Earliest and latest row time, ms; `undefined` for an empty file. */
  readonly firstTime: number | undefined;
  /** Latest row time, ms. */
  readonly lastTime: number | undefined;
}

/** A remark about what was read: an assumption made, a value adjusted, a part skipped. */
export interface ArchiveNote {
  /** Where. */
  readonly source: string;
  /** The line or row, when it concerns one. */
  readonly line?: number;
  /** What. */
  readonly message: string;
}

/** Everything an archive held. */
export interface ArchiveContents {
  /** Every trade row, in file order. */
  readonly trades: ArchiveTrade[];
  /** Every transaction row, in file order. */
  readonly income: ArchiveIncome[];
  /** One summary per file read. */
  readonly files: ArchiveFile[];
  /** Remarks. */
  readonly notes: ArchiveNote[];
}

/** A problem with an archive: `FILE[:ENTRY][:LINE]: [field "F": ]what`. Nothing read is kept. */
export class ArchiveError extends Error {
  /** `FILE` or `FILE:ENTRY`. */
  readonly source: string;
  /** The line or row, when the problem is in one. */
  readonly line: number | undefined;
  /** The column, when the problem is in one. */
  readonly field: string | undefined;

  /** An error at `source`, optionally at a line and field. */
  constructor(source: string, problem: string, line?: number, field?: string) {
    super(
      `${source}${line === undefined ? "" : `:${line}`}: ` +
        `${field === undefined ? "" : `field ${JSON.stringify(field)}: `}${problem}`,
    );
    this.name = "ArchiveError";
    this.source = source;
    this.line = line;
    this.field = field;
  }
}
