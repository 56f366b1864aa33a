/**
 * Every export layout the fake's bulk download writes, merged by the sync: the positions are the
 * generator's whole truth (times cut to the second, which is what the exports print; trade ids
 * left out where the layout has none and ids are made). The one layout that does not say which
 * asset fees were paid in is not merged: the zip is kept, the message says how to import it, and
 * once imported the sync records it as merged.
 */
import assert from "node:assert/strict";
import { type ExportFormat, startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { at } from "./support/indexed.ts";
import { syncWith, tempDir } from "./support/sync.ts";

const DAY = 86_400_000;

/** A positions file with every time cut to the second. */
function toSeconds(csv: string): string {
  return csv.replace(/(T\d\d:\d\d:\d\d)\.\d{3}Z/g, "$1.000Z");
}

/** A positions file without its trade id columns (open_trade_id, close_trade_id). */
function withoutIds(csv: string): string {
  return csv.split("\n").map((line) => line.split(",").filter((_, i) => i !== 15 && i !== 16))
    .join("\n");
}

interface Case {
  readonly format: ExportFormat;
  readonly market?: "usdm" | "coinm";
  readonly hedge?: boolean;
  /** Whether the trade layout has trade ids. */
  readonly ids: boolean;
}

const CASES: readonly Case[] = [
  { format: { trades: "trade-uid-time", income: "income-time", file: "csv" }, ids: true },
  { format: { trades: "trade-uid-time-yy", income: "income-date-utc", file: "csv" }, ids: true },
  {
    format: { trades: "trade-time-utc-position", income: "income-uid-time", file: "csv" },
    ids: true,
    hedge: true,
  },
  {
    format: { trades: "trade-date-utc-fee-coin", income: "income-time", file: "xlsx" },
    ids: false,
  },
  {
    format: { trades: "trade-uid-time", income: "income-time", file: "csv" },
    ids: true,
    market: "coinm",
  },
];

for (const [i, c] of CASES.entries()) {
  const { trades, income, file } = c.format;
  const label = `${trades}, ${income}, ${file}${c.hedge ? ", hedge mode" : ""}` +
    (c.market === "coinm" ? ", COIN-M" : "");
  Deno.test(`bulk download as ${label}: merged into the whole truth`, async () => {
    await using exchange = await startFakeExchange({
      seed: 80 + i,
      symbols: 3,
      fills: 1500,
      months: 14,
      market: c.market,
      hedge: c.hedge,
      weightLimit: 1_000_000,
      exportFormat: c.format,
      exportUtcOffsetMinutes: i % 2 === 0 ? 180 : -360,
      exportPartRows: 700,
    });
    await using dir = await tempDir();
    const from = new Date(Math.floor(exchange.account.startTime / DAY) * DAY).toISOString();
    const market = ["--market", c.market ?? "usdm"];
    const first = await syncWith(exchange, dir.path, "--from", from.slice(0, 10), ...market);
    assert.equal(first.code, 0, first.stderr);
    const second = await syncWith(exchange, dir.path, ...market);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /trade history .*: merged/);
    const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
    assert.doesNotMatch(positions, /^PARTIAL,/m);
    const truth = exchange.account.truthCsv();
    if (c.ids) assert.equal(toSeconds(positions), toSeconds(truth));
    else assert.equal(withoutIds(toSeconds(positions)), withoutIds(toSeconds(truth)));
  });
}

Deno.test("a download that does not say the fees' asset: kept, and merged by import", async () => {
  await using exchange = await startFakeExchange({
    seed: 90,
    symbols: 3,
    fills: 1500,
    months: 14,
    weightLimit: 1_000_000,
    exportFormat: { trades: "trade-date-utc", income: "income-time", file: "csv" },
  });
  await using dir = await tempDir();
  const from = new Date(Math.floor(exchange.account.startTime / DAY) * DAY).toISOString();
  assert.equal((await syncWith(exchange, dir.path, "--from", from.slice(0, 10))).code, 0);
  const failed = await syncWith(exchange, dir.path);
  assert.equal(failed.code, 1);
  const match =
    /trade history .*: downloaded but not merged: .*does not say which asset its fees were paid in.*The file is (\S+): add it with "futures-ledger import/
      .exec(failed.stderr);
  assert.ok(match, failed.stderr);
  assert.match(failed.stdout, /transaction history .*: merged/, "the other download is merged");
  const zip = at(match, 1); // relative to the output directory, where the user runs sync
  assert.ok((await Deno.stat(`${dir.path}/${zip}`)).isFile);

  const reminded = await syncWith(exchange, dir.path);
  assert.equal(reminded.code, 0, reminded.stderr);
  assert.match(reminded.stdout, /trade history .*: still not merged/);

  const imported = await runCli(
    { cwd: dir.path },
    "import",
    zip,
    "--fees-in-margin-asset",
    "--position-mode",
    "one-way",
  );
  assert.equal(imported.code, 0, imported.stderr);
  const after = await syncWith(exchange, dir.path);
  assert.equal(after.code, 0, after.stderr);
  assert.doesNotMatch(after.stdout, /not merged/);
  const state = JSON.parse(await Deno.readTextFile(`${dir.path}/state.json`));
  assert.ok(state.markets.usdm.downloads.every((d: { status: string }) => d.status === "merged"));
  await assert.rejects(Deno.stat(`${dir.path}/${zip}`), Deno.errors.NotFound, "zip removed");
});
