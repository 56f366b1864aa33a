/**
 * Settings from the environment and `.env`: flags > environment > `.env`.
 *
 * `.env` is read at run time from the working directory or, for the compiled binary, from beside
 * the executable (`deno compile --env-file` would bake values into the binary instead).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { parseDotenv } from "./dotenv.ts";

/** The variables futures-ledger reads. */
export const VARIABLES = [
  "BINANCE_API_KEY",
  "BINANCE_SECRET_KEY",
  "BINANCE_PRIVATE_KEY_FILE",
  "BINANCE_BASE_URL",
  "REQUEST_TIMEOUT",
  "MAX_RETRIES",
  "LOG_LEVEL",
] as const;

/** One of {@linkcode VARIABLES}. */
export type Variable = (typeof VARIABLES)[number];

/** A setting that cannot be used; reported in one line, exit code 2, nothing done. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Log levels, from `LOG_LEVEL` (Python's names accepted). */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** The settings, checked. */
export interface Settings {
  /** `BINANCE_API_KEY`. */
  readonly apiKey: string | undefined;
  /** `BINANCE_SECRET_KEY` (HMAC). */
  readonly secretKey: string | undefined;
  /** `BINANCE_PRIVATE_KEY_FILE` (Ed25519 or RSA key, PEM), instead of the secret. */
  readonly privateKeyFile: string | undefined;
  /** `BINANCE_BASE_URL`: another host (testnet, a proxy, the fake exchange). */
  readonly baseUrl: string | undefined;
  /** `REQUEST_TIMEOUT` in seconds (default 10), as ms. */
  readonly requestTimeoutMs: number;
  /** `MAX_RETRIES` (default 5). */
  readonly maxRetries: number;
  /** `LOG_LEVEL` (default info). */
  readonly logLevel: LogLevel;
  /** Where `.env` was read from, if anywhere. */
  readonly envFile: string | undefined;
}

/**
 * Reads the settings: the process environment first, then `.env` (working directory, else beside
 * the compiled binary). Only {@linkcode VARIABLES} are read.
 *
 * @throws {ConfigError} for a malformed value or an unreadable `.env`.
 */
export async function loadSettings(): Promise<Settings> {
  const file = await findEnvFile();
  let dotenv: Record<string, string> = {};
  if (file !== undefined) {
    try {
      dotenv = parseDotenv(await Deno.readFile(file));
    } catch (error) {
      throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  const lookup = (name: Variable) => {
    const value = Deno.env.get(name) ?? dotenv[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  return settingsFrom(lookup, file);
}

/** The settings from a lookup (pure). @throws {ConfigError} for a malformed value. */
export function settingsFrom(
  lookup: (name: Variable) => string | undefined,
  envFile?: string,
): Settings {
  const timeout = number(lookup, "REQUEST_TIMEOUT", 10, 0.1, 600);
  return {
    apiKey: lookup("BINANCE_API_KEY"),
    secretKey: lookup("BINANCE_SECRET_KEY"),
    privateKeyFile: lookup("BINANCE_PRIVATE_KEY_FILE"),
    baseUrl: baseUrl(lookup("BINANCE_BASE_URL")),
    requestTimeoutMs: Math.round(timeout * 1000),
    maxRetries: number(lookup, "MAX_RETRIES", 5, 0, 20, true),
    logLevel: logLevel(lookup("LOG_LEVEL")),
    envFile,
  };
}

function number(
  lookup: (name: Variable) => string | undefined,
  name: Variable,
  fallback: number,
  min: number,
  max: number,
  integer = false,
): number {
  const text = lookup(name);
  if (text === undefined) return fallback;
  // Decimal digits only: Number() would take 0x10, 1e1 or " 5 " too.
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (
    !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))
  ) {
    throw new ConfigError(
      `${name}=${text} is not valid (expected ${integer ? "a whole number" : "a number"} ` +
        `from ${min} to ${max})`,
    );
  }
  return value;
}

function baseUrl(text: string | undefined): string | undefined {
  const problem = text === undefined ? undefined : baseUrlProblem(text);
  if (problem !== undefined) {
    throw new ConfigError(`BINANCE_BASE_URL=${text} is not valid: ${problem}`);
  }
  return text;
}

/**
 * What is wrong with `text` as a Binance host (`--base-url`, `BINANCE_BASE_URL`): it must be an
 * http(s) URL, optionally with a path (a proxy's prefix), to which the client appends `/fapi/…`.
 * `undefined` when it can be used.
 */
export function baseUrlProblem(text: string): string | undefined {
  const url = URL.parse(text);
  if (url === null || url.hostname === "") {
    return "expected a URL such as https://fapi.binance.com";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `expected an http:// or https:// URL, not ${url.protocol}`;
  }
  if (url.search !== "" || url.hash !== "") {
    return "expected a URL without ? or #, to which /fapi/… is appended";
  }
  return undefined;
}

function logLevel(text: string | undefined): LogLevel {
  switch (text?.toLowerCase()) {
    case undefined:
    case "info":
      return "info";
    case "debug":
      return "debug";
    case "warn":
    case "warning":
      return "warning";
    case "error":
    case "critical":
      return "error";
  }
  throw new ConfigError(`LOG_LEVEL=${text} is not valid (expected DEBUG, INFO, WARNING or ERROR)`);
}

/** `.env` in the working directory, else beside the compiled executable; `undefined` if none. */
async function findEnvFile(): Promise<string | undefined> {
  const candidates = [join(Deno.cwd(), ".env")];
  const exe = Deno.execPath();
  if (!/^deno(\.exe)?$/i.test(basename(exe))) candidates.push(join(dirname(exe), ".env"));
  for (const path of candidates) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable)) {
        throw error;
      }
    }
  }
  return undefined;
}
