/**
 * The state of a sync's progress display, as a pure function of the {@linkcode SyncEvent}s so far
 * and their times: the phase and how far it is, the current wait, the weight used, and when the
 * last plain log line was written. `progress_render.ts` turns it into the live line or log lines.
 *
 * @module
 */

import type { BulkHistory, Phase, SyncEvent } from "../sync/progress_events.ts";

/** A bulk download as far as it has got. */
export type Bulk = {
  readonly history: BulkHistory;
  readonly stage: "requested" | "pending" | "ready" | "downloading";
  readonly expectedMs: number | undefined;
  readonly waitedMs: number;
  readonly bytes: number;
  readonly totalBytes: number | undefined;
};

/** A wait in progress: the rate limit's, or a retry's backoff. */
export type Wait = {
  readonly cause: "budget" | "429" | "retry";
  readonly until: number;
  readonly ms: number;
  readonly used?: number;
  readonly budget?: number;
  readonly attempt?: number;
  readonly attempts?: number;
  readonly reason?: string;
};

/** Everything the progress display knows; made by {@linkcode reduceProgress}. */
export interface ProgressState {
  readonly phase: Phase | undefined;
  /** When the current phase started (ms), for the time left. */
  readonly phaseStart: number;
  readonly income:
    | {
      readonly from: number;
      readonly to: number;
      readonly reached: number;
      readonly records: number;
    }
    | undefined;
  readonly fills:
    | {
      readonly symbols: readonly string[];
      /** The symbol being fetched (0-based), -1 before the first. */
      readonly index: number;
      readonly symbol: string;
      readonly pages: number;
      readonly symbolFills: number;
      readonly total: number;
    }
    | undefined;
  readonly prices:
    | { readonly minutes: number; readonly done: number; readonly symbols: readonly string[] }
    | undefined;
  readonly bulk: Bulk | undefined;
  readonly wait: Wait | undefined;
  /** Binance's count of the IP's weight this minute, from the last response. */
  readonly usedWeight: number | undefined;
  /** When the last plain log line was written, and the 10 % step it reported. */
  readonly logged: { readonly at: number; readonly step: number };
}

/** The state before any event. */
export function initialProgress(now: number): ProgressState {
  return {
    phase: undefined,
    phaseStart: now,
    income: undefined,
    fills: undefined,
    prices: undefined,
    bulk: undefined,
    wait: undefined,
    usedWeight: undefined,
    logged: { at: now, step: -1 },
  };
}

/** The state after `event`, which happened at `now`. */
export function reduceProgress(state: ProgressState, event: SyncEvent, now: number): ProgressState {
  // Anything but a new wait means the last wait is over.
  const s = event.kind === "wait" || event.kind === "retry" ? state : { ...state, wait: undefined };
  const start = (phase: Phase) => ({ phase, phaseStart: now, logged: { at: now, step: -1 } });
  switch (event.kind) {
    case "income-start":
      return {
        ...s,
        ...start("income"),
        income: { from: event.from, to: event.to, reached: event.from, records: 0 },
      };
    case "income-page":
      return s.income === undefined
        ? s
        : { ...s, income: { ...s.income, reached: event.reached, records: event.records } };
    case "fills-start":
      return {
        ...s,
        ...start("fills"),
        fills: {
          symbols: event.symbols,
          index: -1,
          symbol: "",
          pages: 0,
          symbolFills: 0,
          total: 0,
        },
      };
    case "symbol":
      return s.fills === undefined ? s : {
        ...s,
        fills: { ...s.fills, index: event.index, symbol: event.symbol, pages: 0, symbolFills: 0 },
      };
    case "page":
      return s.fills === undefined ? s : {
        ...s,
        fills: {
          ...s.fills,
          pages: s.fills.pages + 1,
          symbolFills: s.fills.symbolFills + event.fills,
          total: s.fills.total + event.fills,
        },
      };
    case "prices-start":
      return {
        ...s,
        ...start("prices"),
        prices: { minutes: event.minutes, done: 0, symbols: event.symbols },
      };
    case "prices-page":
      return s.prices === undefined
        ? s
        : { ...s, prices: { ...s.prices, done: s.prices.done + event.minutes } };
    case "bulk-requested":
      return {
        ...s,
        ...start("bulk"),
        bulk: {
          history: event.history,
          stage: "requested",
          expectedMs: event.expectedMs,
          waitedMs: 0,
          bytes: 0,
          totalBytes: undefined,
        },
      };
    case "bulk-pending":
    case "bulk-ready":
    case "bulk-downloading": {
      const bulk = s.bulk ?? {
        history: event.history,
        stage: "requested",
        expectedMs: undefined,
        waitedMs: 0,
        bytes: 0,
        totalBytes: undefined,
      };
      const next: Bulk = event.kind === "bulk-pending"
        ? { ...bulk, history: event.history, stage: "pending", waitedMs: event.waitedMs }
        : event.kind === "bulk-ready"
        ? { ...bulk, history: event.history, stage: "ready" }
        : {
          ...bulk,
          history: event.history,
          stage: "downloading",
          bytes: event.bytes,
          totalBytes: event.totalBytes,
        };
      return { ...s, phase: "bulk", bulk: next };
    }
    case "wait":
      return {
        ...s,
        wait: {
          cause: event.cause,
          until: now + event.ms,
          ms: event.ms,
          used: event.used,
          budget: event.budget,
        },
      };
    case "retry":
      return {
        ...s,
        wait: {
          cause: "retry",
          until: now + event.ms,
          ms: event.ms,
          attempt: event.attempt,
          attempts: event.attempts,
          reason: event.reason,
        },
      };
    case "request":
      return { ...s, usedWeight: event.usedWeight ?? s.usedWeight };
  }
}
