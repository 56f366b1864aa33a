/**
 * Binance's error responses: `{"code":-1021,"msg":"..."}` with the HTTP status Binance uses.
 * Codes and messages: https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 *
 * @module
 */

/** An error the fake exchange answers with, in Binance's shape. */
export class BinanceError extends Error {
  /** HTTP status (400 for request errors, 401 for key errors). */
  readonly status: number;
  /** Binance's error code, e.g. -1021. */
  readonly code: number;

  /** An error with Binance's `code` and `msg`. */
  constructor(status: number, code: number, msg: string) {
    super(msg);
    this.name = "BinanceError";
    this.status = status;
    this.code = code;
  }

  /** The response body. */
  body(): string {
    return JSON.stringify({ code: this.code, msg: this.message });
  }
}

/** -1102: a mandatory parameter is missing or empty. */
export function mandatory(name: string): BinanceError {
  return new BinanceError(
    400,
    -1102,
    `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  );
}

/** -1100: a parameter has characters outside its legal range (e.g. a float timestamp). */
export function illegal(name: string, range: string): BinanceError {
  return new BinanceError(
    400,
    -1100,
    `Illegal characters found in parameter '${name}'; legal range is '${range}'.`,
  );
}

/** -1130: a parameter's value is not valid (e.g. `limit` above its maximum). */
export function invalidValue(name: string): BinanceError {
  return new BinanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
}

/** -1128: optional parameters that may not be combined (e.g. `fromId` with `startTime`). */
export function badCombination(): BinanceError {
  return new BinanceError(400, -1128, "Combination of optional parameters invalid.");
}

/** -1121: an unknown symbol. */
export function invalidSymbol(): BinanceError {
  return new BinanceError(400, -1121, "Invalid symbol.");
}
