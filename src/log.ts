/**
 * Logging: `@logtape/logtape` to standard error, at `LOG_LEVEL`. Written synchronously, so no
 * line is lost when the process exits, and through a hook so a live progress line can step
 * aside. Never log a key, a signature or a signed URL (the client already scrubs its errors).
 *
 * @module
 */

import { configureSync, getTextFormatter, type LogRecord, resetSync } from "@logtape/logtape";
import type { LogLevel } from "./config.ts";

const encoder = new TextEncoder();

/** Writes one formatted log line; by default straight to standard error. */
export type LineWriter = (line: string) => void;

const toStderr: LineWriter = (line) => {
  const bytes = encoder.encode(line);
  for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
};

/** Sends futures-ledger's log records at `level` and above to `write` (standard error). */
export function setUpLogging(level: LogLevel, write: LineWriter = toStderr): void {
  const format = getTextFormatter({
    timestamp: "date-time",
    level: "ABBR",
    category: ".",
    value: (v) =>
      typeof v === "string" ? v : Deno.inspect(v, { compact: true, breakLength: Infinity }),
  });
  resetSync();
  configureSync({
    reset: true,
    sinks: { stderr: (record: LogRecord) => write(format(record)) },
    loggers: [
      { category: ["futures-ledger"], lowestLevel: level, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: ["stderr"] },
    ],
  });
}
