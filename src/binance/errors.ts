/**
 * What can go wrong when talking to Binance, as typed errors the sync can act on, each with one
 * line saying what happened and, where the user can fix it, how.
 *
 * Messages never contain the API key, a signature or a signed URL: they name the endpoint by its
 * path only. Binance's codes: https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 *
 * @module
 */

/** Any failure of a Binance request. `retryable` tells whether trying again may succeed. */
export class BinanceError extends Error {
  /** Whether the same request may succeed later (network trouble, 5xx, 429). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = "BinanceError";
    this.retryable = retryable;
  }
}

/** Binance answered with an error status (and usually a `{code, msg}` body). */
export class BinanceApiError extends BinanceError {
  /** The HTTP status. */
  readonly status: number;
  /** Binance's error code (`-2015`), when the body had one. */
  readonly code: number | undefined;
  /** Binance's error message, as sent. */
  readonly msg: string;
  /** The `Retry-After` delay in milliseconds, when the response had one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    fields: { status: number; code?: number; msg: string; retryAfterMs?: number },
    message: string,
    retryable: boolean,
  ) {
    super(message, retryable);
    this.name = "BinanceApiError";
    this.status = fields.status;
    this.code = fields.code;
    this.msg = fields.msg;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** HTTP 418: Binance banned this IP. Never retried: requests during a ban lengthen it. */
export class BinanceBanError extends BinanceError {
  /** When the ban ends, when Binance said (`Retry-After` or the message); else `undefined`. */
  readonly until: Date | undefined;

  constructor(until: Date | undefined) {
    const end = until === undefined
      ? "for an unknown time (bans last from 2 minutes to 3 days)"
      : `until ${until.toISOString()}`;
    super(
      `Binance has banned this IP ${end} for sending too many requests; ` +
        "do not run futures-ledger (or other Binance tools on this IP) again before then: " +
        "every request during a ban makes it longer",
      false,
    );
    this.name = "BinanceBanError";
    this.until = until;
  }
}

/** The connection failed (DNS, refused, reset, TLS) before a full response arrived. */
export class BinanceNetworkError extends BinanceError {
  constructor(message: string) {
    super(message, true);
    this.name = "BinanceNetworkError";
  }
}

/** No full response within the request timeout. */
export class BinanceTimeoutError extends BinanceError {
  constructor(message: string) {
    super(message, true);
    this.name = "BinanceTimeoutError";
  }
}

/** A successful response whose body is not what Binance documents. */
export class BinanceResponseError extends BinanceError {
  /** `retryable`: the reply was cut or garbled on the way, rather than shaped unexpectedly. */
  constructor(message: string, retryable = false) {
    super(message, retryable);
    this.name = "BinanceResponseError";
  }
}

/** The client lacks what a request needs (e.g. credentials for a signed endpoint). */
export class BinanceConfigError extends BinanceError {
  constructor(message: string) {
    super(message, false);
    this.name = "BinanceConfigError";
  }
}

const KEY_HINT = 'check BINANCE_API_KEY, that the key has "Enable Futures" (and reading) ' +
  "permission, that this machine's IP is on the key's IP whitelist, and that the key belongs to " +
  "this environment (testnet keys do not work on the live exchange, and the reverse)";

const PARAMETER_HINT = "futures-ledger sent a request Binance does not accept; this is a bug, " +
  "please report it with this message";

/** What to tell the user per Binance code. */
const HINTS: ReadonlyMap<number, string> = new Map([
  [-1002, KEY_HINT],
  [-1099, KEY_HINT],
  [-2015, KEY_HINT],
  [-2014, "BINANCE_API_KEY is malformed: copy it again, without spaces or quotes"],
  [
    -1022,
    "the signature was rejected: check that BINANCE_SECRET_KEY (or the key in " +
    "BINANCE_PRIVATE_KEY_FILE) belongs to BINANCE_API_KEY",
  ],
  [
    -1021,
    "this machine's clock is too far from Binance's: enable time synchronisation " +
    "(NTP, e.g. timedatectl set-ntp true) and run again",
  ],
  [-1011, "this IP may not use this endpoint: check the API key's IP whitelist"],
  [
    -1121,
    "check the symbol's spelling and its market (USD-M symbols such as BTCUSDT, " +
    "COIN-M symbols such as BTCUSD_PERP)",
  ],
  [-4109, "the futures account is inactive: transfer any amount into the futures wallet"],
  ...[-1023, -1100, -1101, -1102, -1103, -1104, -1105, -1106, -1127, -1128, -1130, -4165].map(
    (code) => [code, PARAMETER_HINT] as [number, string],
  ),
]);

/** Codes for Binance's own transient trouble, worth retrying whatever the HTTP status. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([-1000, -1001, -1006, -1007, -1008]);

function statusHint(status: number): string | undefined {
  if (status === 401) return KEY_HINT;
  if (status === 403) {
    return "Binance's firewall refused the request (HTTP 403): this IP may be in a restricted " +
      "region or have sent too much; wait before running again";
  }
  if (status === 404) return "check BINANCE_BASE_URL: Binance has no such endpoint there";
  if (status === 429) return "over the request-weight limit; backing off";
  if (status >= 500) return "Binance had an internal problem; try again later";
  return undefined;
}

/**
 * Builds the error for a non-2xx response other than 418, from its status, body and
 * `Retry-After`. Retryable: 5xx, 408, 429 and Binance's transient codes; never other 4xx.
 */
export function apiErrorFrom(
  endpoint: string,
  status: number,
  body: string,
  retryAfterMs: number | undefined,
): BinanceApiError {
  const { code, msg } = errorBody(body);
  const retryable = status >= 500 || status === 408 || status === 429 ||
    (code !== undefined && TRANSIENT_CODES.has(code));
  const hint = (code === undefined ? undefined : HINTS.get(code)) ?? statusHint(status);
  const what = code === undefined ? `HTTP ${status}` : `HTTP ${status}, code ${code}`;
  const message = `Binance rejected ${endpoint} (${what}: ${JSON.stringify(msg)})` +
    (hint === undefined ? "" : `: ${hint}`);
  return new BinanceApiError({ status, code, msg, retryAfterMs }, message, retryable);
}

/** `{code, msg}` from an error body; a non-JSON body (a proxy's page) gives its start as `msg`. */
function errorBody(body: string): { code?: number; msg: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) {
      const { code, msg } = parsed as Record<string, unknown>;
      return {
        code: typeof code === "number" ? code : undefined,
        msg: typeof msg === "string" ? msg : "",
      };
    }
  } catch {
    // Not JSON: fall through.
  }
  return { msg: body.replace(/\s+/g, " ").trim().slice(0, 200) };
}

