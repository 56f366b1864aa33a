/**
 * A new row that the file's reader would refuse is never written: the sync stops first, naming
 * the row and the field. Before, a fill priced `0` or an amount in exponent notation was written
 * with a matching check, and every later run stopped at that line as if the file were damaged.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Fill } from "../src/fill.ts";
import type { IncomeRecord } from "../src/income.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { readFillsFile } from "../src/storage/fills_file.ts";
import { readIncomeFile } from "../src/storage/income_file.ts";
import { checkNewFills, checkNewIncome } from "../src/storage/new_rows.ts";
import { addFills, addIncome } from "../src/storage/sorted_update.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { memoryClient, syncInProcess } from "./support/memory_exchange.ts";
import { snapshot, tempDir } from "./support/sync.ts";

const FUNDING: IncomeRecord = {
  market: "usdm",
  time: Date.UTC(2025, 0, 1, 8),
  symbol: "BTCUSDT",
  incomeType: "FUNDING_FEE",
  income: "0.00134317",
  asset: "USDT",
  info: "FUNDING_FEE",
  tranId: "4480321991774044580",
  tradeId: "",
};

/** The problem `check` reports for `row`, without the file, or `undefined` if it passes. */
function problemOf<T>(
  check: (path: string, rows: readonly T[]) => void,
  row: T,
): string | undefined {
  try {
    check("futures.csv", [row]);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof DataFileError, String(error));
    assert.equal(error.path, "futures.csv");
    return error.problem;
  }
}

Deno.test("new fills the reader would refuse are refused, naming the fill and the field", () => {
  const cases: [Partial<Fill>, RegExp][] = [
    [{ price: "0" }, /field "price".*must be greater than zero/],
    [{ qty: "-0.5" }, /field "qty"/],
    [{ commissionAsset: "usdt" }, /field "commissionAsset"/],
    [{ symbol: "BTC,USDT" }, /field "symbol"/],
    [{ id: "007" }, /field "id".*whole number/],
    [{ orderId: "1.5" }, /field "orderId"/],
    [{ commission: "0.1.2" }, /field "commission"/],
    [{ pair: "btcusd" }, /field "pair"/],
  ];
  for (const [change, field] of cases) {
    const problem = problemOf(checkNewFills, f(5, "SELL", "0.010", "47263.40", change));
    assert.ok(problem !== undefined, JSON.stringify(change));
    assert.match(problem, field);
    assert.match(
      problem,
      /the new fill usdm \S+ #\d+ of 2025-01-01T00:00:05\.000Z, from Binance's API/,
    );
  }
  const archived = problemOf(checkNewFills, f(5, "SELL", "0.010", "0", { source: "archive" }));
  assert.match(archived ?? "", /from a bulk download or export file/);
  // Rows the fast reader leaves to the general one, which reads them: kept.
  for (
    const change of [
      { symbol: "币安人生USDT" },
      { realizedPnl: "1E-8" }, // exponent notation: read as 0.00000001, the check still matches
      {},
    ]
  ) {
    assert.equal(problemOf(checkNewFills, f(5, "SELL", "0.010", "2.5", change)), undefined);
  }
});

