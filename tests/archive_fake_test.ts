/**
 * Every export layout the fake exchange writes, downloaded through its bulk download endpoints and
 * read back by `src/archive`: the rows must be the account's own, exactly (decimals compared as
 * numbers, times to the second), and hedge-mode sides inferred from the books must be the truth.
 */

import assert from "node:assert/strict";
import { Decimal } from "../src/decimal.ts";
import {
  type ArchiveContents,
  decidePositionSides,
  matchArchiveTrades,
  readArchive,
} from "../src/archive/mod.ts";
import {
  type FakeExchange,
  INCOME_VARIANTS,
  signedGet,
  startFakeExchange,
  TRADE_VARIANTS,
} from "./fake_exchange/mod.ts";
import { at } from "./support/indexed.ts";

const END = Date.UTC(2026, 5, 10, 12, 0, 0);
const FROM = END - 365 * 86_400_000;
const BASE = {
  seed: 33,
  symbols: 4,
  fills: 1_500,
  months: 15,
  endTime: END,
  clock: () => END + 1_000,
  apiKey: "k",
  secret: "s",
  weightLimit: 1_000_000,
  downloadQuotaPerMonth: 100,
};

async function download(ex: FakeExchange, kind: "trade" | "income"): Promise<ArchiveContents> {
  const api = ex.account.market === "usdm" ? "fapi" : "dapi";
  const asked = await signedGet(ex, `/${api}/v1/${kind}/asyn`, `startTime=${FROM}&endTime=${END}`);
  const { downloadId } = JSON.parse(await asked.text());
  const answer = await signedGet(ex, `/${api}/v1/${kind}/asyn/id`, `downloadId=${downloadId}`);
  const { url } = JSON.parse(await answer.text());
  const zip = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return await readArchive(`${downloadId}.zip`, zip);
}

const same = (a: string, b: string) => Decimal.parse(a).eq(Decimal.parse(b));
const second = (ms: number) => Math.floor(ms / 1000) * 1000;

for (const file of ["csv", "xlsx"] as const) {
  for (const variant of TRADE_VARIANTS) {
    Deno.test(`trade layout ${variant} (${file}) reads back as the account's fills`, async () => {
      await using ex = await startFakeExchange({
        ...BASE,
        exportFormat: `${variant},${file}`,
        exportUtcOffsetMinutes: 180,
      });
      const expected = ex.account.trades.filter((r) => r.time >= FROM && r.time <= END);
      const c = await download(ex, "trade");
      assert.equal(c.trades.length, expected.length);
      assert.deepEqual(c.files.map((f) => f.variant), [
        variant === "trade-uid-time-yy" ? "trade-uid-time" : variant,
      ]);
      const { matched, archiveOnly, unmatchedInApiPeriod } = matchArchiveTrades(
        c.trades,
        expected.map((r) => ({ ...r, market: ex.account.market })),
        { apiFrom: FROM, apiTo: END, precisionMs: at(c.files, 0).timePrecisionMs },
      );
      assert.equal(matched.length, expected.length);
      assert.deepEqual([archiveOnly, unmatchedInApiPeriod], [[], []]);
      const feeAssetKnown = variant !== "trade-date-utc";
      for (const { archive: a, api: r } of matched) {
        assert.equal(a.time, second(r.time));
        assert.deepEqual([a.symbol, a.side], [r.symbol, r.side]);
        const pairs = [[a.price, r.price], [a.qty, r.qty], [a.realizedPnl, r.realizedPnl]] as const;
        for (const [x, y] of pairs) {
          assert.ok(same(x, y), `${x} ≠ ${y}`);
        }
        assert.ok(same(a.commission, r.commission));
        // The oldest layout has no fee asset: the reader assumes the margin asset, which is
        // wrong exactly for the fees paid in BNB (and says so in a note).
        assert.equal(
          a.commissionAsset === r.commissionAsset,
          feeAssetKnown || r.commissionAsset === "USDT",
        );
        if (a.id !== undefined) assert.equal(a.id, r.id);
        if (a.orderId !== undefined) assert.equal(a.orderId, r.orderId);
        if (a.positionSide !== undefined) assert.equal(a.positionSide, r.positionSide);
        assert.ok(same(a.quoteQty!, r.quoteQty!));
      }
      const bnb = expected.some((r) => r.commissionAsset === "BNB");
      assert.equal(c.notes.some((n) => n.message.includes("no fee asset")), !feeAssetKnown);
      assert.ok(bnb, "the account pays some fees in BNB, so the assumption is tested");
    });
  }
  for (const variant of INCOME_VARIANTS) {
    Deno.test(`income layout ${variant} (${file}) reads back as the account's income`, async () => {
      await using ex = await startFakeExchange({
        ...BASE,
        exportFormat: `${variant},${file}`,
        exportUtcOffsetMinutes: -360,
      });
      const expected = ex.account.incomeRows(FROM).filter((r) => r.time <= END);
      const c = await download(ex, "income");
      const key = (r: { time: number; incomeType: string; income: string; symbol: string }) =>
        `${second(r.time)}|${r.incomeType}|${Decimal.parse(r.income).normalize()}|${r.symbol}`;
      assert.deepEqual(c.income.map(key).sort(), expected.map(key).sort());
      if (variant !== "income-uid-time") {
        assert.deepEqual(
          c.income.map((r) => `${r.incomeType}|${r.tranId}|${r.asset}`).sort(),
          expected.map((r) => `${r.incomeType}|${r.tranId}|${r.asset}`).sort(),
        );
      }
    });
  }
}

Deno.test("a COIN-M download reads back with the coin amounts", async () => {
  await using ex = await startFakeExchange({ ...BASE, market: "coinm" });
  const expected = ex.account.trades.filter((r) => r.time >= FROM && r.time <= END);
  const c = await download(ex, "trade");
  const byId = new Map(expected.map((r) => [`${r.symbol}|${r.id}`, r]));
  assert.equal(c.trades.length, expected.length);
  for (const a of c.trades) {
    const r = byId.get(`${a.symbol}|${a.id}`)!;
    assert.equal(a.market, "coinm");
    assert.ok(same(a.baseQty!, r.baseQty!));
    assert.equal(a.marginAsset, r.marginAsset);
  }
});

for (const hedge of [true, "mixed"] as const) {
  Deno.test(`hedge sides inferred from the books match the truth (${hedge})`, async () => {
    await using ex = await startFakeExchange({ ...BASE, hedge, months: 11 });
    // The whole history: the books are flat before its first fill.
    const c = await download(ex, "trade");
    assert.ok(c.trades.every((t) => t.positionSide === undefined));
    const modes = new Map(
      ex.account.traded.map((s) => [s.symbol, ex.account.tradesOf(s.symbol)[0]?.positionSide]),
    );
    const { trades, notes } = decidePositionSides(c.trades, {
      mode: (t) => modes.get(t.symbol) === "BOTH" ? "one-way" : "hedge",
      start: "flat",
    });
    const truth = new Map(ex.account.trades.map((r) => [`${r.symbol}|${r.id}`, r.positionSide]));
    for (const t of trades) assert.equal(t.positionSide, truth.get(`${t.symbol}|${t.id}`));
    const hedged = trades.filter((t) => t.positionSide !== "BOTH").length;
    assert.equal(notes.length, hedged);
    assert.ok(hedged > 100);
  });
}
