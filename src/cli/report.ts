/**
 * `futures-ledger report`: one self-contained HTML page from the positions file, offline.
 *
 * @module
 */

import { counted } from "./counted.ts";
import type { Decimal } from "../decimal.ts";
import { renderReport } from "../report/html.ts";
import { fundingTotals, isWhole, positionsInScope, type ReportScope } from "../report/scope.ts";
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
of wins and losses, fees and funding against gross P&L, and the open positions. The page is
self-contained: it opens offline and loads nothing from the network.

Options:
  --from YYYY-MM-DD  only round trips closed (and funding paid) from this day (UTC)
  --to YYYY-MM-DD    ... up to and including this day (UTC); open positions are then left out
  --symbols A,B      only these contracts, e.g. BTCUSDT,ETHUSDT
  --positions FILE   positions to read (default: futures_positions.csv)
  --income FILE      income file for funding totals (default: futures_income.csv, if present)
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
    const incomeFunding = await readIncome(incomePath, scope);
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
    const open = positions.filter((p) => !isRoundTrip(p));
    await writeFileAtomic(
      outPath,
      renderReport({
        generatedAt: Date.now(),
        positionsPath,
        positionCount: file.positions.length,
        scope: isWhole(scope) ? "" : describeScope(scope),
        netColumn: hasNet ? "net_pnl" : "net_pnl_after_fees",
        stats,
        fees: feesAndFunding(positions, {
          incomeFunding,
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

/** Funding totals in `scope` from `path`, or from the default income file when it exists. */
async function readIncome(
  path: string | undefined,
  scope: ReportScope,
): Promise<{ path: string; totals: Map<string, Decimal> } | undefined> {
  try {
    return {
      path: path ?? DEFAULT_INCOME,
      totals: fundingTotals(await readIncomeFile(path ?? DEFAULT_INCOME), scope),
    };
  } catch (error) {
    if (path === undefined && error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
