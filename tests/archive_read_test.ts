/**
 * Reading export files: every header layout (golden files in `tests/data/archive/`, values worked
 * out by hand in the comments), time zones, value normalization, zips and XLSX, and the errors
 * for unknown headers and bad rows.
 */

import assert from "node:assert/strict";
import { strToU8, unzipSync, zipSync } from "fflate";
import writeXlsxFile from "write-excel-file/universal";
import { ArchiveError, readArchive } from "../src/archive/mod.ts";
import { at } from "./support/indexed.ts";

const DIR = new URL("./data/archive/", import.meta.url);

async function golden(name: string) {
  return await readArchive(name, await Deno.readFile(new URL(encodeURIComponent(name), DIR)));
}

function csv(text: string): Uint8Array {
  return strToU8(text);
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<ArchiveError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ArchiveError, String(error));
    assert.match(error.message, pattern);
    return error;
  }
  throw new Error("expected an ArchiveError");
}

Deno.test("trade-uid-time: local times at the file name's zone, fees with their asset", async () => {
  const name = "Binance-Futures-Trade-History-202301012000(UTC+6)-part1-of1.csv";
  const c = await golden(name);
  // 19:53:13 at UTC+6 is 13:53:13 UTC; 06:00:00 at UTC+6 is midnight UTC.
  assert.deepEqual(c.trades, [
    {
      market: "usdm",
      symbol: "ETHUSDT",
      time: Date.UTC(2023, 0, 1, 13, 53, 13),
      side: "SELL",
      price: "1200.62",
      qty: "2",
      quoteQty: "2401.24",
      commission: "0.00352911",
      commissionAsset: "BNB",
      realizedPnl: "10.24",
      id: "2593877352",
      orderId: "8389765568816714211",
      marginAsset: "USDT",
      maker: false,
      source: name,
      line: 2,
    },
    {
      market: "usdm",
      symbol: "ETHUSDT",
      time: Date.UTC(2023, 0, 1, 13, 53, 13),
      side: "SELL",
      price: "1200.62",
      qty: "0.500",
      quoteQty: "600.31",
      commission: "0.24012400",
      commissionAsset: "USDT",
      realizedPnl: "2.56",
      id: "2593877351",
      orderId: "8389765568816714211",
      marginAsset: "USDT",
      maker: true,
      source: name,
      line: 3,
    },
    {
      market: "coinm", // BTCUSD_PERP: the Amount column is the coin amount
      symbol: "BTCUSD_PERP",
      time: Date.UTC(2023, 0, 1, 0, 0, 0),
      side: "BUY",
      price: "16500.1",
      qty: "3",
      baseQty: "0.01818170",
      commission: "0.00000909",
      commissionAsset: "BTC",
      realizedPnl: "0",
      id: "4000001",
      orderId: "9000001",
      marginAsset: "BTC",
      maker: false,
      source: name,
      line: 4,
    },
  ]);
  assert.deepEqual(c.files, [{
    source: name,
    kind: "trades",
    variant: "trade-uid-time",
    rows: 3,
    utcOffsetMinutes: 360,
    zoneFrom: "file name",
    timePrecisionMs: 1000,
    firstTime: Date.UTC(2023, 0, 1),
    lastTime: Date.UTC(2023, 0, 1, 13, 53, 13),
  }]);
  assert.deepEqual(c.notes.map((n) => n.message), ["times read as UTC+6 (from the file name)"]);
});

Deno.test("two-digit years, (UTC--6), glued fees, BOM, CRLF, TRUE/FALSE", async () => {
  const c = await golden("Binance-Futures-Trade-History-202603230520(UTC--6)-part1-of1.csv");
  // 26-03-17 09:34:12 at UTC-6 is 2026-03-17 15:34:12 UTC; 26-01-31 23:59:59 is 02-01 05:59:59.
  assert.deepEqual(c.trades.map((t) => [t.time, t.symbol, t.commission, t.commissionAsset]), [
    [Date.UTC(2026, 2, 17, 15, 34, 12), "BTCUSDC", "0.29528919", "USDC"],
    [Date.UTC(2026, 1, 1, 5, 59, 59), "BTCUSDT", "0.28210070", "USDT"],
  ]);
  assert.deepEqual(c.trades.map((t) => [t.maker, t.realizedPnl, t.marginAsset]), [
    [false, "0.28699999", "USDC"],
    [false, "-97.84870666", "USDT"],
  ]);
  assert.equal(c.files[0]?.utcOffsetMinutes, -360);
});

