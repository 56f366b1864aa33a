/**
 * `futures_fills.csv`: columns by name, exact text, and errors that say where.
 */
import assert from "node:assert/strict";
import { DataFileError } from "../src/storage/data_file.ts";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import fc from "fast-check";
import { RowView } from "../src/csv/row_view.ts";
import type { Market } from "../src/fill.ts";
import { parseCanonicalLine } from "../src/storage/fill_line.ts";
import {
  FILL_COLUMNS,
  formatFillRow,
  indexColumns,
  parseFillRow,
} from "../src/storage/fill_row.ts";
import { RecentTexts } from "../src/storage/fill_text.ts";
import { withCrc } from "../src/storage/row_check.ts";
import { f } from "./support/fills.ts";
import { at, valueAt } from "./support/indexed.ts";

async function withFile(text: string, check: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/futures_fills.csv`;
    await Deno.writeTextFile(path, text);
    await check(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const HEADER = "time,symbol,side,qty,price,commission,commissionAsset,realizedPnl,positionSide,id";

Deno.test("fills file", async (t) => {
  await t.step(
    "writes the original columns first and Binance's decimal text unchanged",
    async () => {
      await withFile("", async (path) => {
        await writeFillsFile(path, [
          f(2, "SELL", "0.010", "47263.40", {
            commission: "0.18905360",
            realizedPnl: "27.38400000",
            quoteQty: "472.63",
            time: Date.UTC(2025, 0, 1, 0, 13, 20, 875),
          }),
        ]);
        const lines = (await Deno.readTextFile(path)).split("\n");
        assert.equal(lines[0], FILL_COLUMNS.join(","));
        assert.ok(lines[0].startsWith(HEADER + ","));
        assert.equal(
          lines[1],
          "2025-01-01T00:13:20.875Z,BTCUSDT,SELL,0.010,47263.40,0.18905360,USDT,27.38400000,BOTH,2," +
            // The check: in Python, zlib.crc32(b"2025-01-01T00:13:20.875Z,BTCUSDT,…,usdm,,,api").
            "1002,false,472.63,USDT,usdm,,,api,aab90bf2",
        );
      });
    },
  );

  await t.step("reads columns by name, in any order, with extra ones", async () => {
    const text =
      "note,id,positionSide,realizedPnl,commissionAsset,commission,price,qty,side,symbol,time\n" +
      "hello,7,LONG,0,BNB,0.00001,0.0099139,1000,BUY,1000PEPEUSDT,2025-01-01T00:00:00.000Z\n";
    await withFile(text, async (path) => {
      const { fills, unknownColumns } = await readFillsFile(path);
      assert.deepEqual(unknownColumns, ["note"]);
      assert.equal(fills.length, 1);
      const fill = at(fills, 0);
      assert.equal(fill.price, "0.0099139");
      assert.equal(fill.marginAsset, "USDT"); // not in the file: told from the symbol
      assert.equal(fill.market, "usdm");
      assert.equal(fill.positionSide, "LONG");
    });
  });

  await t.step(
    "reads the Python tool's file (its time format, floats, capitalised booleans)",
    async () => {
      const text = "symbol,id,orderId,side,price,qty,realizedPnl,marginAsset,quoteQty,commission," +
        "commissionAsset,time,positionSide,buyer,maker\n" +
        "BTCUSDT,4575108247,261942655610,SELL,47263.4,0.01,27.384,USDT,472.63,1e-05,USDT," +
        "2024-02-10 01:53:59.409000,LONG,False,False\n";
      await withFile(text, async (path) => {
        const fill = at((await readFillsFile(path)).fills, 0);
        assert.equal(fill.time, Date.UTC(2024, 1, 10, 1, 53, 59, 409));
        assert.equal(fill.commission, "0.00001");
        assert.equal(fill.maker, false);
      });
    },
  );

  await t.step("a malformed row is an error naming the file, line and field", async () => {
    const cases: [string, number, RegExp][] = [
      ["BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1\n", 2, /has 9 fields/],
      [",BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1\n", 2, /"time": empty/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,abc,100,0,USDT,0,BOTH,1\n", 2, /"qty".*"abc"/],
      [
        "2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1\n" +
        "2025-01-01T00:00:00.000Z,BTCUSDT,BUY,-1,100,0,USDT,0,BOTH,2\n",
        3,
        /"qty".*greater than zero/,
      ],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,HOLD,1,100,0,USDT,0,BOTH,1\n", 2, /"side".*BUY or SELL/],
      ["2025-02-30T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1\n", 2, /"time"/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1.5\n", 2, /"id".*whole number/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH,\n", 2, /"id".*empty/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,,0,BOTH,1\n", 2, /"commissionAsset": empty/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH\n", 2, /has 9 fields.*has 10/],
      ["2025-01-01T00:00:00.000Z,BTCUSDT,BUY,1,100,0,USDT,0,BOTH,1,\n", 2, /has 11 fields/],
      ['2025-01-01T00:00:00.000Z,BTCUSDT,BUY,"1,100,0,USDT,0,BOTH,1\n', 2, /never closed/],
    ];
    for (const [row, line, problem] of cases) {
      await withFile(HEADER + "\n" + row, async (path) => {
        await assert.rejects(readFillsFile(path), (e: unknown) => {
          assert.ok(e instanceof DataFileError, String(e));
          assert.equal(e.line, line, e.message);
          assert.match(e.message, new RegExp(`^${path}:${line}: `));
          assert.match(e.message, problem);
          return true;
        });
      });
    }
  });

  await t.step(
    "a file without the needed columns, an empty file, or non-UTF-8 bytes is refused",
    async () => {
      await withFile("time,symbol\n", async (path) => {
        await assert.rejects(readFillsFile(path), /:1: .*side, qty, price/);
      });
      await withFile("", async (path) => {
        await assert.rejects(readFillsFile(path), /is empty/);
      });
      await withFile("", async (path) => {
        await Deno.writeFile(path, new Uint8Array([0x74, 0xff, 0xfe, 0x0a]));
        await assert.rejects(readFillsFile(path), /is not UTF-8/);
      });
    },
  );

  await t.step("a missing file is NotFound, for the caller to explain", async () => {
    await assert.rejects(readFillsFile("/nonexistent/futures_fills.csv"), Deno.errors.NotFound);
  });
});

/** A valid row's fields, then one field replaced by something tricky, or not. */
const FIELD_VALUES: Record<string, readonly string[]> = {
  decimal: ["", "-", "1.", ".5", "01.50", "1e-5", "+1", " 1", "abc", "0", "-0", "0.000", "-12.5"],
  name: ["", "btcusdt", "BTC-USDT", "BNB", "USDT", "A".repeat(41), "ETHUSDT", "BTCUSD_PERP"],
  word: ["", "buy", "BUY ", "SELL", "BOTH", "LONG", "SHORT", "true", "True", "TRUE", "coinm"],
  id: ["", "0", "00", "012", "12a", "99999999999999999999", "7"],
  time: ["", "2025-01-01T00:00:00.000", "2025-02-30T00:00:00.000Z", "1735689600000"],
};

Deno.test("the one-pass row reader gives what the general one gives (property)", () => {
  const columns = indexColumns(FILL_COLUMNS);
  const row = new RowView();
  const kinds = ["time", "name", "word", "decimal", "decimal", "decimal", "name", "decimal"];
  kinds.push("word", "id", "id", "word", "decimal", "name", "word", "name", "decimal", "word");
  const tricky = fc.tuple(fc.nat(FILL_COLUMNS.length - 2), fc.nat(40)).map(([i, k]) => {
    const values = valueAt(FIELD_VALUES, at(kinds, i));
    return [i, at(values, k % values.length)] as const;
  });
  const fill = fc.record({
    id: fc.bigInt({ min: 1n, max: 10n ** 19n }),
    side: fc.constantFrom("BUY", "SELL"),
    qty: fc.constantFrom("0.001", "5", "12.500"),
    price: fc.constantFrom("81615.3", "0.0099139", "100"),
    symbol: fc.constantFrom("BTCUSDT", "1000PEPEUSDT", "BTCUSD_PERP"),
    market: fc.constantFrom("usdm", "coinm"),
    realizedPnl: fc.constantFrom("0", "0.00000000", "-3.25"),
  });
  let fast = 0;
  fc.assert(
    fc.property(fill, fc.option(tricky), fc.boolean(), (x, change, ledgerOnly) => {
      const fields = formatFillRow(
        f(String(x.id), x.side as "BUY" | "SELL", x.qty, x.price, {
          ...x,
          id: String(x.id),
          market: x.market as Market,
          commissionAsset: "BNB",
          marginAsset: x.market === "coinm" ? "BTC" : "USDT",
        }),
      );
      if (change !== null) fields[change[0]] = change[1];
      const line = withCrc(fields.join(",") + "\n").slice(0, -1);
      const quick = parseCanonicalLine(line, 0, line.length, ledgerOnly, new RecentTexts());
      row.setLine(line, 0, line.length);
      let general: unknown;
      const recent = new RecentTexts();
      try {
        general = ledgerOnly
          ? parseFillRow(row, columns, recent, true)
          : parseFillRow(row, columns, recent);
      } catch (error) {
        general = error;
      }
      if (quick === undefined) {
        assert.ok(change !== null, `a plain valid row is read in one pass: ${line}`);
      } else {
        fast++;
        assert.deepEqual(quick, general, line);
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(fast > 1000, `${fast} rows read in one pass`);
});
