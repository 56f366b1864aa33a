/**
 * One shard of the `positions` rebuild: its symbols' fills, read from the fills file (and what
 * sync keeps beside it), rebuilt into positions, formatted as the positions file's lines.
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { IncomeRecord } from "../income.ts";
import { ledgerInThreePasses } from "../ledger/aggregate.ts";
import {
  combineLedgers,
  type Ledger,
  LedgerCollector,
  type LedgerInputs,
  LedgerStream,
} from "../ledger/ledger_stream.ts";
import type { PositionOrder, PositionStatus } from "../position.ts";
import { readIfExists } from "../storage/data_file.ts";
import { FILES } from "../storage/file_names.ts";
import { readLedgerFills, streamLedgerFills } from "../storage/fills_file.ts";
import { readIncomeFile } from "../storage/income_file.ts";
import { positionLine } from "../storage/positions_file.ts";
import { readStateFile, snapshotsOf } from "../storage/state_file.ts";
import { readPriceTable } from "../sync/outputs.ts";
import { shardOf, type ShardPlan } from "./shards.ts";

/** What a shard is to do. Structured-cloneable, to hand to a worker. */
export interface ShardTask {
  /** The fills file. */
  readonly fillsPath: string;
  /** How the symbols are shared out. */
  readonly plan: ShardPlan;
  /** Which shard this is (`0 ≤ index < plan.shards`). */
  readonly index: number;
}

/** One position, as a line of the positions file, with what orders it among the others. */
export interface PositionLine extends PositionOrder {
  /** OPEN, CLOSED or PARTIAL. */
  readonly status: PositionStatus;
  /** The CSV line, with its line break. */
  readonly line: string;
}

/** What a shard built. Structured-cloneable, to hand back from a worker. */
export interface ShardResult {
  /** Fills of the shard's symbols read. */
  readonly fills: number;
  /** Columns of the fills file that futures-ledger does not know. */
  readonly unknownColumns: string[];
  /** Whether the income file was beside the fills file. */
  readonly income: boolean;
  /** The shard's positions, in `comparePositions` order. */
  readonly positions: PositionLine[];
  /** The shard's FUNDING_FEE records that no position took, in `compareIncome` order. */
  readonly unattachedFunding: IncomeRecord[];
}

/**
 * Rebuilds the positions of the task's symbols: in one pass over the fills file that keeps none
 * of them, then, for the symbols that pass cannot settle (`LedgerStream`), in three passes over
 * their fills, read again.
 *
 * @throws {Deno.errors.NotFound} when there is no fills file.
 * @throws {DataFileError} for a malformed input file (naming its line).
 */
export async function rebuildShard({ fillsPath, plan, index }: ShardTask): Promise<ShardResult> {
  const symbols = plan.shards === 1
    ? undefined
    : (symbol: string) => shardOf(plan, symbol) === index;
  const dir = dirname(fillsPath);
  const state = await readStateFile(join(dir, FILES.state));
  const snapshots = typeof state === "string" ? [] : snapshotsOf(state);
  const income = await readIfExists(() => readIncomeFile(join(dir, FILES.income)));
  const inputs: LedgerInputs = { snapshots, income, prices: await readPriceTable(dir), symbols };

  const collector = new LedgerCollector();
  const stream = new LedgerStream(inputs, collector);
  const read = await streamLedgerFills(fillsPath, (fill) => stream.push(fill), symbols);
  const { unsettled } = stream.finish();
  let ledger: Ledger = collector.ledger((symbol) => unsettled.has(symbol));
  if (unsettled.size > 0) {
    const again = (symbol: string) => unsettled.has(symbol);
    const { fills } = await readLedgerFills(fillsPath, again);
    ledger = combineLedgers(ledger, ledgerInThreePasses(fills, { ...inputs, symbols: again }));
  }
  return {
    fills: read.count,
    unknownColumns: read.unknownColumns,
    income: income !== undefined,
    positions: ledger.positions.map((p) => ({
      openTime: p.openTime,
      symbol: p.symbol,
      market: p.market,
      positionSide: p.positionSide,
      openTradeId: p.openTradeId,
      status: p.status,
      line: positionLine(p),
    })),
    unattachedFunding: ledger.unattachedFunding,
  };
}
