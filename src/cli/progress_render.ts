/**
 * What the progress of a sync looks like, as pure functions of its state
 * (`progress_state.ts`; no terminal, no clock): the live line for a terminal of a given width at
 * a given time, and the few plain log lines written instead when there is no terminal (cron,
 * Task Scheduler).
 *
 * The live line says first of all any wait (the rate limit's, or a retry's backoff, counting
 * down), then the phase and how far it is (the date the income history is read up to, the
 * symbol i/n and its pages, the fee-price minutes), with a percentage and a time left where they
 * are known, then the weight used. The log lines are a phase's start, then a progress line at
 * a further 10 % (at least 10 s after the last line) or after 30 s without one, and each wait of
 * 5 s or more — never one line per page, and a phase of a few seconds is one line.
 *
 * @module
 */

import { defined } from "../defined.ts";
import type { BulkHistory, SyncEvent } from "../sync/progress_events.ts";
import type { Bulk, ProgressState, Wait } from "./progress_state.ts";

/** A progress line is written at a further 10 % only this long after the last line... */
export const LOG_GAP_MS = 10_000;
/** ...and after this long without a line whatever the progress. */
export const LOG_EVERY_MS = 30_000;
/** Waits shorter than this are not logged (the live line shows them all). */
export const LOG_WAITS_FROM_MS = 5_000;

/** The live line at `now` for a terminal `width` columns wide (cut to fit, never wrapped). */
export function renderLine(state: ProgressState, now: number, width: number): string {
  const parts: string[] = [];
  if (state.wait !== undefined && now < state.wait.until) parts.push(waitText(state.wait, now));
  parts.push(...phaseParts(state, now));
  if (state.usedWeight !== undefined) parts.push(`weight ${count(state.usedWeight)}/min`);
  return fit(parts.join(" · "), width);
}

/**
 * The plain log lines `event` calls for, with no terminal, and the state with the lines noted;
 * call it with the state {@linkcode reduceProgress} returned for `event`.
 */
export function logLines(
  state: ProgressState,
  event: SyncEvent,
  now: number,
): { state: ProgressState; lines: string[] } {
  const noted = (lines: string[], step = state.logged.step) => ({
    state: lines.length === 0 ? state : { ...state, logged: { at: now, step } },
    lines,
  });
  switch (event.kind) {
    case "income-start":
      return noted([
        `income history: reading ${dateTime(event.from)} to ${dateTime(event.to)}`,
      ]);
    case "fills-start":
      return noted([
        event.symbols.length === 0
          ? "fills: no symbol shows new activity"
          : `fills: ${plural(event.symbols.length, "symbol")} to query`,
      ]);
    case "prices-start":
      return noted([
        `fee prices: ${plural(event.minutes, "minute")} of ${event.symbols.join(", ")} to fetch`,
      ]);
    case "bulk-requested":
    case "bulk-ready":
      return noted([phaseParts(state, now).join(" · ")]);
    case "wait":
    case "retry": {
      // Retries are logged by the client as they happen, with their reason.
      const wait = state.wait;
      if (event.kind === "retry" || wait === undefined || wait.ms < LOG_WAITS_FROM_MS) {
        return noted([]);
      }
      return noted([waitText(wait, now)]);
    }
    case "request":
      return noted([]);
    default: {
      const fraction = phaseFraction(state);
      const step = fraction === undefined ? state.logged.step : Math.floor(fraction * 10);
      const since = now - state.logged.at;
      if ((step > state.logged.step && since >= LOG_GAP_MS) || since >= LOG_EVERY_MS) {
        return noted([phaseParts(state, now).join(" · ")], Math.max(step, state.logged.step));
      }
      return noted([]);
    }
  }
}

/** How far the current phase is, from 0 to 1, where that is known. */
function phaseFraction(state: ProgressState): number | undefined {
  switch (state.phase) {
    case "income": {
      const i = defined(state.income, "the income phase's progress");
      return i.to > i.from ? clamp((i.reached - i.from) / (i.to - i.from)) : undefined;
    }
    case "fills": {
      const f = defined(state.fills, "the fills phase's progress");
      return f.symbols.length === 0 ? undefined : clamp((f.index + 1) / f.symbols.length);
    }
    case "prices": {
      const p = defined(state.prices, "the prices phase's progress");
      return p.minutes === 0 ? undefined : clamp(p.done / p.minutes);
    }
    case "bulk": {
      const b = defined(state.bulk, "the bulk phase's progress");
      return b.stage === "downloading" && b.totalBytes ? clamp(b.bytes / b.totalBytes) : undefined;
    }
    case undefined:
      return undefined;
  }
}

