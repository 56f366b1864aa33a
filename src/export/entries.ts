/**
 * What a tax tool is given: the ledger's money movements, one entry each, in their own asset.
 * Pure: positions and income records in, entries out; the formats (`koinly.ts`,
 * `cointracking.ts`, `cointracker.ts`) only lay them out.
 *
 * The entries of a period, and when each one happens:
 * - a closed position (CLOSED, or PARTIAL with a close time) gives its realized P&L, its
 *   commission in the margin asset and each fee paid in another asset (BNB: as BNB, never
 *   converted), all at its **close time**: the whole round trip is realized when it closes;
 * - each FUNDING_FEE income record gives a funding entry at its **own time**, whether or not a
 *   position took it (the "unattached" funding too), so the funding is the income history's;
 * - each other income record that is money in or out and no position's (`income_kinds.ts`: a
 *   delivery settlement, a fee or rebate, a reward paid in) gives an entry at its **own time**;
 *   REALIZED_PNL and COMMISSION records give none (the positions carry that money), nor do
 *   transfers between the user's own wallets; any other record is left out, and
 *   {@linkcode leftOutIncome} lists it for a warning;
 * - a DELIVERED_SETTELMENT record gives none either when a position of its market and symbol was
 *   closed by delivery at its time (`closedByDelivery`): that position's realized P&L holds it
 *   (`src/ledger/settlement.ts`). One the ledger could not attach (no position open for it in the
 *   data, hedge LONG and SHORT both open) gives its own entry, so it is counted once either way;
 * - a position still open gives nothing (it has realized nothing yet).
 *
 * A period runs from `from` (included) to `to` (excluded), in ms. Per asset, the entries of a
 * period add up to Σ realized P&L − Σ commission − Σ fees in that asset + Σ funding + Σ delivery
 * settlements + Σ other fees and rebates (signed) + Σ rewards over it.
 * Amounts are exact; an entry of exactly zero is left out (it moves nothing).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { type IncomeRecord, SETTLEMENT } from "../income.ts";
import { closedByDelivery, type Position } from "../position.ts";
import { inPeriod, type Period } from "../period.ts";
import { formatTime } from "../time.ts";
import { type IncomeEntryKind, incomeTreatment } from "./income_kinds.ts";

/** The income records an export leaves out, for the warning (see `income_kinds.ts`). */
export { type LeftOutIncome, leftOutIncome } from "./income_kinds.ts";

/**
 * What an entry is: a position's realized P&L or commission, or an income record's funding,
 * delivery settlement, other fee or rebate, or reward.
 */
export type EntryKind = "realized" | "commission" | IncomeEntryKind;

/** One money movement, as a tax tool's row describes it. */
export interface ExportEntry {
  /** Realized P&L, a commission, a funding payment, a settlement, another fee, a reward. */
  readonly kind: EntryKind;
  /** When it counts, ms since the epoch (UTC). */
  readonly time: number;
  /** Signed, exact: positive into the account (a gain, a rebate, funding received), else out. */
  readonly amount: Decimal;
  /** The asset of `amount` (`USDT`, `BTC`, `BNB`...). */
  readonly asset: string;
  /**
   * A transaction id made only from what identifies the movement (never from file order), so
   * exporting an overlapping period again gives the same id. Positions are named by their book
   * and **closing** trade id, which stays the same when older fills are added to the data later
   * (the opening trade of a PARTIAL position would not), or `delivery-` and its close time in ms
   * when a delivery settlement closed it; an income record by market, type and `tranId` (unique
   * within its type): `fl-usdm-funding-7`, `fl-usdm-insurance-clear-8`.
   */
  readonly id: string;
  /** The contract, or empty for an account-wide income record (a bonus, a rebate). */
  readonly symbol: string;
  /**
   * What it is, for people: contract, book, direction, close time, and a PARTIAL's note; or
   * the contract (`account` if none), what the income record is, its type and `tranId`.
   */
  readonly description: string;
}

