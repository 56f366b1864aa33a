/**
 * `futures-ledger export`: the realized P&L, commissions, funding and other income of a period as
 * a tax tool's CSV import (Koinly, CoinTracking, CoinTracker), offline; a warning for any income
 * record it leaves out.
 *
 * @module
 */

import type { Decimal } from "../decimal.ts";
import {
  exportEntries,
  type ExportEntry,
  type LeftOutIncome,
  leftOutIncome,
  totalsByAsset,
} from "../export/entries.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../export/formats.ts";
import { type PeriodEdges, periodEdges } from "../export/period_edges.ts";
import { inPeriod } from "../period.ts";
import { writeFileAtomic } from "../storage/atomic_write.ts";
import { FILES } from "../storage/file_names.ts";
import { readIncomeFile } from "../storage/income_file.ts";
import { readPositionsFile } from "../storage/positions_file.ts";
import { type Command, parseOptions, UsageError } from "./command.ts";
import { counted } from "./counted.ts";
import { dataStartNote, earliestTime } from "./data_start_note.ts";
import { describePeriod, periodOption } from "./filter_options.ts";
import { checkInputFile, checkNotKeptFile, checkOutputFile, lockForReading } from "./paths.ts";

const NAMES = EXPORT_FORMATS.map((f) => f.name).join("|");

const HELP = `Usage: futures-ledger export ${NAMES} [--from DATE] [--to DATE] [options]
       futures-ledger export --to ${NAMES} [--from DATE] [--to DATE] [options]

Writes the realized profit and loss, commissions, funding and other income of a period as
the CSV that a tax tool imports: koinly (Koinly's universal CSV), cointracking
(CoinTracking's CSV import) or cointracker (CoinTracker's CSV template). Offline: it reads
the positions and income files that sync writes.

Options:
  --to TOOL           the tool (${EXPORT_FORMATS.map((f) => f.name).join(", ")}); or name it first
  --from YYYY-MM-DD   first day of the period (UTC), included
  --to YYYY-MM-DD     last day of the period (UTC), included (--to takes a tool or a date)
  --positions FILE    positions to read (default: ${FILES.positions})
  --income FILE       income history to take funding and other income from (default:
                      ${FILES.income})
  --no-funding        export without the income file (no funding, no other income), when
                      there is none
  --out FILE          file to write (default: futures-ledger-TOOL.csv), replaced atomically
                      (never one of the files futures-ledger keeps, such as futures_fills.csv)
  -h, --help          show this help

While it reads, no sync or import can run in the directory of the positions or income file
(they exit with code 3), and it exits with code 3 itself if one is running there.

What the rows are:
  - Each closed position (CLOSED, or PARTIAL with a close time) gives up to three kinds of
    row, all dated at its close time: its realized P&L (Binance's, before fees), its
    commission in the margin asset, and each fee paid in another asset in that asset (BNB
    as BNB, never converted). A PARTIAL position (opened before the data) is exported; its
    commission covers only the fills in the data, and the description says so. A position
    held into its contract's delivery is closed at the delivery, its realized P&L including
    the DELIVERED_SETTELMENT record's.
  - Each FUNDING_FEE record of the income file gives one row at its own time, including
    funding that the ledger attached to no position.
  - So does each other income record that is money in or out and in no position:
    DELIVERED_SETTELMENT (a quarterly or delisted contract's P&L at delivery) when no
    position was closed by it; the fees INSURANCE_CLEAR
    (liquidation clearance) and POSITION_LIMIT_INCREASE_FEE; the rebates COMMISSION_REBATE,
    API_REBATE and FEE_RETURN; the rewards REFERRAL_KICKBACK, WELCOME_BONUS, CONTEST_REWARD
    and BFUSD_REWARD (paid in).
  - Not exported: REALIZED_PNL and COMMISSION records (the positions carry that money: a row
    of them would count it twice), nor a DELIVERED_SETTELMENT record that closed a position
    held into delivery (that position's realized P&L, dated at the delivery, carries it; a
    record no position took, e.g. of a position opened before the data, is exported), and
    transfers between your own wallets and assets (TRANSFER, INTERNAL_TRANSFER,
    CROSS_COLLATERAL_TRANSFER, STRATEGY_UMFUTURES_TRANSFER, COIN_SWAP_DEPOSIT,
    COIN_SWAP_WITHDRAW, AUTO_EXCHANGE). Any other record (the OPTIONS_*
    types, a reward taken back, a type Binance adds later) is left out with a warning that
    gives its type, count and sum per asset, for adding by hand.
  - Open positions give nothing. A row of exactly zero is left out.
  - A row is in the period when its date is: the close time for P&L and commissions, the
    record time for income records.
  - Per asset, the rows add up to: sum of realized P&L - commissions - fees in that asset
    + funding + settlements + other fees and rebates + rewards, over the period. The command
    prints these totals.
  - Amounts are exact decimals, never rounded. Dates are UTC. Each row of koinly and
    cointracking carries a transaction id made from the movement itself (book and closing
    trade id, or the income record's type and id), so exporting an overlapping period again
    gives the same ids. CoinTracker's template has no id column.
  - Labels: koinly "realized gain" (P&L, settlement and funding), "margin fee" /
    "fee refund" (commission, other fees and rebates), "reward";
    cointracking "Derivatives / Futures Profit" / "Loss" (P&L, settlement), "Other Fee" /
    "Other Income" (commission, other fees and rebates, funding), "Reward / Bonus";
    cointracker "margin gain" / "margin loss" (P&L, settlement and funding), "margin fee" /
    "margin rebate" (commission, other fees and rebates), and no tag for a reward (set it
    to Other Income after the import).
`;

