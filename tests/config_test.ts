/**
 * Settings: flags > environment > `.env` in the working directory; values checked.
 */
import assert from "node:assert/strict";
import { ConfigError, settingsFrom, type Variable } from "../src/config.ts";
import { startFakeExchange } from "./fake_exchange/mod.ts";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/sync.ts";

const lookup = (values: Partial<Record<Variable, string>>) => (name: Variable) => values[name];

Deno.test("settings from the environment", async (t) => {
  await t.step("defaults: a 10 s timeout, 5 retries, INFO", () => {
    const s = settingsFrom(lookup({}));
    assert.deepEqual([s.requestTimeoutMs, s.maxRetries, s.logLevel], [10_000, 5, "info"]);
  });

  await t.step("REQUEST_TIMEOUT is seconds; LOG_LEVEL takes Python's names in any case", () => {
    const s = settingsFrom(lookup({ REQUEST_TIMEOUT: "2.5", LOG_LEVEL: "warn", MAX_RETRIES: "0" }));
    assert.deepEqual([s.requestTimeoutMs, s.maxRetries, s.logLevel], [2_500, 0, "warning"]);
    assert.equal(settingsFrom(lookup({ LOG_LEVEL: "DEBUG" })).logLevel, "debug");
  });

  await t.step("a malformed value is refused, naming the variable", () => {
    for (
      const [name, value] of [
        ["REQUEST_TIMEOUT", "ten"],
        ["REQUEST_TIMEOUT", "0"],
        ["REQUEST_TIMEOUT", "0x10"], // Number() would take it as 16
        ["REQUEST_TIMEOUT", "1e1"],
        ["MAX_RETRIES", "2.5"],
        ["MAX_RETRIES", "-1"],
        ["LOG_LEVEL", "loud"],
      ] as [Variable, string][]
    ) {
      assert.throws(() => settingsFrom(lookup({ [name]: value })), (e: unknown) => {
        return e instanceof ConfigError && e.message.startsWith(`${name}=${value} is not valid`);
      });
    }
  });
});

Deno.test("sync reads .env, the environment wins over it, flags win over both", async (t) => {
  await using exchange = await startFakeExchange({ seed: 71, symbols: 2, fills: 200, months: 1 });
  await using dir = await tempDir();
  const dotenv = (lines: string[]) => Deno.writeTextFile(`${dir.path}/.env`, lines.join("\n"));

  await t.step(".env in the working directory supplies the keys and the host", async () => {
    await dotenv([
      `BINANCE_API_KEY=${exchange.apiKey}`,
      `BINANCE_SECRET_KEY="${exchange.secret}"`,
      `BINANCE_BASE_URL=${exchange.url}`,
    ]);
    const { code, stderr } = await runCli({ cwd: dir.path }, "sync");
    assert.equal(code, 0, stderr);
  });

  await t.step(".env saved by Notepad (BOM, CRLF) with export<TAB> lines", async () => {
    await Deno.writeTextFile(
      `${dir.path}/.env`,
      `\uFEFFBINANCE_API_KEY=${exchange.apiKey}\r\n` +
        `export\tBINANCE_SECRET_KEY=${exchange.secret}\r\n` +
        `export  BINANCE_BASE_URL="${exchange.url}"\r\n`,
    );
    const { code, stderr } = await runCli({ cwd: dir.path }, "sync");
    assert.equal(code, 0, stderr);
  });

  await t.step(".env that is not text: one line, exit 2, the file named", async () => {
    await Deno.writeFile(`${dir.path}/.env`, new Uint8Array([0x41, 0x3d, 0xff, 0x0a]));
    const { code, stderr } = await runCli({ cwd: dir.path }, "sync");
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^futures-ledger: cannot read .*\.env: it is not valid UTF-8 text/);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
  });

  await t.step("the environment wins over .env", async () => {
    await dotenv([
      `BINANCE_API_KEY=wrong`,
      `BINANCE_SECRET_KEY=wrong`,
      `BINANCE_BASE_URL=${exchange.url}`,
    ]);
    const env = { BINANCE_API_KEY: exchange.apiKey, BINANCE_SECRET_KEY: exchange.secret };
    const { code, stderr } = await runCli({ cwd: dir.path, env }, "sync");
    assert.equal(code, 0, stderr);
  });

  await t.step("--base-url wins over BINANCE_BASE_URL", async () => {
    const env = {
      BINANCE_API_KEY: exchange.apiKey,
      BINANCE_SECRET_KEY: exchange.secret,
      BINANCE_BASE_URL: "http://127.0.0.1:9", // nothing listens there
    };
    const { code, stderr } = await runCli(
      { cwd: dir.path, env },
      "sync",
      "--base-url",
      exchange.url,
    );
    assert.equal(code, 0, stderr);
  });
});
