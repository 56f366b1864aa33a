/**
 * `futures_positions.csv`: the columns and the file.
 *
 * @module
 */

import { csvField, csvLine } from "../csv/format.ts";
import { LineBytes } from "../csv/line_bytes.ts";
import { Decimal, DecimalSyntaxError } from "../decimal.ts";
import { type Market, type PositionSide, SYMBOL } from "../fill.ts";
import type { Direction, Position, PositionStatus } from "../position.ts";
import { parseTime } from "../time.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { columnsOf, DataFileError, readDataFile } from "./data_file.ts";

/**
 * The columns every positions file has, in order: the original pipeline's first. A file written
 * now continues with {@linkcode OPTIONAL_POSITION_COLUMNS}.
 */
export const POSITION_COLUMNS = [
  "status",
  "symbol",
  "direction",
  "open_time",
  "close_time",
  "entry_qty",
  "entry_vwap",
  "realizedPnl",
  "commission",
  "net_pnl_after_fees",
  "fills",
  "exit_qty",
  "exit_vwap",
  "max_qty",
  "position_side",
  "open_trade_id",
  "close_trade_id",
  "open_qty",
  "prior_qty",
  "market",
  "margin_asset",
  "commission_other",
  "note",
] as const;

/**
 * One position as a line of the positions file, with its line break, in `out` (cleared first):
 * the fields of {@linkcode WRITTEN_POSITION_COLUMNS} in order, decimals with all the digits of
 * their scale, times as `formatTime` prints them, text quoted where it must be.
 */
export function writePositionLine(out: LineBytes, p: Position): void {
  out.clear();
  out.text(p.status);
  out.comma();
  out.text(csvField(p.symbol));
  out.comma();
  out.text(p.direction);
  out.comma();
  out.time(p.openTime);
  out.comma();
  if (p.closeTime !== undefined) out.time(p.closeTime);
  out.comma();
  out.decimal(p.entryQty);
  out.comma();
  out.decimal(p.entryVwap);
  out.comma();
  out.decimal(p.realizedPnl);
  out.comma();
  out.decimal(p.commission);
  out.comma();
  out.decimal(p.realizedPnl.minus(p.commission).normalize()); // net_pnl_after_fees
  out.comma();
  out.integer(p.fills);
  out.comma();
  out.decimal(p.exitQty);
  out.comma();
  out.decimal(p.exitVwap);
  out.comma();
  out.decimal(p.maxQty);
  out.comma();
  out.text(p.positionSide);
  out.comma();
  out.text(p.openTradeId);
  out.comma();
  out.text(p.closeTradeId);
  out.comma();
  out.decimal(p.openQty);
  out.comma();
  out.decimal(p.priorQty);
  out.comma();
  out.text(p.market);
  out.comma();
  out.text(csvField(p.marginAsset));
  out.comma();
  if (p.otherCommission.size > 0) {
    const parts = [...p.otherCommission].map(([asset, amount]) => `${amount} ${asset}`);
    out.text(csvField(parts.join("; ")));
  }
  out.comma();
  out.text(csvField(p.note));
  out.comma();
  out.decimal(p.commissionConverted);
  out.comma();
  out.decimal(p.funding);
  out.comma();
  out.decimal(p.netPnl);
  out.end();
}

const scratch = new LineBytes();
const decoder = new TextDecoder();

/** One position as a line of the positions file, with its line break. */
export function positionLine(position: Position): string {
  writePositionLine(scratch, position);
  return decoder.decode(scratch.bytes());
}

/** The positions file's whole text. */
export function positionsCsv(positions: readonly Position[]): string {
  return [...positionsLines(positions)].join("");
}

/** Replaces the positions file atomically, streaming its lines. */
export async function writePositionsFile(
  path: string,
  positions: readonly Position[],
): Promise<void> {
  await writeFileAtomic(path, positionsLines(positions));
}

