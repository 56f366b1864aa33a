/**
 * The `positions` command, run as users run it: a separate process, files on disk.
 */
import assert from "node:assert/strict";
import { writeFillsFile } from "../src/storage/fills_file.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { last } from "./support/indexed.ts";

const cli = (cwd: string, ...args: string[]) => runCli({ cwd }, ...args);

Deno.test("positions command", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFillsFile(`${dir}/futures_fills.csv`, [
      f(1, "BUY", "2", "100", { commission: "0.08" }),
      f(2, "SELL", "5", "90", { commission: "0.18", realizedPnl: "-20" }),
    ]);

    await t.step(
      "defaults to futures_fills.csv → futures_positions.csv in the working directory",
      async () => {
        const { code, stdout } = await cli(dir, "positions");
        assert.equal(code, 0);
        assert.match(stdout, /2 fills → 2 positions \(1 open, 1 closed, 0 partial\)/);
        const lines = (await Deno.readTextFile(`${dir}/futures_positions.csv`)).trim().split("\n");
        assert.equal(lines.length, 3);
        assert.ok(
          lines[0]?.startsWith(
            "status,symbol,direction,open_time,close_time,entry_qty,entry_vwap,realizedPnl," +
              "commission,net_pnl_after_fees,fills,exit_qty,exit_vwap,max_qty,position_side," +
              "open_trade_id,close_trade_id",
          ),
        );
        assert.ok(
          lines[1]?.startsWith(
            "CLOSED,BTCUSDT,LONG,2025-01-01T00:00:01.000Z,2025-01-01T00:00:02.000Z,2,100,-20,0.152,-20.152,2,",
          ),
        );
      },
    );

    await t.step(
      "--fills and --out choose the files; no temporary file is left behind",
      async () => {
        await Deno.rename(`${dir}/futures_fills.csv`, `${dir}/in.csv`);
        const { code } = await cli(dir, "positions", "--fills", "in.csv", "--out", "out.csv");
        assert.equal(code, 0);
        const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        assert.deepEqual(names, ["futures_positions.csv", "in.csv", "out.csv"]);
      },
    );

    await t.step(
      "--fills elsewhere writes beside it, not over the working directory's positions",
      async () => {
        await Deno.mkdir(`${dir}/other`);
        await writeFillsFile(`${dir}/other/futures_fills.csv`, [
          f(7, "BUY", "1", "50", { symbol: "ETHUSDT" }),
        ]);
        const before = await Deno.readTextFile(`${dir}/futures_positions.csv`);
        const { code, stderr } = await cli(dir, "positions", "--fills", "other/futures_fills.csv");
        assert.equal(code, 0, stderr);
        assert.equal(await Deno.readTextFile(`${dir}/futures_positions.csv`), before);
        assert.match(
          await Deno.readTextFile(`${dir}/other/futures_positions.csv`),
          /^OPEN,ETHUSDT,LONG,/m,
        );
        await Deno.remove(`${dir}/other`, { recursive: true });
      },
    );

    await t.step("--help explains the rules", async () => {
      const { code, stdout } = await cli(dir, "positions", "--help");
      assert.equal(code, 0);
      for (const word of ["flip", "hedge", "PARTIAL", "half-even", "--fills", "--out"]) {
        assert.match(stdout, new RegExp(word));
      }
    });

    await t.step("an unknown option is one clear line, exit 2, nothing written", async () => {
      const before = await Deno.readTextFile(`${dir}/out.csv`);
      const { code, stderr } = await cli(dir, "positions", "--fils", "in.csv", "--out", "out.csv");
      assert.equal(code, 2);
      assert.equal(stderr.trim().split("\n").length, 1);
      assert.match(stderr, /Unknown option '--fils'/);
      assert.equal(await Deno.readTextFile(`${dir}/out.csv`), before);
    });

    await t.step(
      "a corrupt fills file names its line and leaves the positions file untouched",
      async () => {
        const before = await Deno.readTextFile(`${dir}/out.csv`);
        const rows = (await Deno.readTextFile(`${dir}/in.csv`)).trimEnd().split("\n");
        const final = last(rows);
        await Deno.writeTextFile(`${dir}/in.csv`, `\nx${final.slice(final.indexOf(","))}\n`, {
          append: true,
        });
        const { code, stderr } = await cli(
          dir,
          "positions",
          "--fills",
          "in.csv",
          "--out",
          "out.csv",
        );
        assert.equal(code, 1);
        assert.match(stderr, /in\.csv:5: field "time": not valid: "x"/);
        assert.equal(await Deno.readTextFile(`${dir}/out.csv`), before);
      },
    );

    await t.step("a missing fills file says so: a bad command line, exit 2", async () => {
      const { code, stderr } = await cli(dir, "positions", "--fills", "nope.csv");
      assert.equal(code, 2);
      assert.match(stderr, /--fills nope\.csv: no such file/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
