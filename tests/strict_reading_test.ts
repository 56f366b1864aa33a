/**
 * Strict reading of the data files: a row cut short, a field too many, a column named twice, a
 * last line without its line break, bytes that are not UTF-8, and a row that no longer matches
 * its check are each an error naming the file and line — never a row read as if it were whole.
 */
import assert from "node:assert/strict";
import { crc32Hex } from "../src/csv/crc32.ts";
import type { Fill } from "../src/fill.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { readFillsFile, readLedgerFills, writeFillsFile } from "../src/storage/fills_file.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { readPositionsFile } from "../src/storage/positions_file.ts";
import { readPricesFile, writePricesFile } from "../src/storage/prices_file.ts";
import { Decimal } from "../src/decimal.ts";
import type { IncomeRecord } from "../src/income.ts";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { addFills, addIncome } from "../src/storage/sorted_update.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const FILLS: [Fill, Fill, Fill] = [
  f(1, "BUY", "0.010", "47263.40", { commission: "0.18905360" }),
  f(2, "SELL", "0.010", "47300", { commission: "0.1892", realizedPnl: "0.3660" }),
  f(3, "BUY", "5", "2.5", { symbol: "ETHUSDT", commission: "0.001", commissionAsset: "BNB" }),
];

const INCOME: [IncomeRecord] = [
  {
    market: "usdm",
    time: Date.UTC(2025, 0, 1, 8),
    symbol: "ETHUSDT",
    incomeType: "FUNDING_FEE",
    income: "-0.0125",
    asset: "USDT",
    info: "FUNDING_FEE, with a comma",
    tranId: "4480321991774044580",
    tradeId: "",
  },
];

/** Expects `read(path)` to fail with a DataFileError at `line` whose message matches `problem`. */
async function rejectsAt(
  read: (path: string) => Promise<unknown>,
  path: string,
  line: number,
  problem: RegExp,
): Promise<void> {
  await assert.rejects(read(path), (e: unknown) => {
    assert.ok(e instanceof DataFileError, String(e));
    assert.equal(e.line, line, e.message);
    assert.ok(e.message.startsWith(`${path}${line > 0 ? `:${line}` : ""}: `), e.message);
    assert.match(e.message, problem);
    return true;
  });
}

/** The file's lines (without their line breaks): its header, then its rows. */
async function linesOf(path: string): Promise<[header: string, ...rows: string[]]> {
  const [header, ...rows] = (await Deno.readTextFile(path)).split("\n").slice(0, -1);
  assert.ok(header !== undefined, `${path} is empty`);
  return [header, ...rows];
}

async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  await Deno.writeTextFile(path, lines.map((l) => l + "\n").join(""));
}

