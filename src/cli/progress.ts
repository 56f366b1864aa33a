/**
 * What a user sees while a sync runs: on a terminal, one live line that log lines step around
 * (redrawn at most 10 times a second, and each second while a wait counts down); without one
 * (cron), a few plain log lines. What they say is `progress_render.ts`'s; this is the shell that
 * feeds it events and the clock and writes to standard error.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { GovernorWait, RequestEvent, RetryEvent } from "../binance/client.ts";
import type { LineWriter } from "../log.ts";
import type { SyncEvent } from "../sync/progress_events.ts";
import { logLines, renderLine } from "./progress_render.ts";
import { initialProgress, type ProgressState, reduceProgress } from "./progress_state.ts";

const log = getLogger(["futures-ledger", "sync"]);
const encoder = new TextEncoder();

/** Tracks a sync's progress and shows it. */
export class Progress {
  readonly #live: boolean;
  #state: ProgressState;
  #line = "";
  #drawn = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;

  /** `live`: redraw one status line on standard error (a terminal). */
  constructor(live: boolean) {
    this.#live = live;
    this.#state = initialProgress(Date.now());
  }

  /** A log writer that clears the status line, writes, and redraws it. */
  readonly write: LineWriter = (text) => {
    if (this.#live && this.#line !== "") this.#put("\r\x1b[K" + text + this.#line);
    else this.#put(text);
  };

  /** Takes an event of the sync (or of the client, below). */
  readonly onEvent = (event: SyncEvent): void => {
    const now = Date.now();
    this.#state = reduceProgress(this.#state, event, now);
    if (this.#live) {
      this.#draw(event.kind === "wait" || event.kind === "retry");
      return;
    }
    const { state, lines } = logLines(this.#state, event, now);
    this.#state = state;
    for (const line of lines) log.info(line);
  };

  /** Takes a request event from the client (for the weight shown). */
  readonly onRequest = (event: RequestEvent): void => {
    this.onEvent({ kind: "request", usedWeight: event.usedWeight });
  };

  /** Takes a wait of the client's weight governor. */
  readonly onWait = (wait: GovernorWait): void => {
    this.onEvent({ kind: "wait", ...wait });
  };

  /** Takes a retry of the client. */
  readonly onRetry = (retry: RetryEvent): void => {
    this.onEvent({
      kind: "retry",
      ms: retry.delayMs,
      attempt: retry.attempt,
      attempts: retry.attempts,
      path: retry.path,
      reason: retry.reason,
    });
  };

  /** Ends the live line. */
  finish(): void {
    this.#stopTicker();
    if (this.#live && this.#line !== "") this.#put("\r\x1b[K");
    this.#line = "";
  }

  #draw(force = false): void {
    const now = Date.now();
    if (!force && now - this.#drawn < 100) return;
    this.#drawn = now;
    const wait = this.#state.wait;
    if (wait !== undefined && now < wait.until) this.#startTicker();
    else this.#stopTicker();
    const width = consoleWidth();
    this.#line = renderLine(this.#state, now, width);
    this.#put("\r\x1b[K" + this.#line);
  }

  /** Redraws each second while a wait counts down (no event comes meanwhile). */
  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    const ticker = setInterval(() => this.#draw(true), 1000);
    Deno.unrefTimer(ticker); // never what keeps the process running
    this.#ticker = ticker;
  }

  #stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #put(text: string): void {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
  }
}

/** The terminal's width in columns (80 when it cannot be read). */
function consoleWidth(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}