Deno.test("Date(UTC) without a fee asset: fees in the margin asset, with a note", async () => {
  const c = await golden("date-utc-trades.csv");
  assert.deepEqual(
    c.trades.map((t) => [t.time, t.qty, t.quoteQty, t.commission, t.commissionAsset]),
    [
      [Date.UTC(2024, 1, 29, 23, 59, 59), "0.010", "680.00", "0.27200000", "USDT"],
      [Date.UTC(2024, 2, 1), "0.010", "686.005", "0.27440200", "USDT"],
    ],
  );
  assert.equal(at(c.trades, 0).id, undefined);
  assert.deepEqual(c.files.map((f) => [f.variant, f.zoneFrom, f.utcOffsetMinutes]), [
    ["trade-date-utc", "header", 0],
  ]);
  assert.deepEqual(c.notes, [{
    source: "date-utc-trades.csv",
    line: 2,
    message: "the file gives no fee asset: fees taken to be in the margin asset (2 rows, first: " +
      "BTCUSDT)",
  }]);
});

Deno.test("Fee Coin and Quote Asset; thousands separators, signs and milliseconds", async () => {
  const c = await golden("date-utc-fee-coin.csv");
  assert.deepEqual(
    c.trades.map((t) => [t.time, t.quoteQty, t.commission, t.commissionAsset, t.realizedPnl]),
    [
      [Date.UTC(2025, 0, 31, 12, 34, 56, 789), "4650.75", "0.00352911", "BNB", "1234.5"],
      [Date.UTC(2025, 0, 31, 12, 34, 57), "4650", "-0.01", "USDT", "0"],
    ],
  );
  // One row has milliseconds, one does not: the file is only as precise as its coarsest row.
  assert.equal(c.files[0]?.timePrecisionMs, 1000);
  assert.equal(c.files[0]?.variant, "trade-date-utc-fee-coin");
});

Deno.test("Time(UTC) with Position Side", async () => {
  const c = await golden("time-utc-position.csv");
  assert.deepEqual(c.trades.map((t) => [t.positionSide, t.id, t.orderId, t.commission]), [
    ["LONG", "99", "88", "0.02"],
    ["SHORT", "100", "89", "0.0196"],
  ]);
  assert.equal(c.files[0]?.variant, "trade-time-utc-position");
});

Deno.test("transaction history: Time,Type (API names) at the name's UTC+8", async () => {
  const name = "Binance-Futures-Transaction-History-202401030000(UTC+8)-part1-of1.csv";
  const c = await golden(name);
  // 2024-01-02 03:04:05 at UTC+8 is 2024-01-01 19:04:05 UTC.
  assert.deepEqual(c.income[0], {
    market: "usdm",
    time: Date.UTC(2024, 0, 1, 19, 4, 5),
    symbol: "BTCUSDT",
    incomeType: "REALIZED_PNL",
    income: "1.5",
    asset: "USDT",
    tranId: "4480321991774044580", // above 2^53, kept exact
    info: "REALIZED_PNL",
    source: name,
    line: 2,
  });
  assert.deepEqual(c.income.map((r) => [r.incomeType, r.income, r.asset, r.symbol]), [
    ["REALIZED_PNL", "1.5", "USDT", "BTCUSDT"],
    ["COMMISSION", "-0.01234567", "BNB", "BTCUSDT"],
    ["FUNDING_FEE", "0.00134317", "USDT", "ETHUSDT"],
    ["TRANSFER", "500", "USDT", ""],
  ]);
  assert.equal(c.files[0]?.variant, "income-time");
});

