/**
 * Which income records the export writes, as what, and which it leaves out. Pure.
 *
 * Every type of Binance's income history (`src/sync/fetch_income.ts`) that the export knows is in one of five groups:
 *
 * | group | types | in the export |
 * | --- | --- | --- |
 * | P&L | FUNDING_FEE; DELIVERED_SETTELMENT | an entry at the record's time (`funding`, `settlement`); a settlement that closed a position, none (`entries.ts`) |
 * | fees and rebates | INSURANCE_CLEAR, POSITION_LIMIT_INCREASE_FEE; COMMISSION_REBATE, API_REBATE, FEE_RETURN | an entry (`fee`), labelled by its sign as a commission is |
 * | rewards | REFERRAL_KICKBACK, WELCOME_BONUS, CONTEST_REWARD, BFUSD_REWARD | an entry (`reward`) when paid in; a reward paid out is left out, with a warning |
 * | covered | REALIZED_PNL, COMMISSION | none: the closed positions carry them (their realized P&L and commission), so a row of them would count the money twice |
 * | transfers | TRANSFER, INTERNAL_TRANSFER, CROSS_COLLATERAL_TRANSFER, STRATEGY_UMFUTURES_TRANSFER, COIN_SWAP_DEPOSIT, COIN_SWAP_WITHDRAW, AUTO_EXCHANGE | none: money moved between the user's own wallets and assets is not a gain or a loss |
 *
 * Any other type (OPTIONS_PREMIUM_FEE and OPTIONS_SETTLE_PROFIT, whose premium is the cost of an
 * option rather than a result, or a type Binance adds later) is left out with a warning, never
 * silently: {@linkcode leftOutIncome} says how many records and how much per asset.
 *
 * DELIVERED_SETTELMENT is a quarterly (or delisted) contract's P&L at delivery. The ledger closes
 * the position held into the delivery with it (`src/ledger/settlement.ts`), and that position's
 * realized P&L carries it: `entries.ts` then gives the record no entry. A settlement the ledger
 * could not attach (no position open for it in the data, or hedge LONG and SHORT both open)
 * is in no position's P&L, so it gives its own entry, of this kind.
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import type { IncomeRecord } from "../income.ts";
import { inPeriod, type Period } from "../period.ts";

/** The kind of entry an income record gives. */
export type IncomeEntryKind = "funding" | "settlement" | "fee" | "reward";

/** What each type the export knows becomes, and what it is called in a row's description. */
const TYPES: Readonly<
  Record<string, { kind: IncomeEntryKind | "covered" | "transfer"; what: string }>
> = {
  FUNDING_FEE: { kind: "funding", what: "funding fee" },
  DELIVERED_SETTELMENT: { kind: "settlement", what: "delivery settlement at expiry" },
  INSURANCE_CLEAR: { kind: "fee", what: "liquidation clearance fee" },
  POSITION_LIMIT_INCREASE_FEE: { kind: "fee", what: "position limit increase fee" },
  COMMISSION_REBATE: { kind: "fee", what: "commission rebate" },
  API_REBATE: { kind: "fee", what: "API rebate" },
  FEE_RETURN: { kind: "fee", what: "fee return" },
  REFERRAL_KICKBACK: { kind: "reward", what: "referral kickback" },
  WELCOME_BONUS: { kind: "reward", what: "welcome bonus" },
  CONTEST_REWARD: { kind: "reward", what: "contest reward" },
  BFUSD_REWARD: { kind: "reward", what: "BFUSD reward" },
  REALIZED_PNL: { kind: "covered", what: "realized P&L" },
  COMMISSION: { kind: "covered", what: "commission" },
  TRANSFER: { kind: "transfer", what: "transfer" },
  INTERNAL_TRANSFER: { kind: "transfer", what: "internal transfer" },
  CROSS_COLLATERAL_TRANSFER: { kind: "transfer", what: "cross collateral transfer" },
  STRATEGY_UMFUTURES_TRANSFER: { kind: "transfer", what: "strategy transfer" },
  COIN_SWAP_DEPOSIT: { kind: "transfer", what: "coin swap deposit" },
  COIN_SWAP_WITHDRAW: { kind: "transfer", what: "coin swap withdrawal" },
  AUTO_EXCHANGE: { kind: "transfer", what: "auto exchange" },
};

