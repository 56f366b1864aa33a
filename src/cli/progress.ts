/**
 * What a user sees while a sync runs: on a terminal, one live line (symbol i/n, fills fetched,
 * weight used) that log lines step around; without one (cron), plain log lines.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { RequestEvent } from "../binance/client.ts";
import type { LineWriter } from "../log.ts";
import type { SyncEvent } from "../sync.ts";

const log = getLogger(["futures-ledger", "sync"]);
const encoder = new TextEncoder();

/** Tracks a sync's progress and shows it. */
export class Progress {
  readonly #live: boolean;
  #line = "";
  #symbols = 0;
  #index = 0;
  #symbol = "";
  #fills = 0;
  #symbolFills = 0;
  #weight: number | undefined;
  #drawn = 0;

  /** `live`: redraw one status line on standard error (a terminal). */
  constructor(live: boolean) {
    this.#live = live;
  }

  /** A log writer that clears the status line, writes, and redraws it. */
  readonly write: LineWriter = (text) => {
    if (this.#live && this.#line !== "") this.#put("\r\x1b[K" + text + this.#line);
    else this.#put(text);
  };

  /** Takes a sync event. */
  readonly onSync = (event: SyncEvent): void => {
    if (event.kind === "plan") {
      this.#symbols = event.symbols.length;
      log.info("{count} symbols to query", { count: event.symbols.length });
    } else if (event.kind === "symbol") {
      this.#finishSymbol();
      this.#index = event.index + 1;
      this.#symbol = event.symbol;
      this.#symbolFills = 0;
    } else {
      this.#fills += event.fills;
      this.#symbolFills += event.fills;
    }
    this.#draw();
  };

  /** Takes a request event from the client (for the weight shown). */
  readonly onRequest = (event: RequestEvent): void => {
    this.#weight = event.usedWeight ?? this.#weight;
    this.#draw();
  };

  /** Ends the live line. */
  finish(): void {
    this.#finishSymbol();
    if (this.#live && this.#line !== "") this.#put("\r\x1b[K");
    this.#line = "";
  }

  #finishSymbol(): void {
    if (this.#symbol !== "" && !this.#live) {
      log.info("{symbol} ({index}/{total}): {fills} fills fetched", {
        symbol: this.#symbol,
        index: this.#index,
        total: this.#symbols,
        fills: this.#symbolFills,
      });
    }
    this.#symbol = "";
  }

  #draw(): void {
    if (!this.#live || Date.now() - this.#drawn < 100) return;
    this.#drawn = Date.now();
    const weight = this.#weight === undefined ? "" : ` · weight ${this.#weight}/min`;
    const at = this.#symbol === "" ? "" : ` · ${this.#index}/${this.#symbols} ${this.#symbol}`;
    this.#line = `syncing${at} · ${this.#fills.toLocaleString("en")} fills fetched${weight}`;
    this.#put("\r\x1b[K" + this.#line);
  }

  #put(text: string): void {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
  }
}