/** The `export` command. */
export const exportCommand: Command = {
  name: "export",
  summary: "write a period's P&L, fees, funding and other income for Koinly, CoinTracking or " +
    "CoinTracker",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      to: { type: "string", multiple: true },
      from: { type: "string" },
      positions: { type: "string" },
      income: { type: "string" },
      "no-funding": { type: "boolean" },
      out: { type: "string" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const { format, lastDay } = formatAndEnd(positionals, values.to as unknown as string[]);
    const period = periodOption(values.from as string | undefined, lastDay);
    const noFunding = values["no-funding"] === true;
    if (noFunding && values.income !== undefined) {
      throw new UsageError("--income and --no-funding exclude each other");
    }
    const positionsPath = (values.positions as string | undefined) ?? FILES.positions;
    const incomePath = (values.income as string | undefined) ?? FILES.income;
    const outPath = (values.out as string | undefined) ?? `futures-ledger-${format.name}.csv`;
    const out = { path: outPath, option: values.out === undefined ? undefined : "--out" };
    await checkOutputFile(out, [
      { path: positionsPath, what: "positions file" },
      ...(noFunding ? [] : [{ path: incomePath, what: "income file" }]),
    ]);
    checkNotKeptFile(out);
    await checkInputFile(
      { path: positionsPath, option: values.positions === undefined ? undefined : "--positions" },
      "run sync or positions first, or give --positions FILE",
    );
    if (!noFunding) {
      await checkInputFile(
        { path: incomePath, option: values.income === undefined ? undefined : "--income" },
        "the funding payments come from it, and the other income (settlements, fees, rebates, " +
          "rewards; sync writes it): run export where it is, give --income FILE, or " +
          "--no-funding to export without it",
      );
    }

    // No sync or import may replace the files while they are read together.
    using _lock = await lockForReading(noFunding ? [positionsPath] : [positionsPath, incomePath]);
    const file = await readPositionsFile(positionsPath);
    const income = noFunding ? [] : await readIncomeFile(incomePath);
    const entries = exportEntries(file.positions, income, period);
    await writeFileAtomic(outPath, format.csv(entries));

    // Closed in the period; open at its end (opened before it, not closed yet).
    const closedIn = file.positions.filter((p) =>
      p.closeTime !== undefined && inPeriod(p.closeTime, period)
    );
    const end = period.to ?? Infinity;
    const open = file.positions.filter((p) => p.closeTime === undefined && p.openTime < end);
    console.log(
      `${format.tool}, ${describePeriod(period)}: ${entries.length} rows (${countText(entries)}) ` +
        `written to ${outPath}`,
    );
    for (const line of totalLines(entries)) console.log(line);
    for (const line of leftOutLines(leftOutIncome(income, period))) console.error(line);
    const partial = closedIn.filter((p) => p.status === "PARTIAL");
    if (partial.length > 0) {
      console.error(
        `note: ${partial.length} PARTIAL position${partial.length === 1 ? "" : "s"} exported ` +
          `(opened before the data): ${partial.length === 1 ? "its" : "their"} commission ` +
          "covers only the fills in the data",
      );
    }
    if (open.length > 0) {
      console.error(
        `note: ${counted(open.length, "position")} open at the period's end ` +
          `${open.length === 1 ? "is" : "are"} not exported (not closed yet)`,
      );
    }
    for (const line of edgeLines(periodEdges(file.positions, period))) console.error(line);
    const first = earliestTime(file.positions, income);
    const before = dataStartNote(period, first);
    if (before !== undefined) console.error(before);
    if (noFunding) {
      console.error(
        "note: --no-funding: funding payments are not in the file, nor the income file's other " +
          "movements (settlements, fees, rebates, rewards)",
      );
    }
    const note = format.note?.(entries);
    if (note !== undefined) console.error(`note: ${note}`);
    if (!format.hasIds) duplicateNote(format, entries);
    return 0;
  },
};