Deno.test("transaction history: Date(UTC),type and the older Uid,Time,Asset,Type layout", async () => {
  const a = await golden("date-utc-income.csv");
  assert.deepEqual(a.income.map((r) => [r.time, r.incomeType, r.income, r.tranId]), [
    [Date.UTC(2023, 0, 1), "FUNDING_FEE", "-0.8", "123"],
    [Date.UTC(2023, 0, 1), "COIN_SWAP_DEPOSIT", "10", "124"],
  ]);
  assert.equal(a.files[0]?.variant, "income-date-utc");
  const b = await golden("uid-time-income(UTC+0).csv");
  assert.deepEqual(b.income.map((r) => [r.incomeType, r.info, r.income, r.symbol]), [
    ["FUNDING_FEE", "Funding Fee", "-0.5", "BTCUSDT"],
    ["REALIZED_PNL", "Realized Profit and Loss", "12.5", "BTCUSDT"],
    ["COMMISSION", "Commission", "-0.25", "BTCUSDT"],
    ["TRANSFER", "Transfer", "100", ""],
    ["INSURANCE_CLEAR", "Insurance Clear", "-1", "BTCUSDT"],
    ["STRATEGY_BONUS", "Strategy Bonus", "3", ""],
  ]);
  assert.equal(at(b.income, 0).tranId, undefined);
  assert.deepEqual(b.notes.map((n) => n.message), [
    'unknown transaction type "Strategy Bonus", kept as STRATEGY_BONUS (1 row, first: ' +
    "STRATEGY_BONUS)",
    "times read as UTC (from the file name)",
  ]);
});

Deno.test("an empty export ('No data matches the criteria.') has no rows", async () => {
  const c = await golden("Binance-Futures-Trade-History-202606010000(UTC+0)-part1-of1.csv");
  const file = at(c.files, 0);
  assert.deepEqual([c.trades.length, file.rows, file.firstTime], [0, 0, undefined]);
});

Deno.test("columns in any order, any case and spacing", async () => {
  const c = await readArchive(
    "x.csv",
    csv(
      " realized profit ,FEE,quantity,PRICE,side,symbol,date(utc),Trade ID\n" +
        "1,0.1 USDT,2,3,buy,btcusdt,2025-01-01 00:00:00,5\n",
    ),
  );
  assert.deepEqual(
    c.trades.map((t) => [t.side, t.symbol, t.price, t.qty, t.commission, t.realizedPnl, t.id]),
    [["BUY", "BTCUSDT", "3", "2", "0.1", "1", "5"]],
  );
  assert.equal(c.files[0]?.variant, "other");
});

Deno.test("an unknown header lists the columns found and each layout expected", async () => {
  const error = await rejects(
    readArchive("mystery.csv", csv("Foo,Bar,Time\n1,2,3\n")),
    /^mystery\.csv:1: not a Binance futures trade or transaction history export: columns found: Foo,Bar,Time; expected/,
  );
  for (const layout of ["trade-uid-time: Uid,Time,Symbol", "income-uid-time: Uid,Time,Asset"]) {
    assert.ok(error.message.includes(layout), layout);
  }
  await rejects(
    readArchive(
      "twice.csv",
      csv("Date(UTC),Time,Symbol,Side,Price,Quantity,Fee,Realized Profit\n"),
    ),
    /twice\.csv:1: the time column is named twice \(Date\(UTC\), Time\)/,
  );
});

Deno.test("a bare Time column needs a zone: from the name, or the caller", async () => {
  const text = csv(
    "Time,Type,Amount,Asset,Symbol,Transaction ID\n2024-01-01 01:00:00,TRANSFER,1,USDT,,7\n",
  );
  await rejects(
    readArchive("plain.csv", text),
    /^plain\.csv:1: field "Time": the times of column "Time" have no time zone.*--utc-offset \+03:00/,
  );
  const c = await readArchive("plain.csv", text, { utcOffsetMinutes: 60 });
  assert.equal(c.income[0]?.time, Date.UTC(2024, 0, 1, 0, 0, 0));
  assert.equal(c.files[0]?.zoneFrom, "option");
  // The name wins over the option; the header wins over the name.
  const named = await readArchive("x(UTC+2).csv", text, { utcOffsetMinutes: 60 });
  assert.equal(named.income[0]?.time, Date.UTC(2023, 11, 31, 23, 0, 0));
  const header = await readArchive(
    "x(UTC+2).csv",
    csv("Date(UTC),type,Amount,Asset,Symbol\n2024-01-01 01:00:00,TRANSFER,1,USDT,\n"),
  );
  assert.equal(header.income[0]?.time, Date.UTC(2024, 0, 1, 1, 0, 0));
});