function* positionsLines(positions: readonly Position[]): Generator<string> {
  yield csvLine(WRITTEN_POSITION_COLUMNS);
  for (const position of positions) yield positionLine(position);
}

/**
 * Columns added later (older files lack them; an empty value means unknown, see `Position`):
 * `commission_converted` (commission_other in the margin asset), `funding`, and `net_pnl`
 * (realizedPnl − commission − commission_converted + funding).
 */
export const OPTIONAL_POSITION_COLUMNS = ["commission_converted", "funding", "net_pnl"] as const;

/** The header of a positions file written now. */
export const WRITTEN_POSITION_COLUMNS: readonly string[] = [
  ...POSITION_COLUMNS,
  ...OPTIONAL_POSITION_COLUMNS,
];

/** A position as read back from the positions file; a missing later column reads as empty. */
export interface PositionRecord extends Position {
  /** `net_pnl_after_fees`: realizedPnl − commission. */
  readonly netPnlAfterFees: Decimal;
}

/** What a positions file holds. */
export interface PositionsFile {
  /** The positions, in file order. */
  readonly positions: PositionRecord[];
  /** The optional columns the header has. */
  readonly optionalColumns: (typeof OPTIONAL_POSITION_COLUMNS)[number][];
  /** Columns futures-ledger does not know (ignored). */
  readonly unknownColumns: string[];
}

/**
 * Reads every row of a positions file. Columns are found by name from the header; all of
 * {@linkcode POSITION_COLUMNS} are required, {@linkcode OPTIONAL_POSITION_COLUMNS} may be missing
 * or empty, other columns are ignored.
 *
 * @throws {Deno.errors.NotFound} when there is no such file.
 * @throws {DataFileError} for malformed CSV, a missing column, a malformed row (naming its line
 *   and field) or a file with no header; nothing is skipped silently.
 */
export async function readPositionsFile(path: string): Promise<PositionsFile> {
  const positions: PositionRecord[] = [];
  let index = new Map<string, number>();
  await readDataFile(path, {
    header(fields, line) {
      index = columnsOf(path, line, fields, POSITION_COLUMNS, WRITTEN_POSITION_COLUMNS);
    },
    record(fields, line) {
      positions.push(parsePositionRow(new RowReader(path, line, fields, index)));
    },
  });
  const known = new Set<string>(WRITTEN_POSITION_COLUMNS);
  return {
    positions,
    optionalColumns: OPTIONAL_POSITION_COLUMNS.filter((c) => index.has(c)),
    unknownColumns: [...index.keys()].filter((c) => !known.has(c)),
  };
}

const ASSET = /^[A-Z0-9]{1,20}$/;
const DIGITS = /^(0|[1-9]\d*)$/;

