/**
 * `futures-ledger report`: one self-contained HTML page from the positions file, offline.
 *
 * @module
 */

import { counted } from "./counted.ts";
import { dataStartNote, earliestTime } from "./data_start_note.ts";
import type { IncomeRecord } from "../income.ts";
import { renderReport } from "../report/html.ts";
import { type PeriodTotals, periodTotals } from "../report/period_totals.ts";
import { isWhole, positionsInScope, type ReportScope } from "../report/scope.ts";
import { isRoundTrip, roundTripStats } from "../report/stats.ts";
import { feesAndFunding } from "../report/totals.ts";
import { writeFileAtomic } from "../storage/atomic_write.ts";
import { FILES } from "../storage/file_names.ts";
import { readIncomeFile } from "../storage/income_file.ts";
import { readPositionsFile } from "../storage/positions_file.ts";
import { type Command, parseOptions } from "./command.ts";
import { describePeriod, periodOption, symbolsOption } from "./filter_options.ts";
import { checkInputFile, checkNotKeptFile, checkOutputFile, lockForReading } from "./paths.ts";

const DEFAULT_INCOME = FILES.income;

const HELP = `Usage: futures-ledger report [--from DATE] [--to DATE] [--symbols A,B]
                             [--positions FILE] [--income FILE] [--out FILE]

Writes one HTML page, a trading journal: an equity curve and drawdown, P&L by symbol, long vs
short, win rate, profit factor, expectancy, average and largest win and loss, win and loss
streaks, a P&L calendar (days, months, years), P&L by hour of day and weekday, holding time
of wins and losses, fees and funding against gross P&L, fees, funding and other income with
the period's net as export counts it, and the open positions. The page is self-contained: it
opens offline and loads nothing from the network.

Options:
  --from YYYY-MM-DD  only round trips closed (and income paid) from this day (UTC)
  --to YYYY-MM-DD    ... up to and including this day (UTC); open positions are then left out
  --symbols A,B      only these contracts, e.g. BTCUSDT,ETHUSDT
  --positions FILE   positions to read (default: futures_positions.csv)
  --income FILE      income file for funding and other income (default: futures_income.csv,
                     if present)
  --out FILE         page to write (default: report.html), replaced atomically
                     (never one of the files futures-ledger keeps, such as futures_fills.csv)
  -h, --help         show this help

While it reads, no sync or import can run in the directory of the positions or income file
(they exit with code 3), and it exits with code 3 itself if one is running there.

What the figures mean:
  - Amounts are grouped by margin asset (USDT, USDC, BTC...) and never added across assets.
  - A round trip is a closed position (CLOSED, or PARTIAL with a close time). Net P&L is the
    net_pnl column when the file has values in it (after fees and funding), else
    net_pnl_after_fees; a round trip whose net_pnl is empty is counted with its
    net_pnl_after_fees, and the command says how many there are.
  - The equity curve adds round trips' net P&L by close time, from 0; drawdown is the fall
    from the highest equity so far.
  - Win rate = round trips with net P&L > 0 / all round trips; profit factor = gross profit /
    gross loss. Divisions are rounded half-even (percentages to 2 decimals, the profit factor
    to 4, averages to 8); everything else is exact.
  - Fees are summed over all positions, open ones too, per asset (BNB fees on their own row).
    Funding comes from the income file's FUNDING_FEE rows, else the positions file's funding
    column, else it shows as "not synced".
  - Other income is the income file's records that export counts, per kind (delivery
    settlements, fees and rebates, rewards). The net for the period is, per asset, the round
    trips' realized P&L - their commissions (BNB as BNB) + funding + other income: the total
    export prints for the same period. Records export leaves out with a warning (OPTIONS_*,
    a reward taken back, an unknown type) show as "not counted", with their count and sums;
    REALIZED_PNL and COMMISSION (the positions carry them) and transfers count for nothing.
    With --symbols, account-wide records (of no contract, such as a bonus) are left out.
  - Amounts are shown rounded for reading (2 decimals for USD coins such as USDT and USDC,
    8 for BTC, BNB and other coins); each one's exact value shows on hover (its title).
  - The calendar, time of day, weekday and streaks go by close time, in UTC.
  - Times are UTC.
`;

