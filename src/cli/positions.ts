/**
 * `futures-ledger positions`: rebuild the positions file from the fills file, offline.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { aggregatePositions } from "../ledger/aggregate.ts";
import { readLedgerFills } from "../storage/fills_file.ts";
import { writePositionsFile } from "../storage/positions_file.ts";
import { readStateFile, snapshotsOf } from "../storage/state_file.ts";
import { type Command, parseOptions } from "./command.ts";

const HELP = `Usage: futures-ledger positions [--fills FILE] [--out FILE]

Rebuilds the round-trip positions from a fills file, without any network access.

Options:
  --fills FILE   fills to read (default: futures_fills.csv)
  --out FILE     positions file to write (default: futures_positions.csv),
                 replaced atomically (temporary file, fsync, rename)
  -h, --help     show this help

How fills become positions:
  - Each (market, symbol, positionSide) is a separate book; its fills are taken in
    trade-id order, and a trade id seen twice counts once.
  - One-way mode (positionSide BOTH): BUY adds, SELL subtracts. A fill that crosses zero
    is a flip: its closing part gets all its realized P&L and the commission pro rata by
    quantity; its opening part gets the rest of the commission; it counts in both positions.
  - Hedge mode (LONG / SHORT): LONG opens with BUY and closes with SELL, SHORT the
    reverse; a hedge book never flips, and LONG and SHORT can be open together.
  - A position is CLOSED when its quantity is exactly zero (exact decimals, no tolerance).
  - A book whose data begins mid-position (Binance serves only 6 months of fills) starts
    with a PARTIAL position: the smallest quantity consistent with the later fills is
    assumed held before the data (hedge: the book never goes below zero; one-way: every
    fill with realized P&L closes something). Its prior_qty and note say so. If the
    state.json that sync writes is beside the fills file, Binance's positions at the last
    sync make that quantity exact instead.
  - entry_vwap / exit_vwap = sum(qty x price) / sum(qty) over opening / closing fills;
    commission sums fees in the margin asset, others go to commission_other;
    net_pnl_after_fees = realizedPnl - commission. Divisions are rounded half-even to
    12 decimals; everything else is exact.
`;

/** Reads the fills and rebuilds the positions; the fills are garbage once this returns. */
async function rebuild(fillsPath: string) {
  const { fills, unknownColumns } = await readLedgerFills(fillsPath);
  if (unknownColumns.length > 0) {
    console.error(`note: ${fillsPath}: ignoring unknown columns ${unknownColumns.join(", ")}`);
  }
  const state = await readStateFile(join(dirname(fillsPath), "state.json"));
  const snapshots = typeof state === "string" ? [] : snapshotsOf(state);
  return { count: fills.length, positions: aggregatePositions(fills, snapshots) };
}

/** The `positions` command. */
export const positionsCommand: Command = {
  name: "positions",
  summary: "rebuild futures_positions.csv from futures_fills.csv (offline)",
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, {
      fills: { type: "string" },
      out: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const fillsPath = (values.fills as string | undefined) ?? "futures_fills.csv";
    const outPath = (values.out as string | undefined) ?? "futures_positions.csv";
    const { count: fills, positions } = await rebuild(fillsPath);
    await writePositionsFile(outPath, positions);
    const count = (status: string) => positions.filter((p) => p.status === status).length;
    console.log(
      `${fills} fills → ${positions.length} positions (${count("OPEN")} open, ` +
        `${count("CLOSED")} closed, ${count("PARTIAL")} partial) written to ${outPath}`,
    );
    return 0;
  },
};