function parsePositionRow(row: RowReader): PositionRecord {
  const status = row.oneOf("status", ["OPEN", "CLOSED", "PARTIAL"] as PositionStatus[]);
  const closeText = row.text("close_time");
  const closeTime = closeText === "" ? undefined : row.time("close_time");
  if (status === "OPEN" && closeTime !== undefined) {
    row.fail("close_time", "set on an OPEN position");
  }
  if (status === "CLOSED" && closeTime === undefined) {
    row.fail("close_time", "empty on a CLOSED position");
  }
  const otherCommission = new Map<string, Decimal>();
  for (const part of row.text("commission_other").split(";")) {
    if (part.trim() === "") continue;
    const [amount = "", asset, extra] = part.trim().split(" "); // (a split has a first part)
    if (extra !== undefined || asset === undefined || !ASSET.test(asset)) {
      row.fail(
        "commission_other",
        `not valid: ${JSON.stringify(part.trim())} (expected "AMOUNT ASSET")`,
      );
    }
    otherCommission.set(asset, parseDecimal(row, "commission_other", amount));
  }
  const position: PositionRecord = {
    status,
    symbol: row.match("symbol", SYMBOL),
    direction: row.oneOf("direction", ["LONG", "SHORT"] as Direction[]),
    openTime: row.time("open_time"),
    closeTime,
    entryQty: row.decimal("entry_qty"),
    entryVwap: row.optionalDecimal("entry_vwap"),
    realizedPnl: row.decimal("realizedPnl"),
    commission: row.decimal("commission"),
    netPnlAfterFees: row.decimal("net_pnl_after_fees"),
    fills: Number(row.match("fills", DIGITS)),
    exitQty: row.decimal("exit_qty"),
    exitVwap: row.optionalDecimal("exit_vwap"),
    maxQty: row.decimal("max_qty"),
    positionSide: row.oneOf("position_side", ["BOTH", "LONG", "SHORT"] as PositionSide[]),
    openTradeId: row.match("open_trade_id", DIGITS),
    closeTradeId: row.text("close_trade_id") === "" ? "" : row.match("close_trade_id", DIGITS),
    openQty: row.decimal("open_qty"),
    priorQty: row.decimal("prior_qty"),
    market: row.oneOf("market", ["usdm", "coinm"] as Market[]),
    marginAsset: row.match("margin_asset", ASSET),
    otherCommission,
    note: row.text("note"),
    commissionConverted: row.optionalDecimal("commission_converted"),
    funding: row.optionalDecimal("funding"),
    netPnl: row.optionalDecimal("net_pnl"),
  };
  checkSums(row, position);
  return position;
}

/**
 * The columns that are sums of others must add up, and a position is flat exactly when it has a
 * close time: a digit lost or changed in one of them is caught here.
 */
function checkSums(row: RowReader, p: PositionRecord): void {
  if (p.netPnlAfterFees.cmp(p.realizedPnl.minus(p.commission)) !== 0) {
    row.fail("net_pnl_after_fees", "is not realizedPnl − commission");
  }
  const { commissionConverted: converted, funding, netPnl } = p;
  if (netPnl !== undefined && converted !== undefined && funding !== undefined) {
    const expected = p.realizedPnl.minus(p.commission).minus(converted).plus(funding);
    if (netPnl.cmp(expected) !== 0) {
      row.fail("net_pnl", "is not realizedPnl − commission − commission_converted + funding");
    }
  }
  if ((p.closeTime === undefined) !== (p.openQty.sign() > 0)) {
    row.fail("open_qty", p.closeTime === undefined ? "zero on an open position" : "not zero");
  }
}

function parseDecimal(row: RowReader, field: string, text: string): Decimal {
  try {
    return Decimal.parse(text);
  } catch (error) {
    if (error instanceof DecimalSyntaxError) {
      row.fail(field, `${describe(text)} (expected a decimal number)`);
    }
    throw error;
  }
}

function describe(text: string): string {
  return text === "" ? "empty" : `not valid: ${JSON.stringify(text.slice(0, 40))}`;
}

/** One row's fields by column name; every failure names the file, line and field. */
class RowReader {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly fields: readonly string[],
    readonly index: ReadonlyMap<string, number>,
  ) {}

  fail(field: string, problem: string): never {
    throw new DataFileError(this.path, this.line, `field "${field}": ${problem}`);
  }

  text(field: string): string {
    const at = this.index.get(field);
    return at === undefined ? "" : this.fields[at] ?? "";
  }

  match(field: string, pattern: RegExp): string {
    const text = this.text(field);
    return pattern.test(text) ? text : this.fail(field, describe(text));
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const text = this.text(field);
    const found = allowed.find((value) => value === text);
    return found ?? this.fail(field, `${describe(text)} (expected ${allowed.join(" or ")})`);
  }

  time(field: string): number {
    const text = this.text(field);
    return parseTime(text) ?? this.fail(field, `${describe(text)} (expected a UTC time)`);
  }

  decimal(field: string): Decimal {
    return parseDecimal(this, field, this.text(field));
  }

  optionalDecimal(field: string): Decimal | undefined {
    const text = this.text(field);
    return text === "" ? undefined : parseDecimal(this, field, text);
  }
}
