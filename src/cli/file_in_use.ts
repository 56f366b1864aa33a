/**
 * On Windows, a file that another program holds open — a spreadsheet showing
 * `futures_positions.csv`, say — cannot be replaced or written: the rename of a finished temporary
 * file over it is refused (`Access is denied. (os error 5)`), and so is opening it
 * (`The process cannot access the file because it is being used by another process. (os error
 * 32)`). The operating system's message does not say why; this hint does.
 *
 * @module
 */

/**
 * A line to print after `error`: on Windows, for an error that a file held open by another
 * program gives, what to do about it; else nothing (`""`).
 *
 * @example
 * ```ts
 * import { fileInUseHint } from "./file_in_use.ts";
 * const denied = new Deno.errors.PermissionDenied("Access is denied. (os error 5): rename …");
 * if (!fileInUseHint(denied, "windows").includes("close it")) throw new Error();
 * const shared = new Error("being used by another process. (os error 32)");
 * if (fileInUseHint(shared, "windows") === "") throw new Error();
 * if (fileInUseHint(denied, "linux") !== "") throw new Error();
 * if (fileInUseHint(new Error("disk full"), "windows") !== "") throw new Error();
 * ```
 */
export function fileInUseHint(error: unknown, os: string = Deno.build.os): string {
  if (os !== "windows" || !(error instanceof Error)) return "";
  const inUse = error instanceof Deno.errors.PermissionDenied ||
    /\(os error (5|32|33)\)/.test(error.message);
  return inUse
    ? "If a file it names is open in another program (a spreadsheet, say), close it there and " +
      "run again: a file being replaced is left as it was."
    : "";
}
