/**
 * `futures-ledger import FILE...`: adds Binance's own history exports to the files, offline.
 *
 * @module
 */

import { basename } from "node:path";
import { isZoneOffset, type PositionMode, readArchive } from "../archive/mod.ts";
import { type ArchiveContents, ArchiveError } from "../archive/types.ts";
import type { Market } from "../fill.ts";
import { FILES } from "../storage/file_names.ts";
import { importArchive } from "../sync/import_archive.ts";
import { type Command, parseOptions, UsageError } from "./command.ts";
import { checkInputFile, lockOutputDirectory } from "./paths.ts";

const HELP = `Usage: futures-ledger import FILE... [options]

Adds Binance's own futures history exports to the files in the output directory:
the trade history (to ${FILES.fills}) and the transaction history (to
${FILES.income}), as the website exports them (Orders > Futures > Trade History or
Transaction History > Export: CSV, XLSX, or the zip they come in) or as the bulk download
gives them. Their columns are recognised by name; a file whose header is not one of Binance's
layouts is refused, listing the columns found and those expected. The positions are
rebuilt where they changed; fees paid in BNB are priced at the next sync. A bulk download
the sync could not merge (kept in ${FILES.downloads}/) is recorded as merged once imported.

Each row is added once, never as a copy of what the API gave (column source: archive):
  - a row with a trade (or transaction) id: once per id; where the API gave it too, the
    API's row is kept; an error if the files hold its id at another time (the file's time
    zone is likely wrong);
  - a row without one: left out where the API gave the same fill (market, symbol, time to
    the second, side, price, quantity); an error if it falls among the API's fills without
    matching one (the file's time zone is likely wrong); otherwise given an id made from
    its time (20 digits: 9, the time in ms, its place in that millisecond). Should a sync
    fetch the same fill later, the API's row replaces it. Files of one import whose rows
    without ids cover the same time (or one file given twice) are refused: import them one
    at a time. An export that lists a moment's rows otherwise than the files (filtered by
    symbol or asset) is refused rather than let one row take another's id.
  - a row without a position side: BOTH in one-way mode; in hedge mode inferred from the
    book (a note for each), refused where the evidence does not settle it: a fill that
    realized no P&L may open one book or close the other at its entry price, which only
    the books' holdings before it tell (--flat-start).

Options:
  --out DIR                 directory of the files (default: the working directory)
  --market usdm|coinm       the market of every row (default: told from each symbol)
  --utc-offset +HH:MM       the time zone of files whose name and header do not say it
                            (the website's files say it in their name, e.g. "(UTC+3)");
                            a negative one as --utc-offset=-06:00
  --position-mode M         one-way or hedge: for rows without a position side of symbols
                            the fills file does not show (default: refuse such rows)
  --flat-start              hedge mode: no position of the files' symbols was open before
                            the first row of the files imported (an export from the
                            account's first trade, or from a time it held nothing), so
                            rows without a position side are inferred from there
  --fees-in-margin-asset    for an older export that does not say the fees' asset: take
                            them in the margin asset (wrong for fees paid in BNB; refused
                            without this)
  -h, --help                show this help

Exit codes: 0 done, 1 a file could not be read or added (nothing was written), 2 bad usage,
3 another run is using the directory (a sync or an import writing it, or a positions,
report or export reading it).`;

/** The `import` command. */
export const importCommand: Command = {
  name: "import",
  summary: "add Binance's own history exports (website or bulk download) to the files",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      out: { type: "string" },
      market: { type: "string" },
      "utc-offset": { type: "string" },
      "position-mode": { type: "string" },
      "fees-in-margin-asset": { type: "boolean" },
      "flat-start": { type: "boolean" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("name at least one file to import");
    const market = values.market as string | undefined;
    if (market !== undefined && market !== "usdm" && market !== "coinm") {
      throw new UsageError(`--market ${market}: expected usdm or coinm`);
    }
    const mode = values["position-mode"] as string | undefined;
    if (mode !== undefined && mode !== "one-way" && mode !== "hedge") {
      throw new UsageError(`--position-mode ${mode}: expected one-way or hedge`);
    }
    const offset = values["utc-offset"] === undefined
      ? undefined
      : parseOffset(values["utc-offset"] as string);
    for (const file of positionals) await checkInputFile({ path: file, option: "import" });

    const contents: ArchiveContents = { trades: [], income: [], files: [], notes: [] };
    for (const file of positionals) {
      const read = await readArchive(basename(file), await Deno.readFile(file), {
        market: market as Market | undefined,
        utcOffsetMinutes: offset,
      });
      contents.trades.push(...read.trades);
      contents.income.push(...read.income);
      contents.files.push(...read.files);
      contents.notes.push(...read.notes);
    }
    const assumed = contents.notes.find((n) => n.message.startsWith("the file gives no fee asset"));
    if (assumed !== undefined && values["fees-in-margin-asset"] !== true) {
      throw new ArchiveError(
        assumed.source,
        "the file does not say which asset its fees were paid in (an older export), so a fee " +
          "paid in BNB would be read as one in USDT. If no fee was paid in BNB, run again with " +
          "--fees-in-margin-asset; otherwise export again: newer exports say (Fee Coin)",
      );
    }
    const dir = (values.out as string | undefined) ?? ".";
    using _lock = await lockOutputDirectory({
      path: dir,
      option: values.out === undefined ? undefined : "--out",
    });
    const done = await importArchive(
      dir,
      contents,
      mode as PositionMode | undefined,
      values["flat-start"] === true ? "flat" : undefined,
    );
    for (const file of contents.files) {
      console.log(
        `${file.source}: ${file.rows} ${file.kind === "trades" ? "fills" : "income records"} ` +
          `(${file.variant}, times UTC${formatOffset(file.utcOffsetMinutes)} from the ` +
          `${file.zoneFrom})`,
      );
    }
    for (const note of done.notes.slice(0, 10)) {
      console.log(
        `note: ${note.source}${note.line === undefined ? "" : `:${note.line}`}: ` +
          note.message,
      );
    }
    if (done.notes.length > 10) console.log(`note: … and ${done.notes.length - 10} more`);
    console.log(
      `${done.added} fills and ${done.incomeAdded} income records added to ${dir}` +
        (done.matched > 0 ? `; ${done.matched} rows the API had already were left out` : ""),
    );
    return 0;
  },
};

/** `+03:00`, `-6`, `+5:30` as minutes east of UTC (a time zone's: `isZoneOffset`). */
function parseOffset(text: string): number {
  const match = /^([+-])(\d{1,2})(?::?([0-5]\d))?$/.exec(text);
  const minutes = match === null ? NaN : Number(match[2]) * 60 + Number(match[3] ?? 0);
  const offset = match?.[1] === "-" ? -minutes : minutes;
  if (!isZoneOffset(offset)) {
    throw new UsageError(
      `--utc-offset ${text}: expected a time zone's offset like +03:00, -06:00 or +05:45 ` +
        "(from -12:00 to +14:00, in quarter hours)",
    );
  }
  return offset;
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return "";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
    String(abs % 60).padStart(2, "0")
  }`;
}
