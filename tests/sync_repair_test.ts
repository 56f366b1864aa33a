/**
 * The files are the source of truth in both directions: what they lack, the sync fetches again.
 * Fills deleted from the file (every row of a symbol, the file emptied to its header, its end
 * cut off), a directory without state.json, a fills file from the Python tool: after one sync,
 * every file is what a fresh sync of the same account writes. A damaged file is refused.
 */
import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { formatTime } from "../src/time.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { copy } from "./support/copy.ts";
import { snapshot, syncWith, tempDir } from "./support/sync.ts";

const FILLS = "futures_fills.csv";

Deno.test("the sync fetches again what the files lack", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 53,
    symbols: 4,
    fills: 3000,
    months: 2,
    weightLimit: 1_000_000,
  });
  await using synced = await tempDir();
  assert.equal((await syncWith(exchange, synced.path)).code, 0);
  const expected = await snapshot(synced.path);
  const [header, ...rows] = expected[FILLS].trimEnd().split("\n");
  const symbols = [...new Set(rows.map((row) => row.split(",")[1]))];
  const symbol = symbols[1];

  /** A copy of the synced directory with its fills file replaced by `fills`; then a sync. */
  const repaired = async (fills: string, remove: string[] = []) => {
    await using dir = await tempDir();
    await copy(synced.path, dir.path);
    await Deno.writeTextFile(`${dir.path}/${FILLS}`, fills);
    for (const name of remove) await Deno.remove(`${dir.path}/${name}`);
    const result = await syncWith(exchange, dir.path);
    assert.equal(result.code, 0, result.stderr);
    return { result, files: await snapshot(dir.path) };
  };

  await t.step("every row of one symbol deleted: fetched again", async () => {
    const kept = rows.filter((row) => row.split(",")[1] !== symbol);
    assert.ok(kept.length < rows.length);
    const { result, files } = await repaired([header, ...kept].join("\n") + "\n");
    assert.match(result.stderr, new RegExp(`${symbol}`));
    assert.deepEqual(files, expected);
  });

  await t.step("rows deleted in the middle of one symbol's history: fetched again", async () => {
    const mine = rows.map((row, i) => [row, i] as const).filter(([row]) => row.includes(symbol));
    const gone = new Set(mine.slice(10, 40).map(([, i]) => i));
    const { files } = await repaired(
      [header, ...rows.filter((_, i) => !gone.has(i))].join("\n") +
        "\n",
    );
    assert.deepEqual(files, expected);
  });

  await t.step("a fills file with only its header is a first sync", async () => {
    const { files } = await repaired(header + "\n");
    assert.deepEqual(files, expected);
  });

  await t.step("the file's last rows cut off at a line end: fetched again", async () => {
    const { files } = await repaired([header, ...rows.slice(0, -25)].join("\n") + "\n");
    assert.deepEqual(files, expected);
  });

  await t.step("without state.json, every symbol is fetched as on a first sync", async () => {
    const { result, files } = await repaired(expected[FILLS], ["state.json"]);
    assert.match(result.stderr, /fetched again from the oldest date Binance serves/);
    assert.deepEqual(files, expected);
  });

  await t.step("a row cut short is refused, naming its line, and nothing is written", async () => {
    await using dir = await tempDir();
    await copy(synced.path, dir.path);
    await Deno.writeTextFile(`${dir.path}/${FILLS}`, expected[FILLS].slice(0, -40));
    const before = await snapshot(dir.path);
    const result = await syncWith(exchange, dir.path);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`${FILLS}:${rows.length + 1}: .*nothing was written`));
    assert.deepEqual(await snapshot(dir.path), before);
  });

  await t.step("--full fetches every known symbol from the oldest date served", async () => {
    await using dir = await tempDir();
    await copy(synced.path, dir.path);
    const from = exchange.log.length;
    const result = await syncWith(exchange, dir.path, "--full");
    assert.equal(result.code, 0, result.stderr);
    const walked = new Set(
      exchange.log.slice(from).filter((e) =>
        e.endpoint.endsWith("/userTrades") && e.params.startTime !== undefined
      ).map((e) => e.params.symbol),
    );
    assert.deepEqual([...walked].sort(), [...symbols].sort());
    assert.deepEqual(await snapshot(dir.path), expected);
  });
});

Deno.test("moving from the Python tool: its fills file is synced as on a first sync", async () => {
  await using exchange = await startFakeExchange({
    seed: 59,
    symbols: 4,
    fills: 2000,
    months: 2,
    weightLimit: 1_000_000,
  });
  await using fresh = await tempDir();
  assert.equal((await syncWith(exchange, fresh.path)).code, 0);
  // The Python tool's file: its columns and formats, and only the newer fills of two symbols.
  const trades = exchange.account.trades;
  const picked = new Set([...new Set(trades.map((t) => t.symbol))].slice(0, 2));
  const later = trades.slice(Math.floor(trades.length / 2)).filter((t) => picked.has(t.symbol));
  const python = [
    "symbol,id,orderId,side,price,qty,realizedPnl,marginAsset,quoteQty,commission," +
    "commissionAsset,time,positionSide,buyer,maker",
    ...later.map((t) => {
      const f = fillFromTrade(t, "usdm");
      const time = formatTime(f.time).replace("T", " ").replace("Z", "000");
      return [
        f.symbol,
        f.id,
        f.orderId,
        f.side,
        Number(f.price),
        Number(f.qty),
        Number(f.realizedPnl),
        f.marginAsset,
        f.quoteQty,
        Number(f.commission),
        f.commissionAsset,
        time,
        f.positionSide,
        f.side === "BUY" ? "True" : "False",
        f.maker ? "True" : "False",
      ].join(",");
    }),
  ].join("\n") + "\n";
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/${FILLS}`, python);
  const result = await syncWith(exchange, dir.path);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await snapshot(dir.path), await snapshot(fresh.path));
});
