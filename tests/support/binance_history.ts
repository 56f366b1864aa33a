/**
 * Random trading histories as Binance would report them (fast-check), for the reference-ledger
 * and two-run sync properties: a few contracts — two USDⓈ-M symbols whose trade ids collide, and
 * one symbol name on both markets —, one-way flips, hedge books (a contract may switch mode while
 * flat), rebates and fees in BNB, realized P&L only where a fill closes something, funding (some
 * in the very millisecond of a fill, some settled late, some for a symbol never traded or in
 * another asset), and optionally books that began before the data, with Binance's positions
 * (anchors) that say what they held; and in about half of them a contract held into its delivery
 * (`src/ledger/settlement.ts`): the COIN-M quarterly ADAUSD_260327 delivered, or the USDⓈ-M
 * ETHUSDT delisted, part-way through the history — no fill of it after, a DELIVERED_SETTELMENT
 * record per book still held then, its funding up to that very millisecond, and Binance's
 * positions no longer listing it. (The delivery time is the history's, not the one the
 * quarterly's name says: the ledger takes it from the record.)
 *
 * @module
 */

import Big from "big.js";
import fc from "fast-check";
import type { Fill, Market, PositionSide, Side } from "../../src/fill.ts";
import { type IncomeRecord, SETTLEMENT } from "../../src/income.ts";
import { positionsAt } from "./binance_views.ts";
import { at, last } from "./indexed.ts";
import type { ReferenceSnapshot } from "./reference_ledger.ts";

/** A contract the histories trade. */
export interface Contract {
  readonly market: Market;
  readonly symbol: string;
  readonly marginAsset: string;
  readonly qtyDecimals: number;
  readonly priceDecimals: number;
  /** Lowest price, in ticks. */
  readonly lowTick: number;
}

/**
 * BTCUSDT and ETHUSDT share trade-id ranges; ADAUSD_PERP exists on both markets (the USDⓈ-M one
 * is made up, so that one symbol name has fills in both) with colliding ids too. Sorted by
 * market then symbol, the COIN-M ADAUSD_PERP comes right before the USDⓈ-M one, and BTCUSDT right
 * before ETHUSDT: the places where a dedup that forgets the market or the symbol would bite. The
 * COIN-M pair ADAUSD has three contracts, so a first sync walks it by pair.
 */
export const CONTRACTS = [
  {
    market: "usdm",
    symbol: "BTCUSDT",
    marginAsset: "USDT",
    qtyDecimals: 3,
    priceDecimals: 1,
    lowTick: 600_000,
  },
  {
    market: "usdm",
    symbol: "ETHUSDT",
    marginAsset: "USDT",
    qtyDecimals: 2,
    priceDecimals: 2,
    lowTick: 300_000,
  },
  {
    market: "coinm",
    symbol: "ADAUSD_PERP",
    marginAsset: "ADA",
    qtyDecimals: 0,
    priceDecimals: 5,
    lowTick: 30_000,
  },
  {
    market: "coinm",
    symbol: "ADAUSD_260327",
    marginAsset: "ADA",
    qtyDecimals: 0,
    priceDecimals: 5,
    lowTick: 30_500,
  },
  {
    market: "coinm",
    symbol: "ADAUSD_260626",
    marginAsset: "ADA",
    qtyDecimals: 0,
    priceDecimals: 5,
    lowTick: 31_000,
  },
  {
    market: "usdm",
    symbol: "ADAUSD_PERP",
    marginAsset: "USDT",
    qtyDecimals: 0,
    priceDecimals: 5,
    lowTick: 30_000,
  },
] as const satisfies readonly Contract[];

/** A USDⓈ-M symbol with funding but never traded (its funding is unattached). */
const UNTRADED = { market: "usdm" as Market, symbol: "DOGEUSDT", marginAsset: "USDT" };

/** The start of every history. */
export const HISTORY_START = Date.UTC(2026, 2, 2, 7, 0, 0);

/** How long after its time a FUNDING_FEE record shows in the income history. */
export const FUNDING_SETTLES_MS = 30_000;

