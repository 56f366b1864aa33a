/**
 * A fills or income file that holds one fill (or record) twice — an export's row and the API's of
 * the same trade, which an earlier version's merge kept both of, or a line pasted twice (CLI
 * review: the funding counted twice in positions, report and export while the sync's check said
 * "ok") — is repaired by the next sync that reads the files whole, which says so: each kept once,
 * the positions as before.
 */

import assert from "node:assert/strict";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { snapshot, syncWith, tempDir } from "./support/sync.ts";

Deno.test("a fill and a funding record held twice are kept once by the next sync", async () => {
  await using exchange = await startFakeExchange({ seed: 23, symbols: 3, fills: 400, months: 2 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  const before = await snapshot(dir.path);
  const asBefore = async () => {
    const after = await snapshot(dir.path);
    for (const name of ["futures_fills.csv", "futures_income.csv", "futures_positions.csv"]) {
      assert.equal(after[name], before[name], `${name} as before`);
    }
  };

  // A funding line pasted a second time, as it was.
  const incomePath = `${dir.path}/futures_income.csv`;
  const lines = (await Deno.readTextFile(incomePath)).split("\n");
  const funding = lines.findIndex((line) => line.includes(",FUNDING_FEE,"));
  assert.ok(funding > 0, "a funding record");
  lines.splice(funding, 0, lines[funding] ?? "");
  await Deno.writeTextFile(incomePath, lines.join("\n"));
  const once = await syncWith(exchange, dir.path);
  assert.equal(once.code, 0, once.stderr);
  assert.match(once.stdout + once.stderr, /futures_income\.csv held 1 income record twice/);
  assert.doesNotMatch(once.stdout + once.stderr, /DIFFERS/);
  await asBefore();

  // An export's copy of one fill, saved to the minute, written in file order: another fill of
  // that minute falls between it and the API's row. An earlier version's merge left such pairs;
  // its cache (version 3) has the next sync look for them a minute back.
  const fillsPath = `${dir.path}/futures_fills.csv`;
  const { fills } = await readFillsFile(fillsPath);
  const minuteOf = (time: number) => time - (time % 60_000);
  const i = fills.findIndex((f, k) =>
    k > 0 && minuteOf(fills[k - 1]?.time ?? 0) === minuteOf(f.time)
  );
  const fill = fills[i];
  assert.ok(fill !== undefined, "two fills in one minute");
  const copy = { ...fill, time: minuteOf(fill.time), source: "archive" as const };
  await writeFillsFile(fillsPath, [...fills, copy]);
  const cachePath = `${dir.path}/.futures-ledger-cache.json`;
  const cache = await Deno.readTextFile(cachePath);
  await Deno.writeTextFile(cachePath, cache.replace(/^\{"version":\d+/, '{"version":3'));
  const twice = await syncWith(exchange, dir.path);
  assert.equal(twice.code, 0, twice.stderr);
  assert.match(twice.stdout + twice.stderr, /futures_fills\.csv held 1 fill twice/);
  assert.doesNotMatch(twice.stdout + twice.stderr, /DIFFERS/);
  await asBefore();
});
