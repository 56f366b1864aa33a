/**
 * `scripts/check_binary.sh`, which the workflows run on each platform's own runner, and the
 * committed data it runs on. No binary can be built here (deno compile downloads its runtime), so
 * the "binary" is a script that runs `deno run` with the binary's permissions: the check must
 * pass it, and fail it once it differs in any way the check is there to catch.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeFlags } from "../scripts/compile.ts";
import { runCli } from "./support/cli.ts";
import { at } from "./support/indexed.ts";
import { tempDir } from "./support/sync.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "tests", "data", "futures_fills.csv");

/** A stand-in binary: `deno run main.ts` with the binary's permissions, and one `fault`. */
function standIn(fault: "none" | "version" | "stderr" | "file"): string {
  const run = `deno run ${runtimeFlags().join(" ")} '${join(ROOT, "main.ts")}' "$@"`;
  return `#!/usr/bin/env bash
fault=${fault}
if [[ $fault == version && $1 == --version ]]; then echo "futures-ledger 0.0.0"; exit 0; fi
${run}
code=$?
if [[ $fault == stderr && $1 == positions ]]; then echo "note: one line more" >&2; fi
if [[ $fault == file && $1 == positions ]]; then
  prev=""
  for arg in "$@"; do [[ $prev == --out ]] && printf x >> "$arg"; prev=$arg; done
fi
exit $code
`;
}

async function check(binary: string): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command("bash", {
    args: [join(ROOT, "scripts", "check_binary.sh"), binary],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: decode(stdout) + decode(stderr) };
}

Deno.test({
  name: "check_binary.sh passes what does what deno task does, and nothing else",
  ignore: Deno.build.os === "windows", // (the workflows run it with Git Bash there)
  async fn(t) {
    await using dir = await tempDir();
    const make = async (fault: Parameters<typeof standIn>[0]) => {
      const path = join(dir.path, `futures-ledger-${fault}`);
      await Deno.writeTextFile(path, standIn(fault), { mode: 0o755 });
      return path;
    };

    await t.step("the same program: every output identical, exit 0", async () => {
      const { code, output } = await check(await make("none"));
      assert.equal(code, 0, output);
      for (
        const name of ["futures_positions.csv", "positions.stdout", "report.html", "sync.stderr"]
      ) {
        assert.match(output, new RegExp(`${name.replace(".", "\\.")} identical \\(\\d+ bytes\\)`));
      }
    });

    const faults: [Parameters<typeof standIn>[0], RegExp][] = [
      ["version", /--version said "futures-ledger 0\.0\.0", not "futures-ledger \d/],
      ["stderr", /FAILED: positions\.stderr differs/],
      ["file", /FAILED: futures_positions\.csv differs/],
    ];
    for (const [fault, message] of faults) {
      await t.step(`a different ${fault}: exit 1, saying what differs`, async () => {
        const { code, output } = await check(await make(fault));
        assert.equal(code, 1, output);
        assert.match(output, message);
      });
    }
  },
});

Deno.test("the committed test data holds each case it is there for", async () => {
  await using dir = await tempDir();
  await Deno.copyFile(DATA, join(dir.path, "futures_fills.csv"));
  const { code, stdout, stderr } = await runCli({ cwd: dir.path }, "positions");
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^15 fills → 8 positions \(2 open, 5 closed, 1 partial\)/);
  const rows = (await Deno.readTextFile(join(dir.path, "futures_positions.csv"))).trim()
    .split("\n").map((line) => line.split(","));
  const [header, ...positions] = rows;
  assert.ok(header !== undefined, "a header");
  const column = (name: string) => header.indexOf(name);
  const has = (test: (row: string[]) => boolean) => positions.some(test);
  assert.ok(has((r) => r[column("status")] === "PARTIAL"), "a book that begins mid-position");
  assert.ok(has((r) => r[column("position_side")] === "LONG"), "a hedge LONG book");
  assert.ok(has((r) => r[column("position_side")] === "SHORT"), "a hedge SHORT book");
  assert.ok(
    has((r) => r[column("position_side")] === "BOTH" && r[column("direction")] === "SHORT"),
    "a one-way short (after a flip)",
  );
  assert.ok(has((r) => at(r, column("commission_other")).endsWith(" BNB")), "a fee paid in BNB");
  assert.equal(new Set(positions.map((r) => r[column("symbol")])).size, 4, "four symbols");
});
