/**
 * Bad command lines and settings of `sync`, `positions` and `report`, through the real CLI with
 * the permissions the binary has: each is one line on standard error, exit code 2, no stack
 * trace, nothing requested from the exchange and nothing written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFillsFile } from "../src/storage/fills_file.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { type CliResult, runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { exchangeEnv, tempDir } from "./support/sync.ts";

/** Every file under `dir`, by relative path, with its text (directories as `<dir>`). */
async function tree(dir: string, prefix = ""): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const name = join(prefix, entry.name);
    if (entry.isDirectory) {
      files[name] = "<dir>";
      Object.assign(files, await tree(dir, name));
    } else {
      files[name] = await Deno.readTextFile(join(dir, name));
    }
  }
  return files;
}

/** One line, `futures-ledger: …`, matching `message`; exit 2; no stack trace. */
function assertOneLine(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^futures-ledger: [^\n]*\n$/, "exactly one line");
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  assert.equal(result.stdout, "");
}

/** A date `days` after today (UTC), as `YYYY-MM-DD`. */
const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const isRoot = Deno.uid() === 0;
const onLinux = Deno.build.os === "linux";

Deno.test("sync: a bad setting is one line, exit 2, before anything is requested", async (t) => {
  await using exchange = await startFakeExchange({ seed: 5, symbols: 2, fills: 100, months: 1 });
  await using dir = await tempDir();
  const env = exchangeEnv(exchange);
  await Deno.writeTextFile(join(dir.path, "a-file"), "not a directory\n");
  await Deno.mkdir(join(dir.path, "read-only"));
  const before = await tree(dir.path);

  const cases: [string, Record<string, string>, string[], RegExp, boolean?][] = [
    [
      "--base-url that is not a URL",
      env,
      ["--base-url", "notaurl"],
      /--base-url notaurl: expected a URL/,
    ],
    [
      "--base-url that is not http(s)",
      env,
      ["--base-url", "ftp://127.0.0.1/"],
      /expected an http:\/\/ or https:\/\/ URL, not ftp:/,
    ],
    [
      "BINANCE_BASE_URL that is not a URL",
      { ...env, BINANCE_BASE_URL: "notaurl" },
      [],
      /BINANCE_BASE_URL=notaurl is not valid: expected a URL/,
    ],
    [
      "a host this program may not reach",
      env,
      ["--base-url", "https://example.invalid"],
      /may not connect to example\.invalid: .*only Binance's futures hosts/,
    ],
    [
      "--testnet and --base-url together",
      env,
      ["--testnet", "--base-url", exchange.url],
      /--testnet and --base-url each pick the host/,
    ],
    ["--from in the future", env, ["--from", daysFromNow(2)], /is in the future/],
    ["a date in the future", env, [daysFromNow(40)], /is in the future/],
    [
      "--out that is a file",
      env,
      ["--out", join(dir.path, "a-file")],
      /is a file, not a directory/,
    ],
    [
      "--out under a file",
      env,
      ["--out", join(dir.path, "a-file", "ledger")],
      /a-file\/ledger: cannot create the directory \(a part of the path is a file\)/,
    ],
    [
      "--out where files cannot be written (not as root: root may write anywhere)",
      env,
      ["--out", join(dir.path, "read-only")],
      /read-only: cannot write in it \(permission denied\)/,
      isRoot,
    ],
    [
      "--out where Deno refuses to write (/sys)",
      env,
      ["--out", "/sys/ledger"],
      /\/sys\/ledger: this program may not use that path/,
      !onLinux,
    ],
    [
      "a secret and a private key file both",
      { ...env, BINANCE_PRIVATE_KEY_FILE: join(dir.path, "key.pem") },
      [],
      /both BINANCE_SECRET_KEY and BINANCE_PRIVATE_KEY_FILE are set/,
    ],
    [
      "a private key file that does not exist",
      { ...env, BINANCE_SECRET_KEY: "", BINANCE_PRIVATE_KEY_FILE: join(dir.path, "nope.pem") },
      [],
      /nope\.pem/,
    ],
  ];
  await Deno.chmod(join(dir.path, "read-only"), 0o555);
  for (const [what, vars, args, message, ignore] of cases) {
    await t.step({
      name: what,
      ignore: ignore === true,
      fn: async () => {
        const requests = exchange.log.length;
        assertOneLine(await runCli({ cwd: dir.path, env: vars }, "sync", ...args), message);
        assert.equal(exchange.log.length, requests, "nothing was requested");
        assert.deepEqual(await tree(dir.path), before, "nothing was written");
      },
    });
  }
  await Deno.chmod(join(dir.path, "read-only"), 0o755);

  // A directory a sync used before (its lock file is there) where no file can be made any more:
  // said before anything is fetched, not after (CLI review). Root ignores permissions, not an
  // immutable directory (chattr +i, where the file system has it).
  const locked = join(dir.path, "immutable");
  await Deno.mkdir(locked);
  await Deno.writeTextFile(join(locked, ".futures-ledger.lock"), "");
  const chattr = (flag: string) =>
    new Deno.Command("chattr", { args: [flag, locked], stdout: "null", stderr: "null" }).output()
      .then((o) => o.success, () => false);
  const immutable = await chattr("+i");
  await t.step({
    name: "--out that holds a lock file but takes no new file: exit 2, before any request",
    ignore: !immutable,
    fn: async () => {
      const requests = exchange.log.length;
      assertOneLine(
        await runCli({ cwd: dir.path, env }, "sync", "--out", locked),
        /immutable: cannot write in it/,
      );
      assert.equal(exchange.log.length, requests, "nothing was requested");
    },
  });
  if (immutable) await chattr("-i");
});

