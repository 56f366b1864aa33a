/**
 * `futures-ledger positions`: rebuild the positions file from the fills file, offline.
 *
 * @module
 */

import { counted } from "./counted.ts";
import { dirname, join } from "node:path";
import { saveSnapshot } from "../ledger/anchor.ts";
import { combineUnattached, statusCounts } from "../ledger/summary.ts";
import { rebuildPositions, writeRebuilt } from "../rebuild/rebuild.ts";
import { FILES } from "../storage/file_names.ts";
import { acquireSharedLock } from "../storage/lock.ts";
import { removeStaleRunsDirs } from "../storage/runs_dir.ts";
import { readStateFile, snapshotsOf } from "../storage/state_file.ts";
import { type Command, parseOptions, UsageError } from "./command.ts";
import { unattachedLines } from "./funding_report.ts";
import { checkInputFile, checkOutputFile } from "./paths.ts";

const HELP = `Usage: futures-ledger positions [--fills FILE] [--out FILE] [--jobs N]

Rebuilds the round-trip positions from a fills file, without any network access.

Options:
  --fills FILE   fills to read (default: futures_fills.csv)
  --out FILE     positions file to write (default: futures_positions.csv beside the
                 fills file), replaced atomically (temporary file, fsync, rename), or left as it
                 is (its time too) if it holds these positions already; the positions
                 are sorted in runs kept beside it until merged
                 (.futures-ledger-runs-*, removed when done)
  --jobs N       threads to use, at most (default: 1 for a fills file under 8 MiB,
                 else one per core up to 4); each takes whole symbols, so the
                 result is the same whatever N
  -h, --help     show this help

While it reads, no sync or import can run in the fills file's directory (they exit
with code 3), and it exits with code 3 itself if one is running there.

How fills become positions:
  - Each (market, symbol, positionSide) is a separate book; its fills are taken in
    time order (trade-id order within a millisecond), and a trade id seen twice counts once.
  - One-way mode (positionSide BOTH): BUY adds, SELL subtracts. A fill that crosses zero
    is a flip: its closing part gets all its realized P&L and the commission pro rata by
    quantity; its opening part gets the rest of the commission; it counts in both positions.
  - Hedge mode (LONG / SHORT): LONG opens with BUY and closes with SELL, SHORT the
    reverse; a hedge book never flips, and LONG and SHORT can be open together.
  - A position is CLOSED when its quantity is exactly zero (exact decimals, no tolerance).
  - A book whose data begins mid-position (Binance serves only 3 months of fills) starts
    with a PARTIAL position: the smallest quantity consistent with the later fills is
    assumed held before the data (hedge: the book never goes below zero; one-way: every
    fill with realized P&L closes something). Its prior_qty and note say so. If the
    state.json that sync writes is beside the fills file, Binance's positions at the last
    sync make that quantity exact instead.
  - entry_vwap / exit_vwap = sum(qty x price) / sum(qty) over opening / closing fills
    (COIN-M: sum(qty) / sum(qty / price), the contract-weighted harmonic mean);
    commission sums fees in the margin asset, others go to commission_other;
    net_pnl_after_fees = realizedPnl - commission. Divisions are rounded half-even to
    12 decimals; everything else is exact.
  - commission_converted: commission_other in the margin asset, each fee times the open
    of its minute's 1-minute kline (e.g. BNBUSDT), from the price cache that sync keeps in
    ${FILES.prices} beside the fills file; empty when a price is missing.
  - funding: the FUNDING_FEE records of ${FILES.income} (beside the fills file) attached
    to the position open at their time; hedge LONG and SHORT both open share a record by
    notional at entry price. Records no position takes are reported as unattached.
    Without the income file, funding is empty.
  - delivery: a DELIVERED_SETTELMENT record of ${FILES.income} closes the one position of
    its symbol open at its time (a contract held into its delivery, with no closing
    fill): its income is added to realizedPnl, close_trade_id and exit_vwap stay empty,
    and the note says so. A record it cannot attach (nothing open, hedge LONG and SHORT
    both open) changes no position; export then gives it a row of its own.
  - net_pnl = realizedPnl - commission - commission_converted + funding, in the margin
    asset; empty when a part is unknown (the note says why).
`;

/** The `positions` command. */
export const positionsCommand: Command = {
  name: "positions",
  summary: "rebuild futures_positions.csv from futures_fills.csv (offline)",
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, {
      fills: { type: "string" },
      out: { type: "string" },
      jobs: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const fillsPath = (values.fills as string | undefined) ?? FILES.fills;
    const beside = (name: keyof typeof FILES) => join(dirname(fillsPath), FILES[name]);
    // Beside the fills, as the income, prices and state it reads: `--fills other/…` run
    // elsewhere must not replace the working directory's positions with other's.
    const outPath = (values.out as string | undefined) ?? beside("positions");
    const jobs = values.jobs === undefined ? undefined : parseJobs(values.jobs as string);
    await checkInputFile(
      { path: fillsPath, option: values.fills === undefined ? undefined : "--fills" },
      "run sync first, or give --fills FILE",
    );
    await checkOutputFile(
      { path: outPath, option: values.out === undefined ? undefined : "--out" },
      [
        { path: fillsPath, what: "fills file" },
        { path: beside("income"), what: "income file" },
        { path: beside("prices"), what: "fee price file" },
        { path: beside("state"), what: "state file" },
      ],
    );
    // No sync or import may replace the files while they are read (the threads each open them).
    using _lock = await acquireSharedLock(dirname(fillsPath));
    const state = await readStateFile(beside("state"));
    const outDir = dirname(outPath);
    for (const name of await removeStaleRunsDirs(outDir)) {
      console.error(`note: removed ${join(outDir, name)}, left by an interrupted run`);
    }
    await using rebuilt = await rebuildPositions(fillsPath, {
      runsIn: outDir,
      jobs,
      incomePath: beside("income"),
      pricesPath: beside("prices"),
      snapshots: state === undefined ? [] : snapshotsOf(state).map(saveSnapshot),
    });
    if (rebuilt.unknownColumns.length > 0) {
      console.error(
        `note: ${fillsPath}: ignoring unknown columns ${rebuilt.unknownColumns.join(", ")}`,
      );
    }
    const replaced = await writeRebuilt(outPath, rebuilt);
    for (const note of rebuilt.notes) console.error(`note: ${note}`);
    const summaries = [...rebuilt.symbols.values()].map((s) => s.summary);
    const { open, closed, partial } = statusCounts(summaries);
    console.log(
      `${counted(rebuilt.fills, "fill")} → ${
        counted(open + closed + partial, "position")
      } (${open} open, ` +
        `${closed} closed, ${partial} partial) ${
          replaced ? "written to" : "already in, left unchanged:"
        } ${outPath}`,
    );
    if (!rebuilt.income) {
      console.log(`no ${FILES.income} beside the fills file: funding and net_pnl left empty`);
    }
    const unattached = combineUnattached(summaries.map((s) => s.unattached));
    for (const line of unattachedLines(unattached)) console.log(line);
    return 0;
  },
};

/** `--jobs`: a whole number from 1 to 64. */
function parseJobs(text: string): number {
  const jobs = Number(text);
  if (!/^\d+$/.test(text) || jobs < 1 || jobs > 64) {
    throw new UsageError(`--jobs must be a whole number from 1 to 64, not "${text}"`);
  }
  return jobs;
}