Deno.test("a bad row names the file, line and field", async () => {
  const head = "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit\n";
  const good = "2025-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.1,0\n";
  const cases: [string, RegExp][] = [
    [
      "2025-01-01 00:00:00,BTCUSDT,BUY,12a,1,1,0.1,0\n",
      /^x\.csv:3: field "Price": not a number: "12a"$/,
    ],
    ["2025-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.1\n", /^x\.csv:3: 7 fields where the header has 8$/],
    [
      "2023-02-30 00:00:00,BTCUSDT,BUY,1,1,1,0.1,0\n",
      /^x\.csv:3: field "Date\(UTC\)": not a real date/,
    ],
    ["2025-01-01 00:00:00,BTCUSDT,HOLD,1,1,1,0.1,0\n", /^x\.csv:3: field "Side": not BUY or SELL/],
    [
      "2025-01-01 00:00:00,BTCUSDT,BUY,1,,1,0.1,0\n",
      /^x\.csv:3: field "Quantity": empty; a number/,
    ],
    ["2025-01-01 00:00:00,BTC USDT,BUY,1,1,1,0.1,0\n", /^x\.csv:3: field "Symbol": not a contract/],
    [
      '2025-01-01 00:00:00,BTCUSDT,BUY,1,1,1,"1,2",0\n',
      /^x\.csv:3: field "Fee": not a number: "1,2" \(a decimal comma\? save the file with/,
    ],
    // 0.010 with a decimal comma: no number groups its thousands after a 0 (read as 10 before).
    [
      '2025-01-01 00:00:00,BTCUSDT,BUY,1,"0,010",1,0.1,0\n',
      /^x\.csv:3: field "Quantity": not a number: "0,010" \(a decimal comma\?/,
    ],
    // Month first with a two-digit year (read as 2001-05-24 before).
    ["01/05/24 10:00:00,BTCUSDT,BUY,1,1,1,0.1,0\n", /^x\.csv:3: field "Date\(UTC\)": not a date/],
  ];
  for (const [row, pattern] of cases) {
    await rejects(readArchive("x.csv", csv(head + good + row)), pattern);
  }
  await rejects(
    readArchive(
      "y.csv",
      csv(
        "Date(UTC),Symbol,Side,Price,Quantity,Fee,Fee Coin,Realized Profit\n" +
          "2025-01-01 00:00:00,BTCUSDT,BUY,1,1,0.1 BNB,USDT,0\n",
      ),
    ),
    /^y\.csv:2: field "Fee Coin": the fee is in BNB but the fee asset column says USDT$/,
  );
  await rejects(
    readArchive("z.csv", new Uint8Array([0xff, 0xfe, 0x41, 0x00])),
    /^z\.csv: not UTF-8/,
  );
  await rejects(readArchive("e.csv", csv("\n\n")), /^e\.csv: empty: no header row$/);
  // futures-ledger's own fills file: said so, not read as an export without a time zone.
  const own = "time,symbol,side,qty,price,commission,commissionAsset,realizedPnl,positionSide," +
    "id,orderId,maker,quoteQty,marginAsset,market,pair,baseQty,source,crc32\n";
  await rejects(
    readArchive("futures_fills.csv", csv(own)),
    /^futures_fills\.csv:1: a file futures-ledger wrote \(its last column is crc32\)/,
  );
});

Deno.test("a zip of CSV parts: every part read, errors name the entry", async () => {
  const head = "Date(UTC),type,Amount,Asset,Symbol,Transaction ID\n";
  const zip = zipSync({
    "part1.csv": csv(head + "2023-01-01 00:00:00,FUNDING_FEE,-0.8,USDT,ETHUSDT,1\n"),
    "part2.csv": csv(head + "2023-01-02 00:00:00,FUNDING_FEE,0.3,USDT,ETHUSDT,2\n"),
    "readme.txt": csv("hello"),
  });
  const c = await readArchive("dl.zip", zip);
  assert.deepEqual(c.income.map((r) => [r.source, r.tranId]), [
    ["dl.zip:part1.csv", "1"],
    ["dl.zip:part2.csv", "2"],
  ]);
  assert.deepEqual(c.notes, [{ source: "dl.zip", message: "skipped readme.txt" }]);
  const bad = zipSync({
    "part1.csv": csv(head + "2023-01-01 00:00:00,FUNDING_FEE,x,USDT,ETHUSDT,1\n"),
  });
  await rejects(
    readArchive("bad.zip", bad),
    /^bad\.zip:part1\.csv:2: field "Amount": not a number/,
  );
  await rejects(readArchive("none.zip", zipSync({ "a.txt": csv("x") })), /holds no CSV or XLSX/);
});

/** An XLSX file of `rows` (numbers as numeric cells), with `<v>` texts replaced as given. */
async function xlsx(rows: (string | number)[][], replace: [string, string][] = []) {
  const sheet = rows.map((row) => row.map((value) => ({ value })));
  const blob = await (await writeXlsxFile(sheet)).toBlob();
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  for (const [name, bytes] of Object.entries(files)) {
    if (!name.endsWith(".xml")) continue;
    let text = new TextDecoder().decode(bytes);
    for (const [from, to] of replace) text = text.replaceAll(`<v>${from}</v>`, `<v>${to}</v>`);
    files[name] = strToU8(text);
  }
  return zipSync(files);
}

Deno.test("XLSX: numbers exact from the cell text, floats and lost ids noted", async () => {
  const header = [
    "Uid",
    "Time",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Realized Profit",
    "Buyer",
    "Maker",
    "Trade ID",
    "Order ID",
  ];
  const file = await xlsx([
    header,
    [
      167857164,
      "2023-01-01 19:53:13",
      "ETHUSDT",
      "SELL",
      1200.62,
      2,
      2401.24,
      "0.00352911 BNB",
      10.24,
      "false",
      "false",
      2593877352,
      8389765568816714211,
    ],
    [
      167857164,
      "2023-01-01 19:53:14",
      "ETHUSDT",
      "SELL",
      1200.62,
      0.5,
      600.31,
      "0.1 USDT",
      0,
      "false",
      "true",
      "2593877353",
      "8389765568816714211",
    ],
  ], [["2401.24", "2401.2399999999998"], ["10.24", "1.024E1"]]);
  const c = await readArchive("t(UTC+0).xlsx", file);
  assert.deepEqual(
    c.trades.map((t) => [t.price, t.qty, t.quoteQty, t.realizedPnl, t.id, t.orderId]),
    [
      ["1200.62", "2", "2401.24", "10.24", "2593877352", undefined],
      ["1200.62", "0.5", "600.31", "0", "2593877353", "8389765568816714211"],
    ],
  );
  assert.deepEqual(c.trades.map((t) => t.line), [2, 3]);
  assert.deepEqual(c.notes.map((n) => n.message).sort(), [
    "numbers stored as binary floats were read as the shortest decimal of the same value " +
    "(1 row, first: 2401.2399999999998 → 2401.24)",
    "order ids stored as floating-point numbers lost digits and are left out (1 row, first: " +
    "order ids)",
    "times read as UTC (from the file name)",
  ]);
  const zipped = await readArchive("dl.zip", zipSync({ "t(UTC+0).xlsx": file }));
  assert.deepEqual(zipped.trades.map((t) => t.source), [
    "dl.zip:t(UTC+0).xlsx",
    "dl.zip:t(UTC+0).xlsx",
  ]);
  await rejects(
    readArchive(
      "b(UTC+0).xlsx",
      await xlsx([header, [
        1,
        "2023-01-01 00:00:00",
        "ETHUSDT",
        "SELL",
        "abc",
        1,
        1,
        "0.1 USDT",
        0,
        "",
        "",
        1,
        2,
      ]]),
    ),
    /^b\(UTC\+0\)\.xlsx:2: field "Price": not a number: "abc"$/,
  );
  await rejects(readArchive("c.xlsx", csv("not a zip")), /not an XLSX file/);
});