Deno.test("positions, report and export: a bad file argument is one line, exit 2, nothing written", async (t) => {
  await using dir = await tempDir();
  await writeFillsFile(join(dir.path, "futures_fills.csv"), [
    f(1, "BUY", "2", "100"),
    f(2, "SELL", "2", "110", { realizedPnl: "20" }),
  ]);
  assert.equal((await runCli({ cwd: dir.path }, "positions")).code, 0);
  await Deno.mkdir(join(dir.path, "empty"));
  await Deno.mkdir(join(dir.path, "read-only"));
  const before = await tree(dir.path);

  const cases: [string, string[], RegExp, string?, boolean?][] = [
    [
      "positions: --fills missing",
      ["positions", "--fills", "nope.csv"],
      /--fills nope\.csv: no such file/,
    ],
    [
      "positions: no fills file in the working directory",
      ["positions"],
      /there is no futures_fills\.csv in .*empty: run sync first, or give --fills FILE/,
      "empty",
    ],
    [
      "positions: --fills a directory",
      ["positions", "--fills", "empty"],
      /--fills empty is a directory/,
    ],
    ["positions: --out a directory", ["positions", "--out", "empty"], /--out empty is a directory/],
    // An unset variable in a scheduled command line: refused before any work.
    ["positions: --out ''", ["positions", "--out", ""], /--out is empty/],
    ["sync: --out ''", ["sync", "--out", ""], /--out is empty/],
    ["sync: --wait 1.5", ["sync", "--wait", "1.5"], /--wait 1\.5: expected whole minutes/],
    ["export: --positions ''", ["export", "koinly", "--positions", ""], /--positions is empty/],
    [
      "positions: --out in a directory that does not exist",
      ["positions", "--out", "nowhere/p.csv"],
      /--out nowhere\/p\.csv: .*nowhere does not exist/,
    ],
    [
      "positions: --out is the fills file it reads",
      ["positions", "--out", "./futures_fills.csv"],
      /--out \.\/futures_fills\.csv is the fills file it reads/,
    ],
    [
      "positions: --out is the income file beside the fills",
      ["positions", "--out", "futures_income.csv"],
      /is the income file it reads/,
    ],
    [
      "positions: --jobs 0",
      ["positions", "--jobs", "0"],
      /--jobs must be a whole number from 1 to 64/,
    ],
    [
      "positions: --out where files cannot be written",
      ["positions", "--out", "read-only/p.csv"],
      /cannot write in .*read-only \(permission denied\)/,
      undefined,
      isRoot,
    ],
    [
      "report: --positions missing",
      ["report", "--positions", "nope.csv"],
      /--positions nope\.csv: no such file/,
    ],
    [
      "report: no positions file in the working directory",
      ["report"],
      /there is no futures_positions\.csv in .*empty: run sync or positions first/,
      "empty",
    ],
    [
      "report: --income missing",
      ["report", "--income", "nope.csv"],
      /--income nope\.csv: no such file/,
    ],
    ["report: --out a directory", ["report", "--out", "empty"], /--out empty is a directory/],
    [
      "report: --out is the positions file it reads",
      ["report", "--out", "futures_positions.csv"],
      /is the positions file it reads/,
    ],
    [
      "report: --out is the fills file, which it does not read",
      ["report", "--out", "futures_fills.csv"],
      /--out futures_fills\.csv is named as futures-ledger's fills file/,
    ],
    [
      "export: --out is the income file it reads",
      ["export", "koinly", "--out", "futures_income.csv"],
      /--out futures_income\.csv is the income file it reads/,
    ],
    [
      "export: --out is the fills file, which it does not read",
      ["export", "koinly", "--out", "futures_fills.csv"],
      /--out futures_fills\.csv is named as futures-ledger's fills file/,
    ],
    [
      "export: --out is the cache",
      ["export", "koinly", "--out", ".futures-ledger-cache.json"],
      /--out \.futures-ledger-cache\.json is named as futures-ledger's cache file/,
    ],
    [
      "export: --out is the positions file it reads",
      ["export", "cointracker", "--out", "futures_positions.csv"],
      /--out futures_positions\.csv is the positions file it reads/,
    ],
    [
      "report: --out in a directory that does not exist",
      ["report", "--out", "nowhere/r.html"],
      /nowhere does not exist/,
    ],
    [
      "report: --out where files cannot be written",
      ["report", "--out", "read-only/r.html"],
      /cannot write in .*read-only \(permission denied\)/,
      undefined,
      isRoot,
    ],
  ];
  await Deno.chmod(join(dir.path, "read-only"), 0o555);
  for (const [what, args, message, cwd, ignore] of cases) {
    await t.step({
      name: what,
      ignore: ignore === true,
      fn: async () => {
        assertOneLine(await runCli({ cwd: join(dir.path, cwd ?? "") }, ...args), message);
        assert.deepEqual(await tree(dir.path), before, "nothing was written");
      },
    });
  }
  await Deno.chmod(join(dir.path, "read-only"), 0o755);
  if (isRoot) {
    console.log(
      "cli_inputs_test: the read-only directory cases are skipped: root may write anywhere",
    );
  }
});