/** The current phase, as the parts of a line. */
function phaseParts(state: ProgressState, now: number): string[] {
  const fraction = phaseFraction(state);
  const left = fraction === undefined ? undefined : timeLeft(fraction, now - state.phaseStart);
  const tail = left === undefined ? [] : [`about ${left} left`];
  switch (state.phase) {
    case undefined:
      return ["syncing"];
    case "income": {
      const i = defined(state.income, "the income phase's progress");
      const percent = fraction === undefined ? "" : ` (${Math.floor(fraction * 100)}%)`;
      return [
        `income history: up to ${dateTime(i.reached)}${percent}`,
        plural(i.records, "record"),
        ...tail,
      ];
    }
    case "fills": {
      const f = defined(state.fills, "the fills phase's progress");
      if (f.index < 0) return [`fills: ${plural(f.symbols.length, "symbol")} to query`];
      const pages = f.pages === 0 ? [] : [`page ${f.pages}, ${plural(f.symbolFills, "fill")}`];
      return [
        `fills: ${f.index + 1}/${f.symbols.length} ${f.symbol}`,
        ...pages,
        `${plural(f.total, "fill")} in all`,
      ];
    }
    case "prices": {
      const p = defined(state.prices, "the prices phase's progress");
      const percent = fraction === undefined ? "" : ` (${Math.floor(fraction * 100)}%)`;
      return [`fee prices: ${count(p.done)}/${count(p.minutes)} minutes${percent}`, ...tail];
    }
    case "bulk":
      return [bulkText(defined(state.bulk, "the bulk phase's progress"), fraction)];
  }
}

const BULK_NAMES: Record<BulkHistory, string> = {
  trades: "trade history",
  income: "transaction history",
  orders: "order history",
};

function bulkText(b: Bulk, fraction: number | undefined): string {
  const name = `bulk download of the ${BULK_NAMES[b.history]}`;
  const usual = b.expectedMs === undefined ? "" : `; Binance takes about ${duration(b.expectedMs)}`;
  switch (b.stage) {
    case "requested":
      return `${name}: requested${usual}`;
    case "pending":
      return `${name}: Binance is preparing it (waited ${duration(b.waitedMs)}${usual})`;
    case "ready":
      return `${name}: ready`;
    case "downloading": {
      const of = b.totalBytes === undefined ? "" : ` of ${megabytes(b.totalBytes)}`;
      const percent = fraction === undefined ? "" : ` (${Math.floor(fraction * 100)}%)`;
      return `${name}: downloading ${megabytes(b.bytes)}${of}${percent}`;
    }
  }
}

function waitText(wait: Wait, now: number): string {
  const left = duration(Math.max(0, wait.until - now));
  switch (wait.cause) {
    case "budget":
      return `waiting ${left} for Binance's rate limit (${count(wait.used ?? 0)} of ` +
        `${count(wait.budget ?? 0)} weight used this minute)`;
    case "429":
      return `waiting ${left}: Binance asked to slow down (HTTP 429)`;
    case "retry":
      return `retrying in ${left} (attempt ${wait.attempt}/${wait.attempts}): ${wait.reason}`;
  }
}

/** The time left at `fraction` done after `elapsedMs`; only once it can be estimated. */
function timeLeft(fraction: number, elapsedMs: number): string | undefined {
  if (fraction < 0.02 || fraction >= 1 || elapsedMs < 3_000) return undefined;
  return duration((elapsedMs * (1 - fraction)) / fraction);
}

/** `38 s`, `4 min`, `2.5 h`. */
function duration(ms: number): string {
  if (ms < 90_000) return `${Math.ceil(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function count(n: number): string {
  return n.toLocaleString("en");
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

function clamp(fraction: number): number {
  return Math.min(1, Math.max(0, fraction));
}

/** `text` cut to `width - 1` columns with an ellipsis (the last column would wrap the line). */
function fit(text: string, width: number): string {
  const room = Math.max(10, width - 1);
  const chars = [...text];
  return chars.length <= room ? text : chars.slice(0, room - 1).join("") + "…";
}
