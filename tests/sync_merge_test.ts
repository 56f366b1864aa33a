/**
 * Adding fetched fills and income records to the files' own (`sorted_update.ts`): each record
 * once, by its key — market, symbol and trade id for fills; market, type and transaction id for
 * income — whatever else shares a part of that key; appended when they come after the file's
 * last row, merged otherwise.
 */
import assert from "node:assert/strict";
import { type Fill, fillKey, madeId } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import { readIncomeFile } from "../src/storage/income_file.ts";
import { addFills, addIncome } from "../src/storage/sorted_update.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

const coinm = { market: "coinm" as const, marginAsset: "BTC", commissionAsset: "BTC" };

Deno.test("adding fetched fills to the file's", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;

  await t.step("one symbol and trade id on both markets are two fills", async () => {
    // Trade ids are unique per market and symbol only: USDⓈ-M BTCUSD_PERP #7 and COIN-M
    // BTCUSD_PERP #7 are different fills, whether they arrive together or one is on file.
    const usdm = f(7, "BUY", "1", "100", { symbol: "BTCUSD_PERP" });
    const coin = f(7, "SELL", "3", "101", { symbol: "BTCUSD_PERP", ...coinm });
    assert.notEqual(fillKey(usdm), fillKey(coin));
    assert.deepEqual((await addFills(path, [usdm])).added, [usdm]);
    assert.deepEqual((await addFills(path, [coin, usdm])).added, [coin]);
    assert.deepEqual((await readFillsFile(path)).fills, [coin, usdm]); // file order: coinm first
    assert.deepEqual((await addFills(path, [usdm, coin])).added, []);
  });

  await t.step("a fill fetched twice in one run is added once", async () => {
    const b = f(9, "SELL", "1", "100");
    const added = await addFills(path, [b, b, { ...b }]);
    assert.deepEqual(added.added, [b]);
    assert.equal(added.appended, true, "after the last row: appended");
    assert.equal((await readFillsFile(path)).fills.length, 3);
  });

  await t.step("a fill before the last row is merged in its place", async () => {
    const a = f(8, "BUY", "1", "100");
    const added = await addFills(path, [a]);
    assert.equal(added.appended, false);
    assert.deepEqual((await readFillsFile(path)).fills.map((x) => x.id), ["7", "7", "8", "9"]);
  });

  await t.step("a row the file holds twice (pasted twice by hand) comes out once", async () => {
    // The file: #1, #2, #2 (the same row again), #4; fetched: #3, which sorts before #4, so the
    // file is merged row by row, not appended to: #1, #2, #3, #4, with #3 the one fill added.
    await using other = await tempDir();
    const file = `${other.path}/futures_fills.csv`;
    const fill = (id: number) => f(id, "BUY", "1", "100");
    const [one, two, three, four] = [fill(1), fill(2), fill(3), fill(4)];
    await writeFillsFile(file, [one, two, two, four]);
    assert.equal((await readFillsFile(file)).fills.length, 4, "the reader keeps both copies");
    const added = await addFills(file, [three]);
    assert.deepEqual(added.added, [three]);
    assert.equal(added.appended, false);
    assert.deepEqual((await readFillsFile(file)).fills.map((x) => x.id), ["1", "2", "3", "4"]);
  });
});

Deno.test("an archive's rows and the API's: each fill once, as the API gives it", async (t) => {
  // An export prints times to the second (12:00:01.999 prints as 12:00:01) and may have no trade
  // ids: its rows get made ids (`madeId`). The API's row of the same fill (same symbol, side,
  // price and quantity, at a time within that second) stands for it, one row for one row.
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  const second = Date.UTC(2025, 0, 1, 12, 0, 1);
  const archived = (place: number, extra: Partial<Fill> = {}) =>
    f(madeId(second, place), "BUY", "0.010", "47263.4", {
      time: second,
      source: "archive",
      ...extra,
    });
  const api = (id: number, ms: number) =>
    f(id, "BUY", "0.01", "47263.40", { time: second + ms, orderId: "77" });
  const ids = async () => (await readFillsFile(path)).fills.map((x) => `${x.id} ${x.source}`);

  await t.step("an API row 999 ms into the archive row's second is that fill", async () => {
    await writeFillsFile(path, [archived(0)]);
    const added = await addFills(path, [api(500, 999)]);
    assert.deepEqual(added.added, [api(500, 999)]);
    assert.deepEqual(added.removed, [archived(0)]);
    assert.deepEqual(await ids(), ["500 api"]);
  });

  await t.step("an API row in the next second is another fill", async () => {
    await writeFillsFile(path, [archived(0)]);
    const added = await addFills(path, [api(500, 1000)]);
    assert.deepEqual(added.removed, []);
    assert.deepEqual(await ids(), [`${madeId(second, 0)} archive`, "500 api"]);
  });

  await t.step("two identical archive rows and one API row: two fills, not one", async () => {
    // One order filled twice alike in that second; the API has served one of the two so far.
    // At 300 ms the API's row comes after the archive's in the file; at 0 ms, before them.
    for (const ms of [300, 0]) {
      await writeFillsFile(path, [archived(0), archived(1)]);
      const added = await addFills(path, [api(500, ms)]);
      assert.equal(added.removed.length, 1, `${ms} ms`);
      assert.deepEqual((await ids()).sort(), ["500 api", `${madeId(second, 1)} archive`].sort());
    }
  });

  await t.step("an archive's row never replaces the API's row of the same trade id", async () => {
    // An export with trade ids: its row of #500 is the API's #500 (at 12:00:01.000 exactly, so
    // the second printed is its time), its numbers printed in its own way.
    const fromApi = api(500, 0);
    await writeFillsFile(path, [fromApi]);
    const again = { ...fromApi, price: "47263.4", source: "archive" as const };
    assert.deepEqual((await addFills(path, [again])).added, []);
    assert.deepEqual((await readFillsFile(path)).fills, [fromApi]);
    // The other way round, the API's row replaces the archive's: Binance's exact text and time.
    await writeFillsFile(path, [again]);
    assert.deepEqual((await addFills(path, [fromApi])).added, []);
    assert.deepEqual((await readFillsFile(path)).fills, [fromApi]);
  });
});

Deno.test("adding fetched income to the file's", async () => {
  // A fill's COMMISSION and REALIZED_PNL records may share a tranId (unique within a type only),
  // and the other market's records may reuse it too: four records, none a repeat.
  await using dir = await tempDir();
  const path = `${dir.path}/futures_income.csv`;
  const record = (market: "usdm" | "coinm", incomeType: string): IncomeRecord => ({
    market,
    time: Date.UTC(2025, 0, 1),
    symbol: "BTCUSDT",
    incomeType,
    income: "-0.1",
    asset: "USDT",
    info: "",
    tranId: "123",
    tradeId: "7",
  });
  const four = [
    record("usdm", "COMMISSION"),
    record("usdm", "REALIZED_PNL"),
    record("coinm", "COMMISSION"),
    record("coinm", "REALIZED_PNL"),
  ];
  assert.equal((await addIncome(path, four.slice(0, 1))).added.length, 1);
  assert.equal((await addIncome(path, four)).added.length, 3);
  assert.equal((await addIncome(path, [...four, ...four])).added.length, 0);
  assert.equal((await readIncomeFile(path)).length, 4);
});
