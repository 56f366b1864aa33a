/**
 * `sync --from` before the 3 months the API serves: the older history is requested through
 * Binance's bulk download (a request per kind and year), recorded in state.json as pending, and
 * merged by the next sync, after which the positions are the generator's whole truth. Nothing is
 * requested twice; `--wait` merges in one run; an expired link is asked for again.
 */
import assert from "node:assert/strict";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { snapshot, syncWith, tempDir } from "./support/sync.ts";

const DAY = 86_400_000;

/** A positions file with every time cut to the second (the exports print seconds). */
function toSeconds(csv: string): string {
  return csv.replace(/(T\d\d:\d\d:\d\d)\.\d{3}Z/g, "$1.000Z");
}

/** The UTC day of `ms`. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface Download {
  kind: string;
  status: string;
  from_ms: number;
  to_ms: number;
  download_id?: string;
}

async function downloadsOf(dir: string): Promise<Download[]> {
  const state = JSON.parse(await Deno.readTextFile(`${dir}/state.json`));
  return state.markets.usdm.downloads ?? [];
}

Deno.test("sync --from a year and more back: pending, then merged into the whole truth", async (t) => {
  await using exchange = await startFakeExchange({
    seed: 61,
    symbols: 4,
    fills: 4000,
    months: 15,
    weightLimit: 1_000_000,
    downloadDelaySeconds: 2,
  });
  const account = exchange.account;
  const from = day(account.startTime);
  await using dir = await tempDir();
  const asyn = () => exchange.log.filter((e) => /\/asyn$/.test(e.endpoint)).length;

  await t.step("the first sync requests the downloads and records them as pending", async () => {
    const result = await syncWith(exchange, dir.path, "--from", from);
    assert.equal(result.code, 0, result.stderr);
    const downloads = await downloadsOf(dir.path);
    const fills = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
    const firstApiFill = Date.parse(fills.split("\n")[1].split(",")[0]);
    // 15 months back to where the API's rows begin: a little over 365 days, so two per kind.
    for (const kind of ["trade", "income"]) {
      const mine = downloads.filter((d) => d.kind === kind);
      assert.deepEqual(mine.map((d) => d.status), ["pending", "pending"]);
      assert.equal(mine[0].from_ms, Date.parse(`${from}T00:00:00Z`));
      assert.equal(mine[1].from_ms, mine[0].to_ms + 1, "contiguous");
      for (const d of mine) assert.ok(d.to_ms - d.from_ms <= 365 * DAY);
      assert.ok(mine[1].to_ms < firstApiFill, "up to where the API's rows begin");
      assert.ok(mine[1].to_ms > firstApiFill - 2 * DAY, "not short of it");
    }
    assert.equal(asyn(), 4, "one request per kind and 365 days");
    assert.match(
      result.stdout,
      /bulk download of the trade history from .*: requested; Binance takes about 2 s/,
    );
    assert.match(
      await Deno.readTextFile(`${dir.path}/futures_positions.csv`),
      /^PARTIAL,/m,
      "the API's 3 months alone leave books PARTIAL",
    );
  });

  await t.step("the next sync merges them: the positions are the whole truth", async () => {
    await new Promise((r) => setTimeout(r, 2_100));
    const result = await syncWith(exchange, dir.path);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /trade history .*: merged, [\d,]+ fills added/);
    const positions = await Deno.readTextFile(`${dir.path}/futures_positions.csv`);
    assert.doesNotMatch(positions, /^PARTIAL,/m);
    assert.equal(toSeconds(positions), toSeconds(account.truthCsv()));
    const downloads = await downloadsOf(dir.path);
    assert.ok(downloads.every((d) => d.status === "merged"));
    assert.deepEqual([...Deno.readDirSync(`${dir.path}/futures_downloads`)], [], "zips removed");
  });

  await t.step("nothing is requested again for a range already downloaded", async () => {
    const before = asyn();
    const files = await snapshot(dir.path);
    const result = await syncWith(exchange, dir.path, "--from", from);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(asyn(), before);
    assert.equal((await snapshot(dir.path))["futures_fills.csv"], files["futures_fills.csv"]);
  });
});
