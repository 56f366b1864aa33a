/**
 * Counts in the lines the commands print.
 *
 * @module
 */

/**
 * `n` and `what`, plural unless `n` is 1.
 *
 * @example
 * ```ts
 * import { counted } from "./counted.ts";
 * if (counted(1, "position") !== "1 position" || counted(0, "fill") !== "0 fills") throw 0;
 * ```
 */
export function counted(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