Deno.test("fills file: what is not whole is refused, naming the line", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_fills.csv`;
  await writeFillsFile(path, FILLS);
  const whole = await Deno.readTextFile(path);
  const [header, ...rows] = await linesOf(path);

  await t.step("the file as written reads back exactly", async () => {
    assert.deepEqual((await readFillsFile(path)).fills, FILLS);
  });

  await t.step("cut short in its last row (head -c -40): the last line is named", async () => {
    await Deno.writeTextFile(path, whole.slice(0, -40));
    await rejectsAt(readFillsFile, path, 4, /cut short|has \d+ fields/);
  });

  await t.step(
    "cut inside the last field, keeping every field: no line break at the end",
    () =>
      Deno.writeTextFile(path, whole.slice(0, -3)).then(() =>
        rejectsAt(readFillsFile, path, 4, /ends in the middle of this line/)
      ),
  );

  await t.step("a row cut short in the middle of the file", async () => {
    const cut = at(rows, 0).slice(0, at(rows, 0).indexOf(",BOTH,") + 10);
    await writeLines(path, [header, cut, ...rows.slice(1)]);
    await rejectsAt(readFillsFile, path, 2, /has 11 fields, the header has 19/);
  });

  await t.step("a field too many, and a stray comma", async () => {
    await writeLines(path, [header, at(rows, 0), at(rows, 1) + ",extra", at(rows, 2)]);
    await rejectsAt(readFillsFile, path, 3, /has 20 fields, the header has 19 \(a stray comma/);
    await writeLines(path, [header, at(rows, 0).replace(",BUY,", ",BUY,,"), ...rows.slice(1)]);
    await rejectsAt(readFillsFile, path, 2, /has 20 fields/);
  });

  await t.step("a column named twice", async () => {
    await writeLines(path, [header.replace("price", "qty"), ...rows]);
    await rejectsAt(readFillsFile, path, 1, /names column "qty" twice/);
  });

  await t.step(
    "a digit lost, a digit doubled, a number reformatted: the check refuses",
    async () => {
      for (
        const changed of [
          at(rows, 1).replace("47300", "4730"),
          at(rows, 1).replace("0.3660", "0.36660"),
          at(rows, 1).replace("0.3660", "0.366"),
          at(rows, 1).replace(",2,", ",22,"),
        ]
      ) {
        assert.notEqual(changed, at(rows, 1));
        await writeLines(path, [header, at(rows, 0), changed, at(rows, 2)]);
        await rejectsAt(readFillsFile, path, 3, /field "crc32": does not match the row/);
      }
    },
  );

  await t.step("a row changed on purpose, with its check emptied, is read", async () => {
    const changed = at(rows, 1).replace("47300", "47301").replace(/,[0-9a-f]{8}$/, ",");
    await writeLines(path, [header, at(rows, 0), changed, at(rows, 2)]);
    const { fills } = await readFillsFile(path);
    assert.equal(fills[1]?.price, "47301");
  });

  await t.step("a row of a download, with its check emptied, is read", async () => {
    // `…,archive,`: the comma 9 characters from the end is not the check's.
    const changed = at(rows, 1).replace(",api,", ",archive,").replace(/,[0-9a-f]{8}$/, ",");
    assert.match(changed, /,archive,$/);
    await writeLines(path, [header, at(rows, 0), changed, at(rows, 2)]);
    const { fills } = await readFillsFile(path);
    assert.deepEqual(fills[1], { ...FILLS[1], source: "archive" });
  });

  await t.step("the check is the CRC-32 of the rest of the row", () => {
    for (const row of rows) {
      const comma = row.lastIndexOf(",");
      assert.equal(row.slice(comma + 1), crc32Hex(row.slice(0, comma)));
    }
  });

  await t.step(
    "a header with the check must name every column: one renamed is refused",
    async () => {
      await writeLines(path, [header.replace("maker", "isMaker"), ...rows]);
      await rejectsAt(readFillsFile, path, 1, /the header has no column maker/);
      await writeLines(path, [header.replace("maker", "makker"), ...rows]);
      await rejectsAt(readFillsFile, path, 1, /"makker" where "maker" was expected/);
    },
  );

  await t.step(
    "a file saved back with ';' between fields says so, not only what is missing",
    async () => {
      const semi = (line: string) => line.replaceAll(",", ";");
      await writeLines(path, [semi(header), ...rows.map(semi)]);
      await rejectsAt(readFillsFile, path, 1, /no column time, .*separated by ';', not commas/);
    },
  );

  // A spreadsheet or pandas (quoting=csv.QUOTE_ALL) saves the file back with every field quoted:
  // the rows are read through the general CSV path, and the check still holds them.
  const quoted = (line: string) => line.split(",").map((field) => `"${field}"`).join(",");
  await t.step("every field quoted, as a spreadsheet saves it: the same fills", async () => {
    await writeLines(path, [header, ...rows].map(quoted));
    assert.deepEqual((await readFillsFile(path)).fills, FILLS);
    const eth = await readLedgerFills(path, (symbol) => symbol === "ETHUSDT");
    assert.deepEqual(eth.fills.map((fill) => fill.id), [FILLS[2].id]);
  });

  await t.step("every field quoted, one price changed: the check refuses", async () => {
    const changed = at(rows, 1).replace(",47300,", ",47301,");
    await writeLines(path, [header, at(rows, 0), changed, at(rows, 2)].map(quoted));
    await rejectsAt(readFillsFile, path, 3, /field "crc32": does not match the row/);
  });

  await t.step("a time cut short: refused by the reader of its symbol, not skipped", async () => {
    // `2025-01-01T00:00,BTCUSDT,SELL,…`: the comma after the symbol is the row's 25th character,
    // where a whole time ends; the field after it is the side. The reader of BTCUSDT's rows (one
    // thread of a rebuild, or a sync rebuilding that symbol) must not skip it as SELL's.
    const cut = at(rows, 1).replace(/^[^,]*/, "2025-01-01T00:00");
    assert.equal(cut.indexOf(",", 17), 24);
    await writeLines(path, [header, at(rows, 0), cut, at(rows, 2)]);
    const btc = (p: string) => readLedgerFills(p, (symbol) => symbol === "BTCUSDT");
    await rejectsAt(btc, path, 3, /field "time": not valid/);
    const others = await readLedgerFills(path, (symbol) => symbol !== "BTCUSDT");
    assert.deepEqual(others.fills.map((fill) => fill.id), [FILLS[2].id]);
  });

  await t.step("bytes that are not UTF-8 are named by line", async () => {
    const bytes = new TextEncoder().encode(whole);
    const at = whole.indexOf("ETHUSDT");
    bytes[at] = 0xff;
    await Deno.writeFile(path, bytes);
    await rejectsAt(readFillsFile, path, 4, /is not UTF-8 text/);
  });
});

Deno.test("income and price files: the same rules", async (t) => {
  await using dir = await tempDir();
  const income = `${dir.path}/futures_income.csv`;
  await writeIncomeFile(income, INCOME);

  await t.step("the income file reads back exactly, ids above 2^53 and all", async () => {
    assert.deepEqual(await readIncomeFile(income), INCOME);
  });

  await t.step("a file saved back with ';' between fields says so", async () => {
    const text = await Deno.readTextFile(income);
    await Deno.writeTextFile(income, text.replaceAll(",", ";"));
    await rejectsAt(readIncomeFile, income, 1, /no column time, .*separated by ';', not commas/);
    await Deno.writeTextFile(income, text);
  });

  await t.step("a changed amount is refused by the check", async () => {
    const text = await Deno.readTextFile(income);
    await Deno.writeTextFile(income, text.replace("-0.0125", "-0.125"));
    await rejectsAt(readIncomeFile, income, 2, /"crc32": does not match/);
  });

  await t.step("a row cut short, a column twice", async () => {
    await writeIncomeFile(income, INCOME);
    const [header, ...rows] = await linesOf(income);
    const row = at(rows, 0);
    await writeLines(income, [header, row.slice(0, row.indexOf(",usdm"))]);
    await rejectsAt(readIncomeFile, income, 2, /has \d+ fields, the header has 11/);
    await writeLines(income, [header.replace("asset", "symbol"), row]);
    await rejectsAt(readIncomeFile, income, 1, /"symbol" twice/);
  });

  await t.step("every field is checked for its type", async () => {
    await writeIncomeFile(income, [{ ...INCOME[0], tranId: "12a" }]);
    await rejectsAt(readIncomeFile, income, 2, /field "tranId": not valid: "12a"/);
    await writeIncomeFile(income, [{ ...INCOME[0], asset: "usdt" }]);
    await rejectsAt(readIncomeFile, income, 2, /field "asset"/);
  });

  await t.step(
    "a file of an older version (no check column): a field too many is refused too",
    async () => {
      // Written before `source` and `crc32` existed: 9 columns, no check to catch a stray comma;
      // the count of fields must.
      await writeIncomeFile(income, INCOME);
      const [header, ...rows] = await linesOf(income);
      const row = at(rows, 0);
      const old = (line: string) => line.slice(0, line.lastIndexOf(",", line.lastIndexOf(",") - 1));
      await writeLines(income, [old(header), old(row)]);
      assert.deepEqual(await readIncomeFile(income), INCOME, "the older file reads");
      await writeLines(income, [old(header), old(row) + ",extra"]);
      await rejectsAt(readIncomeFile, income, 2, /has 10 fields, the header has 9/);
    },
  );

  const prices = `${dir.path}/futures_fee_prices.csv`;
  await t.step("the price cache: a changed price is refused", async () => {
    const minute = Date.UTC(2025, 0, 1, 0, 1);
    await writePricesFile(prices, [{ symbol: "BNBUSDT", minute, open: Decimal.parse("601.5") }]);
    assert.equal((await readPricesFile(prices))[0]?.open?.toString(), "601.5");
    const text = await Deno.readTextFile(prices);
    await Deno.writeTextFile(prices, text.replace("601.5", "61.5"));
    await rejectsAt(readPricesFile, prices, 2, /"crc32": does not match/);
  });
  await t.step("the price cache: a field that is not what its column holds is named", async () => {
    // Rows changed by hand with their check emptied: read unchecked, but every field still is.
    const minute = "2025-01-01T00:01:00.000Z";
    for (
      const [row, field] of [
        ["BNBUSDT,2025-01-01T00:01:00.000Z,6O1.5,", "open"], // a letter O for a zero
        ["bnbusdt,2025-01-01T00:01:00.000Z,601.5,", "symbol"],
        ["BNBUSDT,2025-01-01T00:01:30.000Z,601.5,", "minute"], // not the start of a minute
      ] as const
    ) {
      await writeLines(prices, ["symbol,minute,open,crc32", row]);
      await rejectsAt(readPricesFile, prices, 2, new RegExp(`field "${field}": not valid`));
    }
    await writeLines(prices, ["symbol,minute,open,crc32", `BNBUSDT,${minute},601.5,`]);
    assert.equal((await readPricesFile(prices))[0]?.open?.toString(), "601.5");
  });
});

Deno.test("positions file: sums that do not add up are refused", async (t) => {
  await using dir = await tempDir();
  const path = `${dir.path}/futures_positions.csv`;
  const text = positionsCsv(aggregatePositions(FILLS));
  // BTCUSDT closed: realizedPnl 0.366, commission 0.18905360 + 0.1892 = 0.3782536,
  // net_pnl_after_fees = 0.366 − 0.3782536 = −0.0122536.
  assert.match(text, /,0\.366,0\.3782536,-0\.0122536,/);

  await t.step("a digit lost in a sum is caught", async () => {
    await Deno.writeTextFile(path, text.replace(",0.366,0.3782536,", ",0.36,0.3782536,"));
    await rejectsAt(readPositionsFile, path, 2, /"net_pnl_after_fees": is not realizedPnl/);
  });

  await t.step("a closed position with a quantity still open is caught", async () => {
    const [header, first, ...rest] = text.trimEnd().split("\n");
    assert.ok(header !== undefined && first !== undefined, "a header and a row");
    const fields = first.split(",");
    fields[17] = "0.01"; // open_qty
    await writeLines(path, [header, fields.join(","), ...rest]);
    await rejectsAt(readPositionsFile, path, 2, /"open_qty": not zero/);
  });

  await t.step("the file as written reads", async () => {
    await Deno.writeTextFile(path, text);
    assert.equal((await readPositionsFile(path)).positions.length, 2);
  });
});

Deno.test("a sync adds no row to a file whose last line lost its line break", async (t) => {
  // Every field of the last row is there, only the final line break is gone: appended after it,
  // the first new row would be glued to that row. Both sorted files refuse, and stay as they were.
  await using dir = await tempDir();
  await t.step("the fills file", async () => {
    const path = `${dir.path}/futures_fills.csv`;
    await writeFillsFile(path, FILLS.slice(0, 2));
    const cut = (await Deno.readTextFile(path)).slice(0, -1);
    await Deno.writeTextFile(path, cut);
    await rejectsAt((p) => addFills(p, [FILLS[2]]), path, 0, /cut short/);
    assert.equal(await Deno.readTextFile(path), cut);
  });
  await t.step("the income file", async () => {
    const path = `${dir.path}/futures_income.csv`;
    await writeIncomeFile(path, INCOME);
    const cut = (await Deno.readTextFile(path)).slice(0, -1);
    await Deno.writeTextFile(path, cut);
    const later = { ...INCOME[0], time: INCOME[0].time + 1000, tranId: "7" };
    await rejectsAt((p) => addIncome(p, [later]), path, 0, /cut short/);
    assert.equal(await Deno.readTextFile(path), cut);
  });
});

Deno.test("a column name damaged by a byte is refused, not read as a column added", async (t) => {
  // A doubled or lost byte in `crc32` would make the file read as one without checks (so a row
  // changed too would be read unchecked), and in an optional column (`source`, `net_pnl`) as that
  // column missing: each is refused, naming the column found and the one expected. A column the
  // user added (`memo`) is still read past.
  await using dir = await tempDir();
  const cases = [
    {
      name: "fills",
      path: `${dir.path}/futures_fills.csv`,
      write: (p: string) => writeFillsFile(p, FILLS),
      read: readFillsFile,
    },
    {
      name: "income",
      path: `${dir.path}/futures_income.csv`,
      write: (p: string) => writeIncomeFile(p, INCOME),
      read: readIncomeFile,
    },
    {
      name: "fee prices",
      path: `${dir.path}/futures_fee_prices.csv`,
      write: (p: string) =>
        writePricesFile(p, [{ symbol: "BNBUSDT", minute: 60_000, open: Decimal.parse("601.5") }]),
      read: readPricesFile,
    },
    {
      name: "positions",
      path: `${dir.path}/futures_positions.csv`,
      write: (p: string) => Deno.writeTextFile(p, positionsCsv(aggregatePositions(FILLS))),
      read: readPositionsFile,
    },
  ];
  for (const { name, path, write, read } of cases) {
    await t.step(name, async () => {
      await write(path);
      const [header, ...rows] = await linesOf(path);
      const column = name === "positions" ? "net_pnl" : name === "fee prices" ? "crc32" : "source";
      const variants = [
        header.replace(/,crc32$/, ",crc332"),
        header.replace(/,crc32$/, ",cr32"),
        header.replace(new RegExp(`,${column}(?=,|$)`), `,${column}${column.at(-1)}`),
        header.replace(new RegExp(`,${column}(?=,|$)`), `, ${column}`),
      ].filter((h) => h !== header);
      assert.ok(variants.length >= 2, name);
      for (const damaged of variants) {
        await writeLines(path, [damaged, ...rows]);
        await rejectsAt(read, path, 1, /where "[a-z_0-9]+" was expected: a damaged header\?/);
      }
      await writeLines(path, [header + ",memo", ...rows.map((row) => row + ",checked")]);
      await read(path);
    });
  }
});
