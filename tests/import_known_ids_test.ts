/**
 * An export whose rows carry Binance's ids, read in the wrong time zone: a row whose id the files
 * hold at another time is refused (it would be added a second time), and the same file read in
 * the right zone adds nothing twice.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("a trade id the files hold at another time is refused", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/trades.csv`,
    [
      "Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID",
      "1,2024-01-05 10:00:00,BTCUSDT,BUY,42000,0.010,420,0.168 USDT,0,true,false,11,21",
      "1,2024-01-05 11:00:00,BTCUSDT,SELL,43000,0.010,430,0.172 USDT,10,false,false,12,22",
      "",
    ].join("\n"),
  );
  const importing = (offset: string) =>
    runCli(
      { cwd: dir.path },
      "import",
      "trades.csv",
      "--utc-offset",
      offset,
      "--position-mode",
      "one-way",
    );
  const wrong = await importing("+08:00");
  assert.equal(wrong.code, 0, wrong.stderr);
  const before = await Deno.readTextFile(`${dir.path}/futures_fills.csv`);
  const right = await importing("+00:00");
  assert.equal(right.code, 1);
  assert.match(
    right.stderr,
    /trades\.csv:2: trade 11 of BTCUSDT is in the files at 2024-01-05T02:00:00\.000Z, and here at 2024-01-05T10:00:00\.000Z: is the file's time zone right/,
  );
  assert.equal(await Deno.readTextFile(`${dir.path}/futures_fills.csv`), before, "nothing written");
  // Read again as before: the same ids at the same times, nothing added.
  const again = await importing("+08:00");
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await Deno.readTextFile(`${dir.path}/futures_fills.csv`), before);
});
