/**
 * `deno task demo`, a newcomer's first command, run as they would run it: in a fresh copy of the
 * project, as a separate process. It must finish in seconds with exit code 0 and leave the three
 * CSV files and the report in demo-output/, with the account it made up inside.
 *
 * @module
 */

import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { FILL_COLUMNS } from "../src/storage/fill_row.ts";
import { POSITION_COLUMNS } from "../src/storage/positions_file.ts";
import { FILES } from "../src/sync.ts";
import { DEMO_ACCOUNT, DEMO_DIR, DEMO_REPORT } from "../scripts/demo.ts";
import { tempDir } from "./support/sync.ts";

/** What a clone holds that the demo can need: the tool, its scripts and the fake exchange. */
const PROJECT_FILES = ["deno.json", "deno.lock", "main.ts", "src", "scripts", "tests"];

/** CSV text as one object per row, keyed by the header. */
function rows(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true });
}

Deno.test("deno task demo syncs, rebuilds and reports a made-up account, offline", async (t) => {
  await using project = await tempDir();
  for (const name of PROJECT_FILES) {
    const from = fileURLToPath(new URL(`../${name}`, import.meta.url));
    await cp(from, join(project.path, name), { recursive: true });
  }
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: project.path,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const out = new TextDecoder().decode(stdout);
  const read = (name: string) => Deno.readTextFile(join(project.path, DEMO_DIR, name));

  await t.step("it exits 0 within seconds and says where everything is", async () => {
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
    const dir = await Deno.realPath(join(project.path, DEMO_DIR));
    assert.ok(out.includes(`Everything is in ${dir}:`), out);
    const named = [FILES.fills, FILES.income, FILES.positions, FILES.state, DEMO_REPORT];
    for (const name of named) assert.ok(out.includes(name), name);
    assert.match(out, /What you are looking at:\n( {2}.+\n){3}$/);
  });

  await t.step("the fills file holds every fill of the account", async () => {
    const text = await read(FILES.fills);
    assert.equal(text.slice(0, text.indexOf("\n")), FILL_COLUMNS.join(","));
    assert.equal(rows(text).length, DEMO_ACCOUNT.fills);
  });

  await t.step(
    "the income file has realized P&L, funding and commissions, some in BNB",
    async () => {
      const income = rows(await read(FILES.income));
      const types = new Set(income.map((r) => r.incomeType));
      for (const type of ["REALIZED_PNL", "FUNDING_FEE", "COMMISSION"]) assert.ok(types.has(type));
      assert.ok(income.some((r) => r.incomeType === "COMMISSION" && r.asset === "BNB"));
    },
  );

  await t.step("the positions file has round trips in hedge and one-way mode", async () => {
    const text = await read(FILES.positions);
    const header = text.slice(0, text.indexOf("\n")).split(",");
    assert.deepEqual(header.slice(0, POSITION_COLUMNS.length), [...POSITION_COLUMNS]);
    const positions = rows(text);
    assert.ok(positions.length >= 100, `${positions.length} positions`);
    const closed = positions.filter((p) => p.status === "CLOSED");
    assert.ok(closed.some((p) => p.position_side === "BOTH"), "a one-way round trip");
    assert.ok(closed.some((p) => p.position_side === "LONG"), "a hedge-mode long");
    assert.ok(closed.some((p) => p.position_side === "SHORT"), "a hedge-mode short");
  });

  await t.step("report.html is a page with the charts' data and library inside", async () => {
    const html = await read(DEMO_REPORT);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<script type="application\/json" id="report-data">\{"assets":\[\{/);
    assert.ok(html.includes("uPlot"));
  });
});