/** The `report` command. */
export const reportCommand: Command = {
  name: "report",
  summary: "write report.html: equity curve, statistics, fees, open positions (offline)",
  help: HELP,
  async run(args) {
    const { values } = parseOptions(args, {
      from: { type: "string" },
      to: { type: "string" },
      symbols: { type: "string" },
      positions: { type: "string" },
      income: { type: "string" },
      out: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const positionsPath = (values.positions as string | undefined) ?? FILES.positions;
    const incomePath = values.income as string | undefined;
    const outPath = (values.out as string | undefined) ?? "report.html";
    const scope: ReportScope = {
      period: periodOption(values.from as string | undefined, values.to as string | undefined),
      symbols: symbolsOption(values.symbols as string | undefined),
    };
    await checkInputFile(
      { path: positionsPath, option: values.positions === undefined ? undefined : "--positions" },
      "run sync or positions first, or give --positions FILE",
    );
    if (incomePath !== undefined) {
      await checkInputFile({ path: incomePath, option: "--income" });
    }
    await checkOutputFile(
      { path: outPath, option: values.out === undefined ? undefined : "--out" },
      [
        { path: positionsPath, what: "positions file" },
        { path: incomePath ?? DEFAULT_INCOME, what: "income file" },
      ],
    );
    checkNotKeptFile({ path: outPath, option: values.out === undefined ? undefined : "--out" });

    // No sync or import may replace the files while they are read together.
    using _lock = await lockForReading([positionsPath, incomePath ?? DEFAULT_INCOME]);
    const file = await readPositionsFile(positionsPath);
    if (file.unknownColumns.length > 0) {
      console.error(
        `note: ${positionsPath}: ignoring unknown columns ${file.unknownColumns.join(", ")}`,
      );
    }
    const income = await readIncome(incomePath);
    const inFile = new Set(file.positions.map((p) => p.symbol));
    const absent = [...scope.symbols ?? []].filter((symbol) => !inFile.has(symbol));
    if (absent.length > 0) {
      console.error(`note: --symbols: no position of ${absent.join(", ")} in ${positionsPath}`);
    }
    const positions = positionsInScope(file.positions, scope);
    const hasNet = file.positions.some((p) => p.netPnl !== undefined);
    const withoutNet = positions.filter((p) => isRoundTrip(p) && p.netPnl === undefined);
    if (hasNet && withoutNet.length > 0) {
      console.error(
        `note: ${withoutNet.length} round trip${withoutNet.length === 1 ? " has" : "s have"} ` +
          "an empty net_pnl (a fee without a price, or funding before the income history; see " +
          "its note): net_pnl_after_fees is used for them",
      );
    }
    const stats = roundTripStats(positions);
    const incomeTotals = income === undefined
      ? undefined
      : { path: income.path, totals: periodTotals(file.positions, income.records, scope) };
    notCountedNote(incomeTotals?.totals);
    const open = positions.filter((p) => !isRoundTrip(p));
    const before = dataStartNote(scope.period, earliestTime(file.positions, income?.records ?? []));
    if (before !== undefined) console.error(before);
    await writeFileAtomic(
      outPath,
      renderReport({
        generatedAt: Date.now(),
        positionsPath,
        positionCount: file.positions.length,
        scope: isWhole(scope) ? "" : describeScope(scope),
        netColumn: hasNet ? "net_pnl" : "net_pnl_after_fees",
        netFallbacks: hasNet ? withoutNet.length : 0,
        stats,
        fees: feesAndFunding(positions, {
          income: incomeTotals,
          hasFundingColumn: file.positions.some((p) => p.funding !== undefined),
        }),
        open,
      }),
    );
    const trips = positions.length - open.length;
    const limited = isWhole(scope) ? "" : ` of ${file.positions.length}, ${describeScope(scope)}`;
    console.log(
      `${counted(positions.length, "position")}${limited} (${counted(trips, "round trip")}, ` +
        `${open.length} open) → report written to ${outPath}`,
    );
    return 0;
  },
};

/** The scope for people: `2025-01-01 to 2025-12-31 (UTC), BTCUSDT, ETHUSDT`. */
function describeScope(scope: ReportScope): string {
  const symbols = scope.symbols === undefined ? "" : `, ${[...scope.symbols].join(", ")}`;
  return describePeriod(scope.period) + symbols;
}

/** The records of the income file `path`, or of the default one when it exists. */
async function readIncome(
  path: string | undefined,
): Promise<{ path: string; records: IncomeRecord[] } | undefined> {
  try {
    return { path: path ?? DEFAULT_INCOME, records: await readIncomeFile(path ?? DEFAULT_INCOME) };
  } catch (error) {
    if (path === undefined && error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Income records the page shows as not counted (as `export` warns of them): said here too. */
function notCountedNote(totals: PeriodTotals | undefined): void {
  const types = totals?.notCounted.map((l) => l.incomeType) ?? [];
  const count = totals?.notCounted.reduce((n, l) => n + l.count, 0) ?? 0;
  if (count === 0) return;
  console.error(
    `note: ${counted(count, "income record")} in scope ${count === 1 ? "is" : "are"} not ` +
      `counted, as export leaves ${count === 1 ? "it" : "them"} out (${
        [...new Set(types)].join(", ")
      }): see "Not counted" in the report`,
  );
}