/**
 * The entries of `period`, by time, then id.
 *
 * @example
 * ```ts
 * import { exportEntries } from "./entries.ts";
 * const entries = exportEntries([], [{
 *   market: "usdm", time: 0, symbol: "BTCUSDT", incomeType: "FUNDING_FEE", income: "-0.5",
 *   asset: "USDT", info: "", tranId: "7", tradeId: "",
 * }], {});
 * if (entries[0]?.id !== "fl-usdm-funding-7" || `${entries[0]?.amount}` !== "-0.5") throw 0;
 * ```
 */
export function exportEntries(
  positions: readonly Position[],
  income: readonly IncomeRecord[],
  period: Period,
): ExportEntry[] {
  const entries: ExportEntry[] = [];
  const delivered = new Set<string>();
  for (const p of positions) {
    if (p.closeTime === undefined || !inPeriod(p.closeTime, period)) continue;
    entries.push(...positionEntries(p, p.closeTime));
    if (closedByDelivery(p)) delivered.add(`${p.market}|${p.symbol}|${p.closeTime}`);
  }
  for (const r of income) {
    if (!inPeriod(r.time, period)) continue;
    if (r.incomeType === SETTLEMENT && delivered.has(`${r.market}|${r.symbol}|${r.time}`)) continue;
    const amount = Decimal.parse(r.income).normalize();
    if (amount.isZero()) continue;
    const treatment = incomeTreatment(r.incomeType, amount);
    if ("entry" in treatment) entries.push(incomeEntry(r, treatment.entry, treatment.what, amount));
  }
  return entries.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An income record's entry: funding keeps the ids and words it always had. */
function incomeEntry(
  r: IncomeRecord,
  kind: IncomeEntryKind,
  what: string,
  amount: Decimal,
): ExportEntry {
  const type = kind === "funding" ? "funding" : r.incomeType.toLowerCase().replaceAll("_", "-");
  const source = kind === "funding" ? "income" : `income ${r.incomeType}`;
  return {
    kind,
    time: r.time,
    amount,
    asset: r.asset,
    id: `fl-${r.market}-${type}-${r.tranId}`,
    symbol: r.symbol,
    description: `${r.symbol || "account"} ${what} (${r.market}, ${source} tranId ${r.tranId})`,
  };
}

function positionEntries(p: Position, time: number): ExportEntry[] {
  const book = p.positionSide === "BOTH" ? "one-way" : `hedge ${p.positionSide}`;
  const delivered = closedByDelivery(p);
  const what = `${p.symbol} ${p.direction.toLowerCase()} (${p.market}, ${book}) closed ` +
    `${delivered ? "by delivery settlement " : ""}${formatTime(time)}`;
  const note = p.status === "PARTIAL"
    ? `; PARTIAL: ${p.note || "opened before the data"}; its commission covers only the ` +
      "fills in the data"
    : "";
  const closing = delivered ? `delivery-${time}` : p.closeTradeId;
  const base = `fl-${p.market}-${p.symbol}-${p.positionSide}-${closing}`;
  const entry = (kind: EntryKind, amount: Decimal, asset: string, id: string, label: string) => ({
    kind,
    time,
    amount: amount.normalize(),
    asset,
    id,
    symbol: p.symbol,
    description: `${what}: ${label}${note}`,
  });
  const entries: ExportEntry[] = [
    entry("realized", p.realizedPnl, p.marginAsset, `${base}-pnl`, "realized P&L"),
    entry(
      "commission",
      p.commission.neg(),
      p.marginAsset,
      `${base}-fee-${p.marginAsset}`,
      "commission",
    ),
  ];
  for (const [asset, fee] of [...p.otherCommission].sort(([a], [b]) => (a < b ? -1 : 1))) {
    entries.push(
      entry("commission", fee.neg(), asset, `${base}-fee-${asset}`, `commission in ${asset}`),
    );
  }
  return entries.filter((e) => !e.amount.isZero());
}

/** Per asset, the sum of the entries' amounts (exact, without trailing zeros). */
export function totalsByAsset(entries: readonly ExportEntry[]): Map<string, Decimal> {
  const totals = new Map<string, Decimal>();
  for (const e of entries) {
    totals.set(e.asset, (totals.get(e.asset) ?? Decimal.ZERO).plus(e.amount));
  }
  return new Map(
    [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, t]) => [a, t.normalize()]),
  );
}
