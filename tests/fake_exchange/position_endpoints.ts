/**
 * Account state: `positionRisk`, `account` and `positionSide/dual`.
 *
 * - `GET /fapi/v2/positionRisk` (weight 5) lists every listed symbol, flat ones too;
 *   `GET /fapi/v3/positionRisk` (5) only non-zero positions;
 *   `GET /dapi/v1/positionRisk` (1) every symbol.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 *   https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-Information
 * - `GET /fapi/v2|v3/account`, `GET /dapi/v1/account` (5): balances and positions.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3
 * - `GET /v1/positionSide/dual` (30): `{"dualSidePosition":true}` in hedge mode.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Current-Position-Mode
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { GeneratedAccount, OpenPosition } from "./account.ts";
import type { SymbolSpec } from "./catalog.ts";
import type { Endpoint, EndpointContext } from "./endpoint.ts";
import { invalidSymbol } from "./errors.ts";
import { minuteOpenTicks } from "./price_path.ts";
import { fixed, units } from "./rows.ts";

type Row = Record<string, string | number | boolean>;

/** Position-risk style: which rows and which fields. */
export type RiskVersion = "v2" | "v3" | "dapi";

/** `positionRisk` in one of its versions. */
export function positionRisk(version: RiskVersion): Endpoint {
  return {
    signed: true,
    weight: () => (version === "dapi" ? 1 : 5),
    handle: (ctx) => JSON.stringify(riskRows(ctx, version)),
  };
}

/** `account` in one of its versions. */
export function accountInfo(version: RiskVersion): Endpoint {
  return {
    signed: true,
    weight: () => 5,
    handle: (ctx) => JSON.stringify(accountBody(ctx, version)),
  };
}

/** `positionSide/dual`. */
export const positionMode: Endpoint = {
  signed: true,
  weight: () => 30,
  handle: (ctx) => JSON.stringify({ dualSidePosition: ctx.account.dualSidePosition }),
};

interface Holding {
  readonly spec: SymbolSpec;
  readonly side: "BOTH" | "LONG" | "SHORT";
  readonly open: OpenPosition | undefined;
}

function holdings(ctx: EndpointContext, withFlat: boolean): Holding[] {
  const { account, params } = ctx;
  const symbol = params.text("symbol");
  const pair = params.text("pair");
  if (symbol !== undefined && account.spec(symbol)?.delistTime !== undefined) {
    throw invalidSymbol();
  }
  const wanted = (s: SymbolSpec) =>
    (symbol === undefined || s.symbol === symbol) && (pair === undefined || s.pair === pair);
  const open = account.openPositions().filter((o) => wanted(o.spec));
  if (!withFlat) return open.map((o) => ({ spec: o.spec, side: o.positionSide, open: o }));
  const sides = account.dualSidePosition ? (["LONG", "SHORT"] as const) : (["BOTH"] as const);
  const out: Holding[] = [];
  for (const spec of account.listed.filter(wanted)) {
    const mine = open.filter((o) => o.spec === spec);
    const bookSides = mine.some((o) => o.positionSide === "BOTH") ? ["BOTH" as const] : sides;
    for (const side of bookSides) {
      out.push({ spec, side, open: mine.find((o) => o.positionSide === side) });
    }
  }
  return out;
}

function figures(h: Holding, now: number) {
  const { spec } = h;
  const mark = units(minuteOpenTicks(spec, Math.floor(now / 60_000)), spec.priceDecimals);
  const amount = Decimal.parse(h.open?.positionAmt ?? "0");
  const entry = Decimal.parse(h.open?.entryPrice ?? "0");
  const size = new Decimal(spec.contractSize, 0);
  const unrealized = amount.isZero()
    ? Decimal.ZERO
    : spec.market === "coinm"
    ? amount.times(size).times(mark.minus(entry)).div(entry.times(mark), 8)
    : mark.minus(entry).times(amount);
  const notional = spec.market === "coinm" ? amount.times(size).div(mark, 8) : amount.times(mark);
  return {
    amount: units(0, spec.qtyDecimals).plus(amount).toString(),
    entry: entry.toString(),
    mark: fixed(mark, 8),
    unrealized: fixed(unrealized, 8),
    notional: fixed(notional, 8),
  };
}

