/**
 * The market of an export's rows is told from their symbols: an account-wide row (a transfer,
 * no symbol) takes the market of the rows that name one, and a COIN-M transaction history is
 * imported as COIN-M, not refused as holding both markets.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

Deno.test("a COIN-M transaction history with a transfer is COIN-M, transfer and all", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/c(UTC+0).csv`,
    [
      "Time,Type,Amount,Asset,Symbol,Transaction ID",
      "2024-01-05 08:00:00,FUNDING_FEE,-0.0001,BTC,BTCUSD_PERP,501",
      "2024-01-05 09:00:00,TRANSFER,0.5,BTC,,502",
      "",
    ].join("\n"),
  );
  const imported = await runCli({ cwd: dir.path }, "import", "c(UTC+0).csv");
  assert.equal(imported.code, 0, imported.stderr);
  const rows = parse(await Deno.readTextFile(`${dir.path}/futures_income.csv`), {
    columns: true,
  }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => [r.incomeType, r.market]), [
    ["FUNDING_FEE", "coinm"],
    ["TRANSFER", "coinm"],
  ]);
});
