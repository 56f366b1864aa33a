/**
 * Bad inputs to `sync`: one clear line, a non-zero exit code, and existing files untouched.
 */
import assert from "node:assert/strict";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { exchangeEnv, snapshot, syncWith, tempDir } from "./support/sync.ts";

Deno.test("sync refuses bad inputs without touching the files", async (t) => {
  await using exchange = await startFakeExchange({ seed: 61, symbols: 3, fills: 600, months: 1 });
  await using dir = await tempDir();
  assert.equal((await syncWith(exchange, dir.path)).code, 0);
  const before = await snapshot(dir.path);
  const env = exchangeEnv(exchange);
  const sync = (vars: Record<string, string>, ...args: string[]) =>
    runCli({ cwd: dir.path, env: vars }, "sync", ...args);
  const untouched = async () => assert.deepEqual(await snapshot(dir.path), before);

  const cases: [string, Record<string, string>, string[], number, RegExp][] = [
    ["no API key", { ...env, BINANCE_API_KEY: "" }, [], 2, /BINANCE_API_KEY is not set/],
    ["no secret", { ...env, BINANCE_SECRET_KEY: "" }, [], 2, /BINANCE_SECRET_KEY .* is not set/],
    [
      "an unknown API key",
      { ...env, BINANCE_API_KEY: "x".repeat(64) },
      [],
      1,
      /-2015.*IP whitelist/s,
    ],
    ["a wrong secret", { ...env, BINANCE_SECRET_KEY: "y".repeat(64) }, [], 1, /-1022.*belongs to/],
    ["an impossible date", env, ["--from", "2025-13-40"], 2, /"2025-13-40" is not a date/],
    ["an unknown flag", env, ["--form", "2025-01-01"], 2, /Unknown option '--form'/],
    ["an unknown market", env, ["--market", "spot"], 2, /--market spot: expected usdm or coinm/],
    ["no minutes to wait", env, ["--wait=0"], 2, /--wait 0: expected whole minutes/],
    ["a wait that is not minutes", env, ["--wait=soon"], 2, /--wait soon: expected whole minutes/],
    ["a wait given as a word", env, ["--wait", "soon"], 2, /--wait soon: expected whole minutes/],
    ["a negative wait", env, ["--wait", "-5"], 2, /--wait -5: expected whole minutes/],
    [
      "a malformed setting",
      { ...env, MAX_RETRIES: "many" },
      [],
      2,
      /MAX_RETRIES=many is not valid/,
    ],
  ];
  for (const [what, vars, args, code, message] of cases) {
    await t.step(`${what}: exit ${code}, one clear line`, async () => {
      const result = await sync(vars, ...args);
      assert.equal(result.code, code, result.stderr);
      const errors = result.stderr.split("\n").filter((l) => l.startsWith("futures-ledger:"));
      assert.equal(errors.length, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, new RegExp(exchange.secret), "no secret in the output");
      await untouched();
    });
  }

  await t.step("a symbol Binance does not know: named, not to be run again as it is", async () => {
    const result = await sync(env, "--symbols", "NOPEUSDT");
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /NOPEUSDT: .*-1121.*check the symbol's spelling/s);
    // Running again would fail again: the message does not say to.
    assert.doesNotMatch(result.stderr, /run sync again/);
  });

  await t.step("an output directory that cannot be created: exit 2, the path named", async () => {
    await Deno.writeTextFile(`${dir.path}/a-file`, "");
    const result = await sync(env, "--out", `${dir.path}/a-file/ledger`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--out .*a-file\/ledger: cannot create the directory/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    await Deno.remove(`${dir.path}/a-file`);
    await untouched();
  });

  await t.step("a damaged fills file: exit 1, file and line named, nothing written", async () => {
    const fills = `${dir.path}/futures_fills.csv`;
    const good = await Deno.readTextFile(fills);
    const damaged = good.replace(/\n([^\n]*)\n$/, '\n$1,oops"\n');
    await Deno.writeTextFile(fills, damaged);
    const damagedFiles = await snapshot(dir.path);
    const result = await sync(env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /futures_fills\.csv:\d+: .*nothing was written/);
    assert.deepEqual(await snapshot(dir.path), damagedFiles);
    await Deno.writeTextFile(fills, good);
  });

  await t.step("a damaged state.json: exit 1, named, never overwritten", async () => {
    // It alone holds the bulk downloads asked for: rebuilt from the files, they would be lost.
    const state = `${dir.path}/state.json`;
    const good = await Deno.readTextFile(state);
    for (
      const [text, problem] of [
        ["{ not json", /state\.json: not valid JSON .*move it away and sync again/],
        ['{"version":2,"markets":{}}', /state\.json: written by a newer futures-ledger/],
        ['{"markets":{}}', /state\.json: not a version 1 state file/],
      ] as const
    ) {
      await Deno.writeTextFile(state, text);
      const before = await snapshot(dir.path);
      const result = await sync(env);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, problem);
      assert.deepEqual(await snapshot(dir.path), before, "nothing written");
    }
    await Deno.remove(state);
    const rebuilt = await sync(env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /state\.json does not exist: .* fetched again from the oldest/);
    assert.equal(JSON.parse(await Deno.readTextFile(state)).version, JSON.parse(good).version);
    await untouched();
  });
});
