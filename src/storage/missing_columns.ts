/**
 * The message for a data file's header that lacks columns futures-ledger needs — saying so when
 * the header is not comma-separated at all, as after a spreadsheet in a locale with decimal
 * commas saved the file with semicolons (or tabs): its one "column" names every column.
 *
 * @example
 * ```ts
 * import { missingColumnsMessage } from "./missing_columns.ts";
 * const message = missingColumnsMessage(["time;symbol;side"], ["time", "symbol"]);
 * if (!message.includes("separated by ';'")) throw new Error(message);
 * if (missingColumnsMessage(["time"], ["symbol"]) !== "the header has no column symbol") {
 *   throw new Error();
 * }
 * ```
 *
 * @module
 */

/** `the header has no column …`, and why if its fields are separated by something else. */
export function missingColumnsMessage(
  header: readonly string[],
  missing: readonly string[],
): string {
  const text = `the header has no column ${missing.join(", ")}`;
  const [only] = header;
  if (header.length !== 1 || only === undefined) return text;
  const separator = [";", "\t", "|"].find((s) => {
    const fields = only.split(s).length;
    return fields > 1 && fields > missing.length / 2;
  });
  if (separator === undefined) return text;
  const shown = separator === "\t" ? "tabs" : `'${separator}'`;
  return `${text}: its fields are separated by ${shown}, not commas (a spreadsheet saved it, ` +
    "in a locale that writes decimal commas?); restore the file futures-ledger wrote, or save " +
    "it again as CSV with commas";
}
