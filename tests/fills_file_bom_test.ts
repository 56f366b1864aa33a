/**
 * A fills file as other programs save it: starting with a UTF-8 byte-order mark (Excel's "CSV
 * UTF-8"), with CRLF line ends (Windows), or both. Every reader gives the same rows as for the
 * plain file, and the `positions` command writes the same positions file, on one thread or two.
 */
import assert from "node:assert/strict";
import {
  estimateFillsBySymbol,
  readFillsFile,
  readLedgerFills,
  writeFillsFile,
} from "../src/storage/fills_file.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { tempDir } from "./support/sync.ts";

const BOM = "\uFEFF";

/** A one-way flip on BTCUSDT, a hedge long on ETHUSDT, a COIN-M fill with its extra columns. */
const FILLS = [
  f(1, "BUY", "0.010", "47263.40", { commission: "0.18905360" }),
  f(2, "SELL", "0.030", "47300.10", { commission: "0.5676", realizedPnl: "0.367" }),
  f(3, "BUY", "1.5", "3100.25", { symbol: "ETHUSDT", positionSide: "LONG", maker: true }),
  f(4, "SELL", "2", "61000.1", {
    market: "coinm",
    symbol: "BTCUSD_PERP",
    marginAsset: "BTC",
    commission: "0.00000164",
    commissionAsset: "BTC",
    pair: "BTCUSD",
    baseQty: "0.00327868",
  }),
];

/** The same file with the `symbol` column first (columns may come in any order). */
function symbolFirst(plain: string): string {
  return plain.split("\n").map((line) => {
    if (line === "") return line;
    const cells = line.split(","); // no quotes in these fills
    return [cells[1], cells[0], ...cells.slice(2)].join(",");
  }).join("\n");
}

const VARIANTS: Record<string, (plain: string) => string> = {
  "a byte-order mark": (plain) => BOM + plain,
  "a byte-order mark before the symbol column": (plain) => BOM + symbolFirst(plain),
  "CRLF line ends": (plain) => plain.replaceAll("\n", "\r\n"),
  "both": (plain) => BOM + plain.replaceAll("\n", "\r\n"),
};

Deno.test("a fills file with a byte-order mark or CRLF line ends", async (t) => {
  await using dir = await tempDir();
  const plainPath = `${dir.path}/plain/futures_fills.csv`;
  await Deno.mkdir(`${dir.path}/plain`);
  await writeFillsFile(plainPath, FILLS);
  const plain = await Deno.readTextFile(plainPath);
  assert.ok(!plain.startsWith(BOM) && !plain.includes("\r"), "the project writes neither");
  const positions = async (where: string, jobs: string) => {
    const { code, stderr } = await runCli({ cwd: where }, "positions", "--jobs", jobs);
    assert.equal(code, 0, stderr);
    return await Deno.readTextFile(`${where}/futures_positions.csv`);
  };
  const expected = await positions(`${dir.path}/plain`, "1");
  assert.equal(expected.trimEnd().split("\n").length, 5, "a header and four positions");

  for (const [name, variant] of Object.entries(VARIANTS)) {
    await t.step(`${name}: the same rows, the same positions`, async () => {
      const where = `${dir.path}/${name.replaceAll(" ", "-")}`;
      await Deno.mkdir(where);
      const path = `${where}/futures_fills.csv`;
      await Deno.writeTextFile(path, variant(plain));
      assert.deepEqual(await readFillsFile(path), await readFillsFile(plainPath));
      assert.deepEqual(await readLedgerFills(path), await readLedgerFills(plainPath));
      assert.deepEqual(
        await readLedgerFills(path, (s) => s === "ETHUSDT"),
        await readLedgerFills(plainPath, (s) => s === "ETHUSDT"),
      );
      assert.deepEqual(await estimateFillsBySymbol(path), await estimateFillsBySymbol(plainPath));
      assert.equal(await positions(where, "1"), expected);
      assert.equal(await positions(where, "2"), expected);
    });
  }

  await t.step("the decoder already drops the BOM, before any code of ours sees it", () => {
    // Why `estimateFillsBySymbol`'s own `.replace(/^\uFEFF/, "")` never has anything to remove:
    // `new TextDecoder()` (ignoreBOM false, the default) strips a leading BOM on every `decode`
    // call that starts a stream, which is how it reads each sample, including the file's start.
    // https://encoding.spec.whatwg.org/#dom-textdecoder-ignorebom
    const bytes = new TextEncoder().encode(BOM + "time,symbol\n");
    assert.equal(new TextDecoder().decode(bytes), "time,symbol\n");
    assert.equal(new TextDecoder("utf-8", { fatal: true }).decode(bytes), "time,symbol\n");
    const decoder = new TextDecoder();
    decoder.decode(new TextEncoder().encode("x"));
    assert.equal(decoder.decode(bytes), "time,symbol\n", "on a reused decoder too");
  });
});
