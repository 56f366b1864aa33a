/**
 * An archive's income rows as rows of the income file (`source` `archive`), each once: a row with
 * a transaction id keeps it; one without is left out when the API has it (type, symbol, time to
 * the export's precision, amount and asset) or the files hold it from the same export at another
 * precision, and gets an id made from its time otherwise. Rows in the API's period that match
 * none of its records but match them a zone's shift away are refused. Pure.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { madeId, type Market } from "../fill.ts";
import type { IncomeRecord } from "../income.ts";
import { commonShift, incomeValues } from "./shifted_rows.ts";
import type { RowsContext } from "./to_rows.ts";
import { ArchiveError, type ArchiveIncome } from "./types.ts";

/**
 * The income rows: with their transaction id, or matched, left to the sync, or given one
 * (`minutes`: the files without seconds).
 */
export function incomeRows(
  rows: readonly ArchiveIncome[],
  context: RowsContext,
  precision: number,
  minutes: ReadonlySet<string>,
): { rows: IncomeRecord[]; matched: number } {
  const key = (
    r: { market: Market; incomeType: string; symbol: string; time: number },
    amount: string,
    asset: string,
  ) =>
    `${r.market}|${r.incomeType}|${r.symbol}|${Math.floor(r.time / precision)}|` +
    `${Decimal.parse(amount).normalize()}|${asset}`;
  const api = new Map<string, number>();
  const ids = new Set<string>();
  for (const r of context.apiIncome) {
    const k = key(r, r.income, r.asset);
    api.set(k, (api.get(k) ?? 0) + 1);
    ids.add(`${r.market}|${r.incomeType}|${r.tranId}`);
  }
  const out: IncomeRecord[] = [];
  let matched = 0;
  const places = new Map<string, number>();
  const sorted = [...rows].sort((a, b) => a.time - b.time || a.line - b.line);
  const unmatched: ArchiveIncome[] = [];
  for (const r of sorted) {
    let tranId = r.tranId;
    if (tranId !== undefined && ids.has(`${r.market}|${r.incomeType}|${tranId}`)) {
      matched++; // the API's row is kept
      continue;
    }
    if (tranId === undefined) {
      const k = key(r, r.income, r.asset);
      const left = api.get(k) ?? 0;
      if (left > 0) {
        api.set(k, left - 1);
        matched++;
        continue;
      }
      if (context.imported?.takeIncome(r, minutes.has(r.source))) {
        matched++;
        continue;
      }
      unmatched.push(r);
      const at = `${r.market}|${r.incomeType}|${r.time}`;
      const place = places.get(at) ?? 0;
      places.set(at, place + 1);
      tranId = madeId(r.time, place, minutes.has(r.source));
    }
    out.push({
      market: r.market,
      time: r.time,
      symbol: r.symbol,
      incomeType: r.incomeType,
      income: r.income,
      asset: r.asset,
      info: r.info ?? "",
      tranId,
      tradeId: "",
      source: "archive",
    });
  }
  checkIncomeZone(unmatched, context.apiIncome, precision);
  return { rows: out, matched };
}

/**
 * Refuses rows without an id, in the period of the API's income, that match none of its records
 * but most of which match them a whole number of quarter hours away (at least 2): the export's
 * time zone is wrong, and its funding would count twice. A row the API lacks is otherwise added
 * (its income history can lack records: `src/sync/fetch_income.ts`).
 */
function checkIncomeZone(
  unmatched: readonly ArchiveIncome[],
  api: readonly IncomeRecord[],
  precision: number,
): void {
  if (unmatched.length === 0 || api.length === 0) return;
  const from = api.reduce((min, r) => Math.min(min, r.time), Infinity);
  const to = api.reduce((max, r) => Math.max(max, r.time), -Infinity);
  const times = new Map<string, number[]>();
  for (const r of api) {
    const values = incomeValues(r);
    const list = times.get(values);
    if (list === undefined) times.set(values, [r.time]);
    else list.push(r.time);
  }
  const inPeriod = unmatched.filter((r) => r.time >= from && r.time <= to)
    .map((r) => ({ row: r, values: incomeValues(r) }));
  const found = commonShift(inPeriod, (values) => times.get(values) ?? [], precision);
  if (found === undefined || found.count < 2) return;
  const hours = `${Math.abs(found.shift) / 3_600_000} h`;
  throw new ArchiveError(
    found.first.source,
    `${inPeriod.length} rows without a transaction id fall in the period of the income the API ` +
      `gave but match none of its records; ${found.count} of them match its records ${hours} ` +
      `${found.shift > 0 ? "later" : "earlier"}: the export's time zone is wrong ` +
      "(--utc-offset)",
    found.first.line,
  );
}
