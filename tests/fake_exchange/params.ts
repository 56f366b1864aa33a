/**
 * A request's query parameters, read the way Binance validates them: LONG and INT parameters are
 * digit strings (a float timestamp gives -1100), mandatory ones give -1102 when missing.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 *
 * @module
 */

import { illegal, mandatory } from "./errors.ts";

const LONG = /^[0-9]{1,20}$/;
const INT = /^-?[0-9]{1,10}$/;

/** Decoded query parameters (the first value of each name). */
export class Params {
  readonly #values = new Map<string, string>();

  /** Parses `search` (without the `?`). */
  constructor(search: string) {
    for (const [name, value] of new URLSearchParams(search)) {
      if (!this.#values.has(name)) this.#values.set(name, value);
    }
  }

  /** The parameters except `signature`, for the request log. */
  loggable(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.#values) if (k !== "signature") out[k] = v;
    return out;
  }

  /** A text parameter; `undefined` when absent or empty. */
  text(name: string): string | undefined {
    const value = this.#values.get(name);
    return value === undefined || value === "" ? undefined : value;
  }

  /** A mandatory text parameter. @throws -1102 when missing. */
  required(name: string): string {
    const value = this.text(name);
    if (value === undefined) throw mandatory(name);
    return value;
  }

  /** A LONG parameter (ids, times). @throws -1100 when not digits. */
  long(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!LONG.test(value)) throw illegal(name, "^[0-9]{1,20}$");
    return Number(value);
  }

  /** A LONG parameter kept as digits (ids that may exceed 2^53). @throws -1100. */
  digits(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!LONG.test(value)) throw illegal(name, "^[0-9]{1,20}$");
    return value.replace(/^0+(?=\d)/, "");
  }

  /** An INT parameter (limit, page). @throws -1100 when not an integer. */
  int(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!INT.test(value)) throw illegal(name, "^-?[0-9]{1,10}$");
    return Number(value);
  }
}
