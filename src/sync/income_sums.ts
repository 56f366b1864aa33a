/**
 * The running sums behind the income check (`reconcile.ts`): per market and asset, the fills'
 * realized P&L and commissions and the income history's REALIZED_PNL and COMMISSION records,
 * from the market's first income record to a cutoff a little before the sync (Binance books a
 * fill's income a moment after it), and every FUNDING_FEE record.
 *
 * A sync that trusts its cache adds to them only what is new: the rows after the last cutoff up
 * to the new one, and rows that arrived late, before it. Otherwise they are summed from the files.
 *
 * @module
 */

import { defined } from "../defined.ts";
import { Decimal } from "../decimal.ts";
import type { LedgerFill, Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import type { AssetSums, IncomeSums } from "../storage/cache_file.ts";
import { readIfExists } from "../storage/data_file.ts";
import { streamLedgerFills } from "../storage/fills_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";

const COLUMNS = [
  "fillsPnl",
  "fillsCommission",
  "incomePnl",
  "incomeCommission",
  "incomeFunding",
] as const;

/** Sums of one market, growing. */
export class SumsBuilder {
  readonly #fromMs: number;
  readonly #cutoffMs: number;
  readonly #sums = new Map<string, Decimal[]>();

  /** Sums starting at `from` (or nothing), for the period from `fromMs` to `cutoffMs`. */
  constructor(fromMs: number, cutoffMs: number, from?: IncomeSums) {
    this.#fromMs = fromMs;
    this.#cutoffMs = cutoffMs;
    for (const [asset, sums] of Object.entries(from?.assets ?? {})) {
      this.#sums.set(asset, COLUMNS.map((c) => Decimal.parse(sums[c])));
    }
  }

  #add(asset: string, column: number, amount: Decimal): void {
    let row = this.#sums.get(asset);
    if (row === undefined) this.#sums.set(asset, row = COLUMNS.map(() => Decimal.ZERO));
    row[column] = defined(row[column], "an income sums column").plus(amount);
  }

  /** Whether `time` is in the period. */
  #inPeriod(time: number): boolean {
    return time >= this.#fromMs && time <= this.#cutoffMs;
  }

  /** A fill: counted if in the period. */
  fill(fill: LedgerFill): void {
    if (!this.#inPeriod(fill.time)) return;
    this.#add(fill.marginAsset, 0, Decimal.parse(fill.realizedPnl));
    this.#add(fill.commissionAsset, 1, Decimal.parse(fill.commission));
  }

  /**
   * An income record: REALIZED_PNL and COMMISSION if in the period; FUNDING_FEE if `funding`
   * (every record once: when it is new).
   */
  income(r: IncomeRecord, funding: boolean): void {
    if (r.incomeType === "FUNDING_FEE") {
      if (funding) this.#add(r.asset, 4, Decimal.parse(r.income));
      return;
    }
    if (!this.#inPeriod(r.time)) return;
    if (r.incomeType === "REALIZED_PNL") this.#add(r.asset, 2, Decimal.parse(r.income));
    if (r.incomeType === "COMMISSION") this.#add(r.asset, 3, Decimal.parse(r.income).neg());
  }

  /** The sums. */
  build(): IncomeSums {
    const assets: Record<string, AssetSums> = {};
    for (const [asset, sums] of [...this.#sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const row = sums.map((d) => d.normalize().toString());
      assets[asset] = Object.fromEntries(
        COLUMNS.map((c, i) => [c, row[i]]),
      ) as unknown as AssetSums;
    }
    return { fromMs: this.#fromMs, cutoffMs: this.#cutoffMs, assets };
  }
}

/**
 * An empty builder per market with income, its period from the market's first income record to
 * `cutoffMs`: the income file read once for where each market begins (every row checked).
 *
 * @throws {DataFileError} for a malformed income file.
 */
export async function periodBuilders(
  incomePath: string,
  cutoffMs: number,
): Promise<Map<Market, SumsBuilder>> {
  const first =
    await readIfExists(() => streamIncomeFile(incomePath, () => {}, { types: new Set() })) ??
      new Map<Market, number>();
  return new Map([...first].map(([m, t]) => [m, new SumsBuilder(t, cutoffMs)]));
}

/**
 * Every market's sums from the files (each may be missing), up to `cutoffMs`: markets without
 * income have none.
 *
 * @throws {DataFileError} for a malformed file.
 */
export async function sumsFromFiles(
  fillsPath: string,
  incomePath: string,
  cutoffMs: number,
): Promise<Map<Market, IncomeSums>> {
  const builders = await periodBuilders(incomePath, cutoffMs);
  await readIfExists(() =>
    // (`periodBuilders` read the same file: it made a builder for every market there)
    streamIncomeFile(
      incomePath,
      (r) =>
        defined(builders.get(r.market), "the sums builder of an income record's market").income(
          r,
          true,
        ),
    )
  );
  await readIfExists(() =>
    streamLedgerFills(fillsPath, (fill) => builders.get(fill.market)?.fill(fill))
  );
  return new Map([...builders].map(([market, b]) => [market, b.build()]));
}

/**
 * `old` moved on to `cutoffMs`: plus the rows of the files' tails after the old cutoff, up to the
 * new one, and the rows added now that are at or before the old cutoff (they came late); every
 * FUNDING_FEE record added now.
 */
export function advanceSums(
  old: IncomeSums,
  cutoffMs: number,
  tail: { readonly fills: readonly LedgerFill[]; readonly income: readonly IncomeRecord[] },
  added: { readonly fills: readonly LedgerFill[]; readonly income: readonly IncomeRecord[] },
): IncomeSums {
  const after = (time: number) => time > old.cutoffMs;
  const counted = tail.fills.some((f) => after(f.time) && f.time <= cutoffMs) ||
    tail.income.some((r) => after(r.time) && r.time <= cutoffMs) ||
    added.fills.some((f) => !after(f.time)) || added.income.length > 0;
  // Nothing new to count: the sums up to the old cutoff are those up to the new one.
  if (!counted) return old;
  const builder = new SumsBuilder(old.fromMs, cutoffMs, old);
  for (const fill of tail.fills) if (after(fill.time)) builder.fill(fill);
  for (const r of tail.income) if (after(r.time)) builder.income(r, false);
  for (const fill of added.fills) if (!after(fill.time)) builder.fill(fill);
  for (const r of added.income) {
    if (!after(r.time)) builder.income(r, false);
    if (r.incomeType === "FUNDING_FEE") builder.income(r, true);
  }
  return builder.build();
}