Deno.test("new income records the reader would refuse are refused, naming the field", () => {
  const cases: [Partial<IncomeRecord>, RegExp][] = [
    [{ income: "1E-8" }, /field "income"/],
    [{ incomeType: "funding_fee" }, /field "incomeType"/],
    [{ asset: "" }, /field "asset"/],
    [{ tranId: "01" }, /field "tranId"/],
    [{ tradeId: "x" }, /field "tradeId"/],
    [{ symbol: "btcusdt" }, /field "symbol"/],
  ];
  for (const [change, field] of cases) {
    const problem = problemOf(checkNewIncome, { ...FUNDING, ...change });
    assert.ok(problem !== undefined, JSON.stringify(change));
    assert.match(problem, field);
    assert.match(problem, /the new income record usdm \S+ #\S+ of 2025-01-01T08:00:00\.000Z/);
  }
  for (const change of [{}, { info: 'a, "quoted"\nnote' }, { symbol: "" }]) {
    assert.equal(problemOf(checkNewIncome, { ...FUNDING, ...change }), undefined);
  }
});

const texts = (...values: string[]) => fc.constantFrom(...values);

Deno.test("a new row passes the check exactly when the file it is written to can be read", async () => {
  await using dir = await tempDir();
  let n = 0;
  const fill = fc.record({
    symbol: texts("BTCUSDT", "币安人生USDT", "btcusdt", "BTC,USDT", ""),
    qty: texts("0.010", "0", "-1", "1e-3", "1.", ".5", ""),
    price: texts("47263.40", "0", "2E+3", "x"),
    commission: texts("0", "-0.01", "1E-8", "1,5", ""),
    commissionAsset: texts("USDT", "BNB", "usdt", ""),
    realizedPnl: texts("0", "-1.5", "--1"),
    id: texts("1", "0", "007", "9007199254740993", "1.5"),
    orderId: texts("", "12", "012"),
    marginAsset: texts("USDT", "", "usdt"),
    pair: texts("", "BTCUSD", "btc"),
    quoteQty: texts("", "1.5", "x"),
    maker: fc.constantFrom(true, false, undefined),
    source: fc.constantFrom("api" as const, "archive" as const),
  });
  await fc.assert(
    fc.asyncProperty(fill, async (change) => {
      const row = f(7, "BUY", "1", "1", change);
      const path = `${dir.path}/fills-${n++}.csv`;
      const refused = problemOf(checkNewFills, row) !== undefined;
      const unreadable = await addFills(path, [row]).then(
        () => readFillsFile(path).then(() => false, () => true),
        () => true, // (a row that cannot even be written: refused on the way)
      );
      assert.equal(refused, unreadable, JSON.stringify(change));
    }),
    { numRuns: 150 },
  );
  const record = fc.record({
    symbol: texts("", "BTCUSDT", "btc", "币安人生USDT"),
    incomeType: texts("FUNDING_FEE", "funding", "", "TYPE1"),
    income: texts("0.00134317", "-1", "1E-8", "", "x"),
    asset: texts("USDT", "usdt", ""),
    info: texts("", "FUNDING_FEE", 'a,"b"\nc'),
    tranId: texts("1", "01", "4480321991774044580", ""),
    tradeId: texts("", "2059192", "02"),
    market: fc.constantFrom("usdm" as const, "coinm" as const),
  });
  await fc.assert(
    fc.asyncProperty(record, async (change) => {
      const row = { ...FUNDING, ...change };
      const path = `${dir.path}/income-${n++}.csv`;
      const refused = problemOf(checkNewIncome, row) !== undefined;
      const unreadable = await addIncome(path, [row]).then(
        () => readIncomeFile(path).then(() => false, () => true),
        () => true,
      );
      assert.equal(refused, unreadable, JSON.stringify(change));
    }),
    { numRuns: 150 },
  );
});

Deno.test("a sync that fetched a row it cannot keep stops with nothing written", async () => {
  const fills = [1, 2, 3].map((id) => f(id, "BUY", "1", String(100 + id)));
  const now = at(fills, 2).time + 3_600_000;
  const account = { fills, income: [], priors: new Map(), prices: new Map() };
  await using dir = await tempDir();
  await syncInProcess(dir.path, "usdm", memoryClient(account, "usdm", now));
  const before = await snapshot(dir.path);
  const zero = f(4, "SELL", "1", "0", { realizedPnl: "-104" });
  const later = now + 3_600_000;
  await assert.rejects(
    syncInProcess(
      dir.path,
      "usdm",
      memoryClient({ ...account, fills: [...fills, zero] }, "usdm", later),
    ),
    (error) => {
      assert.ok(error instanceof DataFileError, String(error));
      assert.match(error.message, /futures_fills\.csv: the new fill usdm BTCUSDT #4 of /);
      assert.match(error.message, /field "price"/);
      return true;
    },
  );
  assert.deepEqual(await snapshot(dir.path), before);
});
