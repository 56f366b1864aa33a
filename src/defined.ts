/**
 * A value the code knows is there, though the type checker cannot see why: a map entry put for
 * every key just before, a header read before any row. If the reason ever breaks, the program
 * stops with an error naming what was missing, instead of carrying `undefined` into a number.
 *
 * @example
 * ```ts
 * import { defined } from "./defined.ts";
 * const sums = new Map([["USDT", 1]]);
 * if (defined(sums.get("USDT"), "the USDT sum") !== 1) throw new Error();
 * let message = "";
 * try {
 *   defined(sums.get("BNB"), "the BNB sum");
 * } catch (error) {
 *   message = (error as Error).message;
 * }
 * if (message !== "internal error: the BNB sum is missing") throw new Error(message);
 * ```
 *
 * @module
 */

/** `value`, or an internal error saying `what` is missing if it is `undefined`. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} is missing`);
  return value;
}