/** The tool, from the first positional or a `--to` that names one; the last day from the other `--to`. */
function formatAndEnd(
  positionals: string[],
  to: string[] | undefined,
): { format: ExportFormat; lastDay: string | undefined } {
  const names = [...positionals];
  const days: string[] = [];
  for (const value of to ?? []) {
    if (/^\d/.test(value)) days.push(value);
    else names.push(value);
  }
  const [name] = names;
  if (name === undefined) throw new UsageError(`which tool? export ${NAMES}`);
  if (names.length > 1) throw new UsageError(`one tool at a time, not ${names.join(" and ")}`);
  if (days.length > 1) throw new UsageError(`one --to date, not ${days.join(" and ")}`);
  const format = EXPORT_FORMATS.find((f) => f.name === name.toLowerCase());
  if (format === undefined) {
    throw new UsageError(`unknown tool "${name}" (expected ${NAMES})`);
  }
  return { format, lastDay: days[0] };
}

/** The kinds of row, in the order the summary gives them: the name of their count, of their sum. */
const KINDS: readonly [ExportEntry["kind"], string, string][] = [
  ["realized", "realized P&L", "realized"],
  ["commission", "commission", "commission"],
  ["funding", "funding", "funding"],
  ["settlement", "settlement", "settlement"],
  ["fee", "other fee and rebate", "other fees and rebates"],
  ["reward", "reward", "rewards"],
];

/** The first three kinds always (the summary's words before other income was exported), others where there. */
function shownKinds(entries: readonly ExportEntry[]): typeof KINDS {
  return KINDS.filter(([kind], i) => i < 3 || entries.some((e) => e.kind === kind));
}

/** How many rows of each kind. */
function countText(entries: readonly ExportEntry[]): string {
  return shownKinds(entries)
    .map(([kind, name]) => `${entries.filter((e) => e.kind === kind).length} ${name}`)
    .join(", ");
}

/** Per asset: the rows' total, and its parts. */
function totalLines(entries: readonly ExportEntry[]): string[] {
  const totals = totalsByAsset(entries);
  const part = (asset: string, kind: string) =>
    totalsByAsset(entries.filter((e) => e.asset === asset && e.kind === kind)).get(asset);
  const show = (d: Decimal | undefined) => (d === undefined ? "0" : d.toString());
  return [...totals].map(([asset, total]) => {
    const parts = shownKinds(entries.filter((e) => e.asset === asset))
      .map(([kind, , name]) => `${name} ${show(part(asset, kind))}`);
    return `  ${asset}: ${total} (${parts.join(", ")})`;
  });
}

/**
 * Notes on the positions whose P&L the export dates at their close, away from the closing fills
 * that realized part of it (`period_edges.ts`).
 */
function edgeLines({ openedBefore, closedAfter }: PeriodEdges): string[] {
  const lines: string[] = [];
  if (openedBefore > 0) {
    lines.push(
      `note: ${counted(openedBefore, "position")} closed in the period opened before it: the ` +
        "file counts all of a position's realized P&L and commissions at its close, also a part " +
        "closed before the period began (Binance books each closing fill's P&L at its time)",
    );
  }
  if (closedAfter > 0) {
    lines.push(
      `note: ${counted(closedAfter, "position")} open at the period's end (closed later, or ` +
        "not yet) may have closed part of the quantity by then: the P&L of such a part counts " +
        "when the position closes, not in this period's file",
    );
  }
  return lines;
}

/** A warning per type of income record left out: its count and its sum per asset. */
function leftOutLines(left: readonly LeftOutIncome[]): string[] {
  return left.map((l) =>
    `warning: ${l.count} ${l.incomeType} income record${l.count === 1 ? " is" : "s are"} not ` +
    `in the file (${l.reason}): ${[...l.sums].map(([a, s]) => `${s} ${a}`).join(", ")}; add ` +
    `${l.count === 1 ? "it" : "them"} by hand if taxable`
  );
}

/** A tool without ids may take two rows that are alike in every field for one: say so. */
function duplicateNote(format: ExportFormat, entries: readonly ExportEntry[]): void {
  const lines = format.csv(entries).split("\n");
  const alike = lines.length - new Set(lines).size;
  if (alike > 0) {
    console.error(
      `note: ${alike} row${alike === 1 ? " is" : "s are"} alike in every field to another ` +
        `(same time, amount, asset and tag); ${format.tool} has no id column and may take ` +
        "them for one: check its totals against those above",
    );
  }
}
