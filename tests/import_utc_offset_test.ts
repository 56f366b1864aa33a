/**
 * The time zone of an export: only an offset some time zone has (UTC−12:00 to UTC+14:00, in
 * quarter hours) is taken, from `--utc-offset` or from the file's name; a typo is refused, with
 * nothing written, rather than every time read minutes or days off.
 */
import assert from "node:assert/strict";
import { runSync } from "../src/sync.ts";
import { runCli } from "./support/cli.ts";
import { type MemoryAccount, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

const HEADER = "Time,Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset";
const ROW = "2024-01-05 10:00:00,BTCUSDT,BUY,42000.5,0.010,420.005,0.168,USDT,0,USDT";

async function importing(name: string, ...options: string[]) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/${name}`, `${HEADER}\n${ROW}\n`);
  const run = await runCli(
    { cwd: dir.path },
    "import",
    name,
    "--position-mode",
    "one-way",
    ...options,
  );
  const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`).catch(() => undefined);
  await dir[Symbol.asyncDispose]();
  return { ...run, time: fills?.split("\n")[1]?.split(",")[0] };
}

Deno.test("--utc-offset takes a time zone's offset, and refuses a typo", async (t) => {
  // 10:00 at UTC+5:45 (Nepal) is 04:15 UTC; at UTC-12, 22:00 UTC the next day.
  for (
    const [offset, utc] of [
      ["+05:45", "2024-01-05T04:15:00.000Z"],
      ["+0545", "2024-01-05T04:15:00.000Z"],
      ["-12:00", "2024-01-05T22:00:00.000Z"],
      ["+14", "2024-01-04T20:00:00.000Z"],
    ]
  ) {
    await t.step(`${offset}: ${utc}`, async () => {
      const run = await importing("trades.csv", `--utc-offset=${offset}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.time, utc);
    });
  }
  for (const offset of ["+3:75", "+375", "+3:60", "-14:00", "+15", "+05:20"]) {
    await t.step(`${offset}: refused, nothing written`, async () => {
      const run = await importing("trades.csv", `--utc-offset=${offset}`);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--utc-offset .*: expected a time zone's offset/);
      assert.equal(run.time, undefined);
    });
  }
});

Deno.test("a file name stating no time zone's offset is refused", async (t) => {
  await t.step("(UTC+5.75) is +5:45", async () => {
    const run = await importing("t(UTC+5.75).csv");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.time, "2024-01-05T04:15:00.000Z");
  });
  for (const name of ["t(UTC+3:75).csv", "t(UTC+99).csv", "t(UTC+5.45).csv", "t(UTC--13).csv"]) {
    await t.step(name, async () => {
      const run = await importing(name);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /its name says \(UTC.*\) is no time zone's offset/);
      assert.equal(run.time, undefined);
    });
  }
});

Deno.test("an export without ids imported again in another time zone is refused", async (t) => {
  await using dir = await tempDir();
  const rows = [
    "2024-02-10 10:00:00,BTCUSDT,BUY,68000,0.010,680.00,0.272,USDT,0,USDT",
    "2024-02-10 12:00:00,BTCUSDT,SELL,69000,0.010,690.00,0.276,USDT,10,USDT",
  ];
  await Deno.writeTextFile(`${dir.path}/trades.csv`, [HEADER, ...rows, ""].join("\n"));
  const importing = (file: string, offset: string) =>
    runCli({ cwd: dir.path }, "import", file, `--utc-offset=${offset}`, "--position-mode=one-way");
  const fills = () => Deno.readTextFile(`${dir.path}/futures_fills.csv`);
  const first = await importing("trades.csv", "+02:00");
  assert.equal(first.code, 0, first.stderr);
  const before = await fills();

  await t.step("at +03:00: both fills an hour earlier than the files' own", async () => {
    const again = await importing("trades.csv", "+03:00");
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /2 of its 2 rows without an id are in the files already, 1 h later/);
    assert.equal(await fills(), before, "nothing added");
  });
  await t.step("at the same offset: nothing new, nothing refused", async () => {
    const same = await importing("trades.csv", "+02:00");
    assert.equal(same.code, 0, same.stderr);
    assert.equal(await fills(), before);
  });
  await t.step(
    "two like fills of one second, like an imported one an hour away: added",
    async () => {
      // An order filled in two like parts at 13:00:00 (+02:00: 11:00 UTC); the files hold a like
      // fill at 10:00 UTC (the first export's 12:00 SELL). Two rows, each an hour from that one
      // row, are no evidence of a shifted import: they are not their own.
      const part = "2024-02-10 13:00:00,BTCUSDT,SELL,69000,0.010,690.00,0.276,USDT,10,USDT";
      await Deno.writeTextFile(`${dir.path}/parts.csv`, [HEADER, part, part, ""].join("\n"));
      const run = await importing("parts.csv", "+02:00");
      assert.equal(run.code, 0, run.stderr);
    },
  );
  await t.step("a grid bot's next day, its fills alike every minute: added", async () => {
    // USDCUSDT bought at 0.9999 and sold at 1.0000 on alternate minutes, without seconds, on two
    // days: every row of the second day is like one of the first 24 h earlier (and like many
    // others): no evidence of a shifted import.
    const day = (date: string) =>
      Array.from({ length: 240 }, (_, m) => {
        const time = `${date} ${String(Math.floor(m / 60)).padStart(2, "0")}:${
          String(m % 60).padStart(2, "0")
        }`;
        return m % 2 === 0
          ? `${time},USDCUSDT,BUY,0.9999,100,99.99,0.01,USDT,0,USDT`
          : `${time},USDCUSDT,SELL,1.0000,100,100,0.01,USDT,0.01,USDT`;
      });
    for (const [name, date] of [["d1.csv", "2024-03-01"], ["d2.csv", "2024-03-02"]] as const) {
      await Deno.writeTextFile(`${dir.path}/${name}`, [HEADER, ...day(date), ""].join("\n"));
      const run = await importing(name, "+00:00");
      assert.equal(run.code, 0, run.stderr);
    }
    const usdc = (await fills()).split("\n").filter((line) => line.includes(",USDCUSDT,"));
    assert.equal(usdc.length, 480);
  });
  await t.step("another export, one fill like an imported one an hour away: added", async () => {
    // A grid bot buys 0.010 at 68000 again, an hour later to the second; and sells elsewhere.
    await Deno.writeTextFile(
      `${dir.path}/next.csv`,
      [
        HEADER,
        "2024-02-10 11:00:00,BTCUSDT,BUY,68000,0.010,680.00,0.272,USDT,0,USDT",
        "2024-02-10 13:30:00,BTCUSDT,SELL,68500,0.010,685.00,0.274,USDT,5,USDT",
        "2024-02-10 14:00:00,BTCUSDT,BUY,68100,0.010,681.00,0.2724,USDT,0,USDT",
        "",
      ].join("\n"),
    );
    const next = await importing("next.csv", "+02:00");
    assert.equal(next.code, 0, next.stderr);
    assert.equal(
      (await fills()).split("\n").filter((l) => l.includes(",BTCUSDT,")).length,
      2 + 2 + 3,
    );
  });
});

Deno.test("a transaction history read in the wrong time zone, in the API's period", async (t) => {
  await using dir = await tempDir();
  // The API gave funding at 00:00, 08:00 and 16:00 UTC on 2026-03-02, and a transfer at 20:00.
  const T0 = Date.UTC(2026, 2, 2);
  const HOUR = 3_600_000;
  const record = (hour: number, incomeType: string, income: string, symbol = "BTCUSDT") => ({
    market: "usdm" as const,
    time: T0 + hour * HOUR + 5, // Binance's times have milliseconds; the export's do not
    symbol,
    incomeType,
    income,
    asset: "USDT",
    info: "",
    tranId: `${7000 + hour}`,
    tradeId: "",
  });
  const account: MemoryAccount = {
    fills: [],
    income: [
      record(0, "FUNDING_FEE", "-0.5"),
      record(8, "FUNDING_FEE", "-0.25"),
      record(16, "FUNDING_FEE", "0.125"),
      record(20, "TRANSFER", "100", ""),
    ],
    priors: new Map(),
    prices: new Map(),
  };
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 + 21 * HOUR));
  const income = () => Deno.readTextFile(`${dir.path}/futures_income.csv`);
  const before = await income();
  // The export, made at UTC+3, prints 03:00, 11:00 and 19:00.
  await Deno.writeTextFile(
    `${dir.path}/income.csv`,
    [
      "Uid,Time,Asset,Type,Amount,Symbol",
      "123,2026-03-02 03:00:00,USDT,Funding Fee,-0.5,BTCUSDT",
      "123,2026-03-02 11:00:00,USDT,Funding Fee,-0.25,BTCUSDT",
      "123,2026-03-02 19:00:00,USDT,Funding Fee,0.125,BTCUSDT",
      "",
    ].join("\n"),
  );
  const importing = (offset: string) =>
    runCli({ cwd: dir.path }, "import", "income.csv", `--utc-offset=${offset}`);

  await t.step("read as UTC: refused, each record 3 h off", async () => {
    const wrong = await importing("+00:00");
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(wrong.stderr, /3 of them match its records 3 h earlier: .*time zone is wrong/);
    assert.equal(await income(), before, "nothing added");
  });
  await t.step("read at UTC+3: every row is the API's, nothing added", async () => {
    const right = await importing("+03:00");
    assert.equal(right.code, 0, right.stderr);
    assert.equal(await income(), before);
  });
});