/** A whole history: what Binance holds, and what a test gives the ledger. */
export interface History {
  /** Every fill once, in file order (time, market, symbol, trade id). */
  readonly fills: Fill[];
  /** FUNDING_FEE records. */
  readonly funding: IncomeRecord[];
  /** DELIVERED_SETTELMENT records. */
  readonly settlements: IncomeRecord[];
  /** The delivered contract's delivery time: `market|symbol` → ms (none, or one). */
  readonly deliveries: ReadonlyMap<string, number>;
  /** TRANSFER records: the first says from when the income history is known. */
  readonly transfers: IncomeRecord[];
  /** Whether the ledger is given an income history at all. */
  readonly withIncome: boolean;
  /** Kline opens, `BNBUSDT|<minute ms>` → text; minutes absent have no price. */
  readonly prices: Map<string, string>;
  /** What each book held before its first fill: `market|symbol|side` → signed quantity text. */
  readonly priors: Map<string, string>;
  /** Binance's positions per market at the anchor time (empty: none given). */
  readonly snapshots: ReferenceSnapshot[];
  /** The last fill's time (or the start). */
  readonly end: number;
}

const step = fc.record({
  contract: fc.nat(CONTRACTS.length - 1),
  hedgeSide: fc.constantFrom("LONG", "SHORT") as fc.Arbitrary<"LONG" | "SHORT">,
  side: fc.constantFrom("BUY", "SELL") as fc.Arbitrary<Side>,
  units: fc.integer({ min: 1, max: 6 }),
  tick: fc.nat(2000),
  fee: fc.constantFrom("margin", "margin", "margin", "bnb", "rebate", "zero"),
  feeUnits: fc.integer({ min: 1, max: 99_999 }),
  priced: fc.nat(6).map((n) => n > 0),
  bnbTick: fc.nat(5000),
  pnl: fc.integer({ min: -500_000, max: 500_000 }).filter((n) => n !== 0),
  breakEven: fc.nat(5).map((n) => n === 0),
  gap: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 900_000 })),
  idGap: fc.integer({ min: 1, max: 3 }),
  maker: fc.boolean(),
  /** Switch the contract between one-way and hedge mode first, if all its books are flat. */
  switchMode: fc.nat(9).map((n) => n === 0),
});

const fundingRecord = fc.record({
  contract: fc.nat(CONTRACTS.length), // the last one: the untraded symbol
  at: fc.nat(),
  place: fc.constantFrom("atFill", "beforeFill", "anywhere"),
  units: fc.integer({ min: -99_999_999, max: 99_999_999 }).filter((n) => n !== 0),
  otherAsset: fc.nat(7).map((n) => n === 0),
});

/**
 * A contract held into its delivery (`contract`: ETHUSDT, a delisted perpetual, or the COIN-M
 * quarterly ADAUSD_260327), before step `at` or after the last, `gap` ms after the time then, at
 * the settlement price `tick` ticks above the contract's lowest.
 */
const delivery = fc.record({
  contract: fc.constantFrom(1, 3),
  at: fc.nat(55),
  gap: fc.constantFrom(1, 1000, 3_600_000),
  tick: fc.nat(2000),
  /** A FUNDING_FEE record of the delivery's very millisecond, of these units, or none. */
  funding: fc.option(fc.integer({ min: -99_999_999, max: 99_999_999 }).filter((n) => n !== 0), {
    freq: 3,
  }),
});

/** What a history may contain. */
export interface HistoryOptions {
  /** Allow fills with a zero fee (the sync's discovery cannot see such round trips). */
  readonly zeroFees?: boolean;
}

