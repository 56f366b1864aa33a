/**
 * `import`: Binance's own exports (website files, bulk-download zips) added to the files. The
 * fake account has 15 months of history; the API serves 3. A sync alone leaves books PARTIAL;
 * importing the exports of the older months, then syncing, gives the generator's whole truth.
 * Rows the API already gave are not added twice; an unknown header or a wrong time zone is
 * refused with nothing written.
 */
import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { compareFillsByTime } from "../src/fill.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { exportZip } from "./fake_exchange/export_archive.ts";
import { incomeTable, tradeTable } from "./fake_exchange/export_formats.ts";
import { runCli } from "./support/cli.ts";
import { at } from "./support/indexed.ts";
import { snapshot, syncWith, tempDir } from "./support/sync.ts";

const MONTH = 30 * 86_400_000;

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** A positions file without its trade id columns (open_trade_id, close_trade_id). */
function withoutIds(csv: string): string {
  return csv.split("\n").map((line) => line.split(",").filter((_, i) => i !== 15 && i !== 16))
    .join("\n");
}

/** A positions file with every time cut to the second. */
function toSeconds(csv: string): string {
  return csv.replace(/(T\d\d:\d\d:\d\d)\.\d{3}Z/g, "$1.000Z");
}

Deno.test("import: a year of history from Binance's exports completes the ledger", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 61,
    symbols: 4,
    fills: 4000,
    months: 15,
    weightLimit: 1_000_000,
  });
  const account = exchange.account;
  const now = Date.now();
  /** An export zip of the account's trades and income older than `before`, in a variant. */
  const exports = async (
    dir: string,
    variant: "trade-uid-time" | "trade-date-utc" | "trade-date-utc-fee-coin",
    before: number,
  ) => {
    const trades = account.trades.filter((r) => r.time < before);
    const income = account.incomeRows().filter((r) => r.time < before);
    const spec = {
      market: "usdm" as const,
      file: "csv" as const,
      madeAt: now,
      offsetMinutes: 180,
      partRows: 1500,
    };
    const tradesZip = `${dir}/trades.zip`;
    const incomeZip = `${dir}/income.zip`;
    await Deno.writeFile(
      tradesZip,
      await exportZip(tradeTable(trades, variant, "usdm", 180), { ...spec, kind: "trade" }),
    );
    await Deno.writeFile(
      incomeZip,
      await exportZip(incomeTable(income, "income-time", 180), { ...spec, kind: "income" }),
    );
    return [tradesZip, incomeZip];
  };

  await using synced = await tempDir();
  assert.equal((await syncWith(exchange, synced.path)).code, 0);
  const before = await Deno.readTextFile(`${synced.path}/futures_positions.csv`);
  assert.match(before, /^PARTIAL,/m, "the API's 3 months leave books PARTIAL");

  await t.step(
    "exports with trade ids, overlapping the API's months: the whole truth",
    async () => {
      await using dir = await tempDir();
      await Deno.copyFile(`${synced.path}/futures_fills.csv`, `${dir.path}/futures_fills.csv`);
      for (const name of ["futures_income.csv", "state.json"]) {
        await Deno.copyFile(`${synced.path}/${name}`, `${dir.path}/${name}`);
      }
      const files = await exports(dir.path, "trade-uid-time", now - MONTH); // 2 months overlap
      const result = await runCli({ cwd: dir.path }, "import", ...files);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /fills and \d+ income records added/);
      const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
      const all = account.trades.map((r) => fillFromTrade(r, "usdm")).sort(compareFillsByTime);
      const rows = fills.trimEnd().split("\n").slice(1);
      assert.equal(rows.length, all.length, "every fill once");
      assert.ok(rows.every((row) => /,(api|archive),[0-9a-f]{8}$/.test(row)));
      assert.equal((await syncWith(exchange, dir.path)).code, 0); // prices the archive's BNB fees
      const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
      assert.doesNotMatch(positions, /^PARTIAL,/m, "no PARTIAL position left");
      // The export prints times to the second: the archive's positions open and close then.
      assert.equal(toSeconds(positions), toSeconds(account.truthCsv()));
    },
  );

  await t.step(
    "an export without trade ids: the API's fills matched, the rest given ids",
    async () => {
      await using dir = await tempDir();
      for (const name of ["futures_fills.csv", "futures_income.csv", "state.json"]) {
        await Deno.copyFile(`${synced.path}/${name}`, `${dir.path}/${name}`);
      }
      const files = await exports(dir.path, "trade-date-utc-fee-coin", now - MONTH);
      const result = await runCli({ cwd: dir.path }, "import", ...files);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /rows the API had already were left out/);
      const rows = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).trimEnd().split("\n");
      assert.equal(rows.length - 1, account.trades.length, "every fill once");
      assert.ok(rows.some((row) => /,9\d{19},/.test(row)), "ids made for rows without one");
      // state.json says where the API's fills end, to fetch from there: a made id (20 digits,
      // above every id of Binance's) must not become that point, or the next sync would ask
      // for fills after it and get none. The older rows added move no watermark.
      const symbolsOf = async (d: string) =>
        JSON.parse(await Deno.readTextFile(`${d}/state.json`)).markets.usdm.symbols;
      assert.deepEqual(await symbolsOf(dir.path), await symbolsOf(synced.path));
      assert.equal((await syncWith(exchange, dir.path)).code, 0);
      const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
      // Without trade ids, the positions' opening and closing ids are the made ones.
      assert.equal(withoutIds(toSeconds(positions)), withoutIds(toSeconds(account.truthCsv())));
    },
  );

  await t.step(
    "an export that does not say the fees' asset needs the assumption said",
    async () => {
      await using dir = await tempDir();
      const files = await exports(dir.path, "trade-date-utc", now - MONTH);
      const result = await runCli({ cwd: dir.path }, "import", at(files, 0));
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /does not say which asset its fees were paid in.*nothing was written/,
      );
      assert.ok(!(await exists(`${dir.path}/futures_fills.csv`)));
      const args = ["--fees-in-margin-asset", "--position-mode", "one-way"];
      const again = await runCli({ cwd: dir.path }, "import", at(files, 0), ...args);
      assert.equal(again.code, 0, again.stderr);
    },
  );

  await t.step("an unknown header is refused, naming the columns; nothing is written", async () => {
    await using dir = await tempDir();
    await Deno.writeTextFile(`${dir.path}/odd.csv`, "When,What,How much\n2025-01-01,x,1\n");
    const result = await runCli({ cwd: dir.path }, "import", "odd.csv");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /When, What, How much|When,What,How much/);
    assert.deepEqual(await snapshot(dir.path), {});
  });
});