function riskRows(ctx: EndpointContext, version: RiskVersion): Row[] {
  return holdings(ctx, version !== "v3").map((h) => {
    const f = figures(h, ctx.now);
    const common = {
      symbol: h.spec.symbol,
      positionAmt: f.amount,
      entryPrice: f.entry,
      breakEvenPrice: f.entry,
      markPrice: f.mark,
      unRealizedProfit: f.unrealized,
      liquidationPrice: "0",
    };
    if (version === "v3") {
      return {
        ...common,
        positionSide: h.side,
        isolatedMargin: "0",
        notional: f.notional,
        marginAsset: h.spec.marginAsset,
        isolatedWallet: "0",
        initialMargin: "0",
        maintMargin: "0",
        positionInitialMargin: "0",
        openOrderInitialMargin: "0",
        adl: 0,
        bidNotional: "0",
        askNotional: "0",
        updateTime: ctx.now,
      };
    }
    return {
      ...common,
      leverage: "10",
      ...(version === "dapi" ? { maxQty: "1000" } : { maxNotionalValue: "20000000" }),
      marginType: "cross",
      isolatedMargin: "0.00000000",
      isAutoAddMargin: "false",
      positionSide: h.side,
      ...(version === "dapi" ? { notionalValue: f.notional } : { notional: f.notional }),
      isolatedWallet: "0",
      updateTime: h.open === undefined ? 0 : ctx.now,
    };
  });
}

const balanceCache = new WeakMap<
  GeneratedAccount,
  { version: number; sums: Map<string, Decimal> }
>();

/** Wallet balance per asset: the sum of all income. */
function balances(account: GeneratedAccount): Map<string, Decimal> {
  const hit = balanceCache.get(account);
  if (hit?.version === account.version) return hit.sums;
  const sums = new Map<string, Decimal>();
  for (const r of account.incomeRows()) {
    sums.set(r.asset, (sums.get(r.asset) ?? Decimal.ZERO).plus(Decimal.parse(r.income)));
  }
  balanceCache.set(account, { version: account.version, sums });
  return sums;
}

function accountBody(ctx: EndpointContext, version: RiskVersion): Row | Record<string, unknown> {
  const rows = holdings(ctx, version === "v2").map((h) => {
    const f = figures(h, ctx.now);
    return {
      symbol: h.spec.symbol,
      positionSide: h.side,
      positionAmt: f.amount,
      unrealizedProfit: f.unrealized,
      isolatedMargin: "0",
      notional: f.notional,
      isolatedWallet: "0",
      initialMargin: "0",
      maintMargin: "0",
      updateTime: h.open === undefined ? 0 : ctx.now,
      ...(version === "v3" ? {} : { entryPrice: f.entry, leverage: "10", isolated: false }),
    };
  });
  const assets = [...balances(ctx.account)].sort(([a], [b]) => (a < b ? -1 : 1)).map((
    [asset, wallet],
  ) => ({
    asset,
    walletBalance: fixed(wallet, 8),
    unrealizedProfit: "0.00000000",
    marginBalance: fixed(wallet, 8),
    maintMargin: "0.00000000",
    initialMargin: "0.00000000",
    positionInitialMargin: "0.00000000",
    openOrderInitialMargin: "0.00000000",
    crossWalletBalance: fixed(wallet, 8),
    crossUnPnl: "0.00000000",
    availableBalance: fixed(wallet, 8),
    maxWithdrawAmount: fixed(wallet, 8),
    updateTime: ctx.now,
  }));
  const head = version === "v3"
    ? {}
    : { feeTier: 0, canTrade: true, canDeposit: true, canWithdraw: true, updateTime: 0 };
  return { ...head, multiAssetsMargin: false, assets, positions: rows };
}