/** What becomes of one income record of a non-zero `amount`. */
export type IncomeTreatment =
  | { readonly entry: IncomeEntryKind; readonly what: string }
  | { readonly not: "covered" | "transfer" }
  | { readonly leftOut: string };

/**
 * What becomes of a record of `incomeType` and a non-zero `amount`: an entry of a kind (and
 * what the description calls it), deliberately none (covered by positions, or a transfer), or
 * left out for the accountant, with the reason.
 *
 * @example
 * ```ts
 * import { Decimal } from "../decimal.ts";
 * import { incomeTreatment } from "./income_kinds.ts";
 * const t = incomeTreatment("INSURANCE_CLEAR", Decimal.parse("-1.25"));
 * if (!("entry" in t) || t.entry !== "fee") throw new Error();
 * if (!("leftOut" in incomeTreatment("OPTIONS_PREMIUM_FEE", Decimal.parse("-2")))) throw 0;
 * ```
 */
export function incomeTreatment(incomeType: string, amount: Decimal): IncomeTreatment {
  const known = TYPES[incomeType];
  if (known === undefined) return { leftOut: "a type the export does not map" };
  if (known.kind === "covered" || known.kind === "transfer") return { not: known.kind };
  if (known.kind === "reward" && amount.sign() < 0) {
    return { leftOut: "paid out of the account: no tool labels a reward taken back" };
  }
  return { entry: known.kind, what: known.what };
}

/** Income records of one type that the export left out, and their sums. */
export interface LeftOutIncome {
  /** Binance's `incomeType`. */
  readonly incomeType: string;
  /** Why they are not in the file. */
  readonly reason: string;
  /** How many records. */
  readonly count: number;
  /** Per asset (sorted), the sum of their amounts: exact, signed, without trailing zeros. */
  readonly sums: ReadonlyMap<string, Decimal>;
}

/**
 * The income records of `period` that the export leaves out without a rule saying so (see the
 * module doc), by type and reason, sorted: what the accountant must add by hand. A record of
 * exactly zero moves nothing and is not among them.
 *
 * @example
 * ```ts
 * import { leftOutIncome } from "./income_kinds.ts";
 * const [left] = leftOutIncome([{
 *   market: "usdm", time: 0, symbol: "", incomeType: "STRATEGY_BONUS", income: "2.5",
 *   asset: "USDT", info: "", tranId: "1", tradeId: "",
 * }], {});
 * if (left?.count !== 1 || `${left.sums.get("USDT")}` !== "2.5") throw new Error();
 * ```
 */
export function leftOutIncome(income: readonly IncomeRecord[], period: Period): LeftOutIncome[] {
  const groups = new Map<string, { incomeType: string; reason: string; records: IncomeRecord[] }>();
  for (const r of income) {
    if (!inPeriod(r.time, period)) continue;
    const amount = Decimal.parse(r.income);
    if (amount.isZero()) continue;
    const treatment = incomeTreatment(r.incomeType, amount);
    if (!("leftOut" in treatment)) continue;
    const key = `${r.incomeType}|${treatment.leftOut}`;
    const group = groups.get(key) ??
      { incomeType: r.incomeType, reason: treatment.leftOut, records: [] };
    group.records.push(r);
    groups.set(key, group);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => {
    const sums = new Map<string, Decimal>();
    for (const r of g.records) {
      sums.set(r.asset, (sums.get(r.asset) ?? Decimal.ZERO).plus(Decimal.parse(r.income)));
    }
    return {
      incomeType: g.incomeType,
      reason: g.reason,
      count: g.records.length,
      sums: new Map(
        [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, s]) => [a, s.normalize()]),
      ),
    };
  });
}