/**
 * When a 418 ban ends: `Retry-After` (seconds from `nowMs`), else the epoch milliseconds in the
 * message ("IP banned until 1569862799999"), else `undefined`.
 */
export function banEnd(
  body: string,
  retryAfterMs: number | undefined,
  nowMs: number,
): Date | undefined {
  if (retryAfterMs !== undefined) return new Date(nowMs + retryAfterMs);
  const match = /banned until (\d{10,})/i.exec(errorBody(body).msg);
  return match === null ? undefined : new Date(Number(match[1]));
}

/** The `Retry-After` header in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Builds the error for a request that got no full response: a host this program may not connect
 * to (not retryable), no response within `timeoutMs`, or a network error, its reason kept
 * without URLs and secrets.
 */
export function connectionError(
  label: string,
  error: unknown,
  options: {
    readonly baseUrl: string;
    readonly timeoutMs: number;
    readonly apiKey: string | undefined;
  },
): BinanceError {
  if (error instanceof Deno.errors.NotCapable) {
    // The compiled binary may reach only Binance's hosts: no retry can change that.
    return new BinanceConfigError(
      `${label}: this program may not connect to ${new URL(options.baseUrl).host}; the ` +
        "futures-ledger binary and `deno task sync` reach only Binance's futures hosts (use " +
        "`deno run --allow-net … main.ts sync` for another host)",
    );
  }
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return new BinanceTimeoutError(`${label}: no response within ${options.timeoutMs} ms`);
  }
  // Deno's fetch errors quote the full URL, signature included: keep only the reason.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BinanceNetworkError(`${label}: network error: ${redact(reason, options.apiKey)}`);
}

/** Removes URLs, signatures and the API key from text that goes into an error. */
export function redact(text: string, apiKey: string | undefined): string {
  let clean = text
    .replace(/https?:\/\/[^\s)"']+/gi, "<url>")
    .replace(/signature=[^&\s)"']*/gi, "signature=<redacted>");
  if (apiKey !== undefined && apiKey !== "") clean = clean.replaceAll(apiKey, "<api-key>");
  return clean;
}
