/**
 * The files are the source of truth in both directions: what they lack, the sync fetches again.
 * Fills deleted from the file (every row of a symbol, the file emptied to its header, its end
 * cut off), a directory without state.json, a fills file from the Python tool: after one sync,
 * every file is what a fresh sync of the same account writes. A damaged file is refused.
 */
import assert from "node:assert/strict";
import { fillFromTrade } from "../src/binance/trade_row.ts";
import { crc32Hex } from "../src/csv/crc32.ts";
import { formatTime } from "../src/time.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { copy } from "./support/copy.ts";
import { f } from "./support/fills.ts";
import { at, valueAt } from "./support/indexed.ts";
import { memoryClient, syncInProcess } from "./support/memory_exchange.ts";
import { runCli } from "./support/cli.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

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
  const [header, ...rows] = valueAt(expected, FILLS).trimEnd().split("\n");
  const symbols = [...new Set(rows.map((row) => at(row.split(","), 1)))];
  const symbol = at(symbols, 1);

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
    const { result, files } = await repaired(valueAt(expected, FILLS), ["state.json"]);
    assert.match(result.stderr, /fetched again from the oldest date Binance serves/);
    assert.deepEqual(files, expected);
  });

  await t.step("a row cut short is refused, naming its line, and nothing is written", async () => {
    await using dir = await tempDir();
    await copy(synced.path, dir.path);
    await Deno.writeTextFile(`${dir.path}/${FILLS}`, valueAt(expected, FILLS).slice(0, -40));
    const before = await snapshot(dir.path);
    const result = await syncWith(exchange, dir.path);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`${FILLS}:${rows.length + 1}: .*nothing was written`));
    assert.deepEqual(await snapshot(dir.path), before);
  });

  await t.step("a cache edited by hand (its check no longer matching) is not trusted", async () => {
    // The cache's first line is JSON, its second the CRC-32 of the first. Emptied of its symbols
    // but left with its old check, it would say the account holds nothing: the sync must see the
    // check fail and read the files whole, as without a cache, and print what a trusted cache
    // gives.
    await using trusted = await tempDir();
    await copy(synced.path, trusted.path);
    await using edited = await tempDir();
    await copy(synced.path, edited.path);
    const cache = `${edited.path}/.futures-ledger-cache.json`;
    const [json, check] = (await Deno.readTextFile(cache)).split("\n");
    assert.ok(json !== undefined, "the cache's JSON line");
    const emptied = JSON.parse(json);
    emptied.markets.usdm.symbols = {};
    await Deno.writeTextFile(cache, `${JSON.stringify(emptied)}\n${check}\n`);
    const debug = (dir: string) =>
      runCli({ cwd: dir, env: { ...exchangeEnv(exchange), LOG_LEVEL: "DEBUG" } }, "sync");
    const a = await debug(trusted.path);
    const b = await debug(edited.path);
    assert.equal(b.code, 0, b.stderr);
    assert.match(a.stderr, /what is local: /, "the untouched cache is trusted");
    assert.match(b.stderr, /what is local \(no cache: files read whole\)/);
    // The income check runs to a little before now: the one part of the output that moves.
    const still = (out: string) => out.replace(/ to \S+Z \(/, " to … (");
    assert.equal(still(b.stdout), still(a.stdout));
    assert.deepEqual(await snapshot(edited.path), expected);
  });

  await t.step("a fills file edited in place to the same size is read whole again", async () => {
    // One digit of a fill's commission changed (its check recomputed, so the row is valid):
    // same size, a newer modification time. The cache no longer describes the file, so the sync
    // must rebuild from the files, as it does with the cache deleted.
    const edit = async (dir: string) => {
      await copy(synced.path, dir);
      const i = 3;
      const fields = at(rows, i).split(",");
      fields[5] = at(fields, 5).slice(0, -1) + String((Number(at(fields, 5).at(-1)) + 1) % 10);
      const rest = fields.slice(0, -1).join(",");
      const edited = [
        header,
        ...rows.slice(0, i),
        `${rest},${crc32Hex(rest)}`,
        ...rows.slice(i + 1),
      ];
      await Deno.writeTextFile(`${dir}/${FILLS}`, edited.join("\n") + "\n");
      assert.equal((await Deno.stat(`${dir}/${FILLS}`)).size, valueAt(expected, FILLS).length);
    };
    await using kept = await tempDir();
    await edit(kept.path);
    await using deleted = await tempDir();
    await edit(deleted.path);
    await Deno.remove(`${deleted.path}/.futures-ledger-cache.json`);
    const debug = { cwd: kept.path, env: { ...exchangeEnv(exchange), LOG_LEVEL: "DEBUG" } };
    const result = await runCli(debug, "sync");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /what is local \(no cache: files read whole\)/);
    assert.equal((await syncWith(exchange, deleted.path)).code, 0);
    const files = await snapshot(kept.path);
    assert.notEqual(files["futures_positions.csv"], expected["futures_positions.csv"]);
    assert.deepEqual(files, await snapshot(deleted.path));
  });

  for (const cache of ["trusted", "deleted: the files read whole"]) {
    await t.step(
      `--full fetches every known symbol from the oldest date served (cache ${cache})`,
      async () => {
        await using dir = await tempDir();
        await copy(synced.path, dir.path);
        if (cache !== "trusted") await Deno.remove(`${dir.path}/.futures-ledger-cache.json`);
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
      },
    );
  }
});

Deno.test("fills that left no income, deleted from the file's end, are fetched again", async () => {
  // Three zero-fee opening fills of BTCUSDT: no COMMISSION or REALIZED_PNL record, so the income
  // history does not show them, and Binance's position (3) is the one the last sync checked, so
  // it is not queried again for it. Only state.json says trade #3 was synced: with #2 and #3
  // deleted from the file, the sync must fetch them again.
  const fills = [1, 2, 3].map((id) => f(id, "BUY", "1", String(100 + id)));
  const account = { fills, income: [], priors: new Map(), prices: new Map() };
  const now = at(fills, 2).time + 3_600_000;
  await using dir = await tempDir();
  await syncInProcess(dir.path, "usdm", memoryClient(account, "usdm", now));
  const expected = await snapshot(dir.path);
  assert.match(valueAt(expected, "state.json"), /"last_trade_id": "3"/);
  const [header, first] = valueAt(expected, FILLS).split("\n");
  await Deno.writeTextFile(`${dir.path}/${FILLS}`, `${header}\n${first}\n`);
  const client = memoryClient(account, "usdm", now);
  await syncInProcess(dir.path, "usdm", client);
  assert.deepEqual([...new Set(client.queried)], ["BTCUSDT"]);
  assert.deepEqual(await snapshot(dir.path), expected);
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