Deno.test("the command list: every command and its help; none or an unknown one is exit 2", async (t) => {
  await using dir = await tempDir();
  const names = ["sync", "import", "positions", "report", "export"];

  await t.step(
    "--help lists every command with its summary, as each command's help has it",
    async () => {
      const help = await runCli({ cwd: dir.path }, "--help");
      assert.equal(help.code, 0, help.stderr);
      const listed = [...help.stdout.matchAll(/^ {2}(\w+) +(\S.*)$/gm)].map((m) => m[1]);
      assert.deepEqual(listed, names);
      for (const name of names) {
        const own = await runCli({ cwd: dir.path }, name, "--help");
        assert.equal(own.code, 0, `${name} --help`);
        assert.match(own.stdout, new RegExp(`^Usage: futures-ledger ${name}\\b`), name);
      }
    },
  );

  await t.step(
    "an option's value given twice: one line, exit 2 (not the last one silently)",
    async () => {
      for (
        const args of [
          ["sync", "--out", "a", "--out", "b"],
          ["positions", "--jobs", "1", "--jobs", "2"],
          ["report", "--from", "2025-01-01", "--from", "2025-02-01"],
          ["import", "x.csv", "--utc-offset", "+01:00", "--utc-offset", "+02:00"],
        ]
      ) {
        assertOneLine(
          await runCli({ cwd: dir.path }, ...args),
          /--\S+ is given twice: give it once/,
        );
      }
    },
  );

  await t.step("no command: the list, exit 2; an unknown one: one line, exit 2", async () => {
    const none = await runCli({ cwd: dir.path });
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^Commands:$/m);
    assertOneLine(
      await runCli({ cwd: dir.path }, "toString"),
      /unknown command "toString" \(see "futures-ledger --help"\)/,
    );
  });
  assert.deepEqual(await tree(dir.path), {}, "nothing written");
});