const scenario = fc.record({
  hedge: fc.array(fc.boolean(), { minLength: CONTRACTS.length, maxLength: CONTRACTS.length }),
  partial: fc.nat(2).map((n) => n === 0),
  priors: fc.array(fc.integer({ min: -3, max: 3 }), {
    minLength: 3 * CONTRACTS.length,
    maxLength: 3 * CONTRACTS.length,
  }),
  steps: fc.array(step, { maxLength: 50, size: "max" }),
  firstId: fc.constantFrom(1000n, 2n ** 53n - 5n, 4_575_108_247n),
  ethIds: fc.constantFrom("meet", "same", "apart"),
  adaIds: fc.constantFrom("meet", "same", "apart"),
  funding: fc.array(fundingRecord, { maxLength: 8, size: "max" }),
  income: fc.constantFrom("before", "atFill", "fundingOnly", "none"),
  incomeAt: fc.nat(),
  anchor: fc.constantFrom("none", "late", "atLast", "stale"),
  delivery: fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: delivery },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type StepValue = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** Random Binance-like histories. */
export function binanceHistory(options: HistoryOptions = {}): fc.Arbitrary<History> {
  return scenario.map((s) => build(s, options));
}

const SIDES: readonly PositionSide[] = ["BOTH", "LONG", "SHORT"];
const units = (n: number | bigint, places: number, fixed = places) =>
  new Big(`${n}e-${places}`).toFixed(fixed);
const bookKey = (c: { market: Market; symbol: string }, side: PositionSide) =>
  `${c.market}|${c.symbol}|${side}`;

interface Trade {
  readonly contract: Contract;
  readonly step: StepValue;
  readonly fill: Omit<Fill, "id" | "orderId">;
}

function build(s: Scenario, options: HistoryOptions): History {
  // Signed holdings in units per book; hedge books hold ≥ 0. Priors only with an anchor.
  const partial = s.partial && s.anchor !== "none" && s.anchor !== "stale";
  const priors = new Map<string, number>();
  CONTRACTS.forEach((c, i) => {
    SIDES.forEach((side, j) => {
      const hedgeBook = side !== "BOTH";
      if (hedgeBook !== s.hedge[i]) return;
      // A delivered contract's positions begin in the data: what a settled symbol held before
      // it is inferred without an anchor, which the reference does not re-implement.
      const n = partial && s.delivery?.contract !== i ? at(s.priors, 3 * i + j) : 0;
      priors.set(bookKey(c, side), hedgeBook ? Math.abs(n) : n);
    });
  });
  const held = new Map(priors);
  const mode = [...s.hedge]; // per contract: hedge mode, else one-way
  const trades: Trade[] = [];
  let time = HISTORY_START;
  // Without the income history the ledger cannot know of a delivery, and Binance's positions
  // after it contradict the fills: a case for the unanchored inference, which the reference does
  // not re-implement. So deliveries come with an income history only.
  const d = s.income === "none" ? null : s.delivery;
  const settlements: IncomeRecord[] = [];
  const deliveries = new Map<string, number>();
  const lastPrice = new Map<string, string>();
  // Binance delivers (a quarterly) or settles (a delisted perpetual) the positions still held at
  // the settlement price, with no fill, and books each one's P&L as a DELIVERED_SETTELMENT record
  // in the margin asset: https://www.binance.com/en/support/faq/a3401595e1734084959c61491bc0dbe3,
  // https://www.binance.com/en/support/articles/dd60dfbf654d4055aa6b217ea6d5ddba,
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History.
  const deliver = (delivery: NonNullable<Scenario["delivery"]>) => {
    const contract = at(CONTRACTS, delivery.contract);
    const when = time + delivery.gap;
    deliveries.set(`${contract.market}|${contract.symbol}`, when);
    const settle = new Big(units(contract.lowTick + delivery.tick, contract.priceDecimals));
    for (const side of SIDES) {
      const key = bookKey(contract, side);
      const n = held.get(key) ?? 0;
      const entry = lastPrice.get(key);
      if (n === 0 || entry === undefined) continue;
      // The P&L of closing the quantity held at the settlement price, from the book's last price
      // (the generator's realized P&L is made up too; this one is at least Binance's formula).
      const signed = new Big(units(side === "SHORT" ? -n : n, contract.qtyDecimals));
      const pnl = contract.market === "coinm" // 10 USD a contract, P&L in the coin
        ? signed.times(10).times(new Big(1).div(entry).minus(new Big(1).div(settle))).toFixed(8)
        : signed.times(settle.minus(entry)).toFixed();
      settlements.push({
        market: contract.market,
        time: when,
        symbol: contract.symbol,
        incomeType: SETTLEMENT,
        income: pnl,
        asset: contract.marginAsset,
        info: "",
        tranId: String(770_100_000_000 + settlements.length),
        tradeId: "",
      });
      held.set(key, 0);
    }
  };
  for (const [k, st] of s.steps.entries()) {
    if (k === d?.at) deliver(d);
    if (deliveries.size > 0 && st.contract === d?.contract) continue; // the contract is gone
    const contract = at(CONTRACTS, st.contract);
    const flat = SIDES.every((side) => (held.get(bookKey(contract, side)) ?? 0) === 0);
    if (st.switchMode && flat) mode[st.contract] = !mode[st.contract]; // Binance: only when flat
    const hedge = mode[st.contract];
    const positionSide: PositionSide = hedge ? st.hedgeSide : "BOTH";
    const key = bookKey(contract, positionSide);
    const holding = held.get(key) ?? 0;
    let qty = st.units;
    let closes: number;
    if (hedge) {
      const opens = (positionSide === "LONG") === (st.side === "BUY");
      if (!opens) qty = Math.min(qty, holding);
      if (qty === 0) continue; // nothing to close: Binance would refuse the order
      closes = opens ? 0 : qty;
      held.set(key, holding + (opens ? qty : -qty));
    } else {
      const delta = st.side === "BUY" ? qty : -qty;
      closes = Math.sign(delta) === -Math.sign(holding) ? Math.min(qty, Math.abs(holding)) : 0;
      held.set(key, holding + delta);
    }
    time += st.gap;
    const fee = st.fee === "zero" && !options.zeroFees ? "margin" : st.fee;
    const price = units(contract.lowTick + st.tick, contract.priceDecimals);
    lastPrice.set(key, price);
    const qtyText = units(qty, contract.qtyDecimals);
    const coinm = contract.market === "coinm";
    trades.push({
      contract,
      step: st,
      fill: {
        market: contract.market,
        symbol: contract.symbol,
        time,
        side: st.side,
        positionSide,
        qty: qtyText,
        price,
        commission: fee === "zero" ? "0" : units(fee === "rebate" ? -st.feeUnits : st.feeUnits, 8),
        commissionAsset: fee === "bnb" ? "BNB" : contract.marginAsset,
        realizedPnl: closes > 0 && !st.breakEven ? units(st.pnl, 4, 8) : "0",
        marginAsset: contract.marginAsset,
        source: "api",
        maker: st.maker,
        quoteQty: coinm ? "" : new Big(qtyText).times(price).toFixed(),
        baseQty: coinm ? new Big(qtyText).times(10).div(price).toFixed(8) : "",
        pair: coinm ? at(contract.symbol.split("_"), 0) : "",
      },
    });
  }

  if (d !== null && deliveries.size === 0) deliver(d);

  // Trade ids per contract, increasing with time, from starts that make them collide.
  const ids = new Map<Contract, bigint[]>();
  const assign = (c: Contract, start: bigint) => {
    let id = start;
    const list = trades.filter((t) => t.contract === c).map((
      t,
      k,
    ) => (id += k === 0 ? 0n : BigInt(t.step.idGap)));
    ids.set(c, list);
  };
  const [btc, eth, adaCoinm, adaMarch, adaJune, adaUsdm] = CONTRACTS;
  const startAfter = (c: Contract, how: string, apart: bigint) => {
    const list = ids.get(c)!;
    return how === "meet" && list.length > 0 ? last(list) : how === "same" ? s.firstId : apart;
  };
  assign(btc, s.firstId);
  assign(eth, startAfter(btc, s.ethIds, s.firstId + 1_000_000n));
  assign(adaCoinm, s.firstId);
  assign(adaMarch, s.firstId + 3_000_000n);
  assign(adaJune, s.firstId + 4_000_000n);
  assign(adaUsdm, startAfter(adaCoinm, s.adaIds, s.firstId + 2_000_000n));
  const next = new Map<Contract, number>();
  const fills: Fill[] = trades.map((t) => {
    const k = next.get(t.contract) ?? 0;
    next.set(t.contract, k + 1);
    const id = at(ids.get(t.contract)!, k);
    return { ...t.fill, id: String(id), orderId: String(id * 3n + 17n) };
  });
  fills.sort((a, b) =>
    a.time - b.time || cmp(a.market, b.market) || cmp(a.symbol, b.symbol) ||
    (BigInt(a.id) < BigInt(b.id) ? -1 : 1)
  );
  const end = time;

  const prices = new Map<string, string>();
  const decided = new Set<string>();
  trades.forEach((t) => {
    if (t.fill.commissionAsset !== "BNB") return;
    const key = `BNB${t.contract.marginAsset}|${Math.floor(t.fill.time / 60_000) * 60_000}`;
    if (decided.has(key) || t.contract.market === "coinm") return; // no BNB price in a coin
    decided.add(key);
    if (t.step.priced) prices.set(key, units(60_000 + t.step.bnbTick, 2));
  });

  const fillTime = (
    n: number,
  ) => (fills.length === 0 ? HISTORY_START : at(fills, n % fills.length).time);
  const funding: IncomeRecord[] = s.funding.map((r, i) => {
    const c = CONTRACTS[r.contract] ?? UNTRADED; // r.contract = CONTRACTS.length: the untraded one
    const at = r.place === "atFill"
      ? fillTime(r.at)
      : r.place === "beforeFill"
      ? fillTime(r.at) - 1
      : HISTORY_START - 3_600_000 + (r.at % (end - HISTORY_START + 7_200_000));
    // A delivered contract's funding ends at its delivery, some of it in that very millisecond.
    const time = Math.min(at, deliveries.get(`${c.market}|${c.symbol}`) ?? Infinity);
    return {
      market: c.market,
      time,
      symbol: c.symbol,
      incomeType: "FUNDING_FEE",
      income: units(r.units, 8),
      asset: r.otherAsset ? "BNB" : c.marginAsset,
      info: "",
      tranId: String(880_000_000_000n + BigInt(i)),
      tradeId: "",
    };
  });
  const delivered = d === null ? undefined : CONTRACTS[d.contract];
  const deliveredAt = deliveries.get(`${delivered?.market}|${delivered?.symbol}`);
  if (d?.funding != null && delivered !== undefined && deliveredAt !== undefined) {
    const c = delivered;
    funding.push({
      market: c.market,
      time: deliveredAt,
      symbol: c.symbol,
      incomeType: "FUNDING_FEE",
      income: units(d.funding, 8),
      asset: c.marginAsset,
      info: "",
      tranId: "880100000000",
      tradeId: "",
    });
  }
  const transferAt = s.income === "atFill" ? fillTime(s.incomeAt) : HISTORY_START - 7_200_000;
  const transfers: IncomeRecord[] = s.income === "before" || s.income === "atFill"
    ? (["usdm", "coinm"] as Market[]).map((market, i) => ({
      market,
      time: transferAt,
      symbol: "",
      incomeType: "TRANSFER",
      income: "1000",
      asset: market === "usdm" ? "USDT" : "ADA",
      info: "",
      tranId: String(990_000_000_000 + i),
      tradeId: "",
    }))
    : [];

  const decimals = new Map(CONTRACTS.map((c) => [`${c.market}|${c.symbol}`, c.qtyDecimals]));
  const priorTexts = new Map(
    [...priors].filter(([, n]) => n !== 0).map(([key, n]) => {
      const [market, symbol] = key.split("|");
      return [key, units(n, decimals.get(`${market}|${symbol}`)!)];
    }),
  );
  const snapshots: ReferenceSnapshot[] = [];
  if (s.anchor !== "none") {
    for (const market of ["usdm", "coinm"] as Market[]) {
      const own = fills.filter((f) => f.market === market);
      if (own.length === 0) continue;
      const lastTime = last(own).time;
      const anchorTime = s.anchor === "late"
        ? lastTime + 1000
        : s.anchor === "atLast"
        ? lastTime
        : lastTime - 1;
      const amounts = positionsAt(fills, priorTexts, market, anchorTime, deliveries);
      snapshots.push({ market, time: anchorTime, amounts });
    }
  }
  return {
    fills,
    funding,
    settlements,
    deliveries,
    transfers,
    withIncome: s.income !== "none",
    prices,
    priors: priorTexts,
    snapshots,
    end,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
