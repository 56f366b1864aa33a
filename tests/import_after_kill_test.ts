/**
 * `import` after a sync killed as it appended fills: the import first undoes what the killed run
 * left (as a sync does), and only then compares the export with the files. Compared before, the
 * export's rows of the appended fills were left out as the API's, the undo then removed those
 * fills, and the watermark moved past them: they were lost for every later sync.
 */
import assert from "node:assert/strict";
import { crc32Bytes } from "../src/csv/crc32.ts";
import { fillLine } from "../src/storage/fill_row.ts";
import { runSync } from "../src/sync.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { accountOfFills, memoryClient } from "./support/memory_exchange.ts";
import { tempDir } from "./support/sync.ts";

const T0 = Date.UTC(2026, 2, 2, 7);
const HOUR = 3_600_000;

/** What a sync killed after appending `lines` to `path` but before removing its journal leaves. */
async function appendKilled(path: string, lines: string[]): Promise<void> {
  const bytes = await Deno.readFile(path);
  const { mtime } = await Deno.stat(path);
  const tail = bytes.subarray(Math.max(0, bytes.length - (64 << 10)));
  const journal = path.replace(/[^/]+$/, (name) => `.${name}.append.json`);
  await Deno.writeTextFile(
    journal,
    JSON.stringify({
      bytes: bytes.length,
      modifiedMs: mtime?.getTime() ?? 0,
      tailCrc32: crc32Bytes(tail, 0, tail.length),
    }) + "\n",
  );
  await Deno.writeTextFile(path, lines.join(""), { append: true });
}

Deno.test("import after a sync killed mid-append: no fill lost", async () => {
  await using dir = await tempDir();
  const fee = { commission: "0.01" };
  // A round trip synced; then A (ids 3, 4) appended by a killed sync; then B (5, 6).
  const trip = (id: number, hour: number) => [
    f(id, "BUY", "1", "100", { time: T0 + hour * HOUR, ...fee }),
    f(id + 1, "SELL", "1", "101", { time: T0 + hour * HOUR + 60_000, realizedPnl: "1", ...fee }),
  ];
  const [base, a, b] = [trip(1, 0), trip(3, 1), trip(5, 2)];
  const fills = [...base, ...a, ...b];
  const account = accountOfFills(fills);
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 + HOUR / 2));
  await appendKilled(`${dir.path}/futures_fills.csv`, a.map(fillLine));
  // The website's export of A and B, with trade ids.
  const row = (fill: (typeof fills)[number]) =>
    [
      new Date(fill.time).toISOString().slice(0, 19).replace("T", " "),
      "BTCUSDT",
      fill.side,
      fill.price,
      fill.qty,
      fill.realizedPnl,
      fill.commission,
      "USDT",
      fill.id,
    ].join(",");
  await Deno.writeTextFile(
    `${dir.path}/export(UTC+0).csv`,
    [
      "Time,Symbol,Side,Price,Quantity,Realized Profit,Fee,Fee Coin,Trade ID",
      ...[...a, ...b].map(row),
      "",
    ]
      .join("\n"),
  );
  const imported = await runCli(
    { cwd: dir.path },
    "import",
    "export(UTC+0).csv",
    "--position-mode",
    "one-way",
  );
  assert.equal(imported.code, 0, imported.stderr);
  await runSync({ dir: dir.path, market: "usdm" }, memoryClient(account, "usdm", T0 + 3 * HOUR));
  const ids = (await Deno.readTextFile(`${dir.path}/futures_fills.csv`)).trim().split("\n")
    .slice(1).map((line) => line.split(",")[9]);
  assert.deepEqual(ids, ["1", "2", "3", "4", "5", "6"]);
});
