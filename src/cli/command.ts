/**
 * What every command shares: its shape, usage errors and option parsing.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/** A subcommand of `futures-ledger`. */
export interface Command {
  /** The word that selects it (`sync`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs it; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A mistake in the command line: reported in one line, exit code 2, nothing done. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The options of a command, as `node:util` `parseArgs` describes them. */
export type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` strictly: an unknown option, a missing value, an empty one (`--out ""`, an unset
 * variable in a scheduled command line), a value given twice or a stray argument is a
 * {@linkcode UsageError}. `--help`
 * / `-h` is always accepted.
 */
export function parseOptions<T extends Options>(
  args: string[],
  options: T,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals, tokens } = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
      tokens: true,
    });
    for (const [name, value] of Object.entries(values)) {
      if (value === "") throw new UsageError(`--${name} is empty`);
    }
    // A value given twice (`--out a --out b`, a scheduled command line edited by appending) would
    // silently be the last one.
    const given = new Set<string>();
    for (const token of tokens) {
      if (token.kind !== "option" || token.value === undefined) continue;
      if (options[token.name]?.multiple !== true && given.has(token.name)) {
        throw new UsageError(`--${token.name} is given twice: give it once`);
      }
      given.add(token.name);
    }
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const [first = ""] = message.split("\n"); // (a split has a first part)
    throw new UsageError(first.replace(/\. To specify .*$/, ""));
  }
}
