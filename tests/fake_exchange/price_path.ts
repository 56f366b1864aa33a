/**
 * Each symbol's market price as a pure function of time, so trades, klines and marks agree
 * without storing a price history.
 *
 * @module
 */

import type { SymbolSpec } from "./catalog.ts";
import { hash01 } from "./prng.ts";

const MINUTE_MS = 60_000;
const WAVES: readonly [period: number, amplitude: number][] = [
  [43_200, 0.22],
  [10_080, 0.08],
  [1_440, 0.025],
  [97, 0.004],
];

/** The price at the start of `minute` (minutes since the epoch), in ticks (an integer ≥ 1). */
export function minuteOpenTicks(spec: SymbolSpec, minute: number): number {
  let x = 0;
  for (const [i, [period, amplitude]] of WAVES.entries()) {
    const phase = hash01(spec.index, i, 7) * 2 * Math.PI;
    x += amplitude * Math.sin((2 * Math.PI * minute) / period + phase);
  }
  x += (hash01(spec.index, minute, 1) - 0.5) * 0.001;
  const price = spec.basePrice * Math.exp(x);
  return Math.max(1, Math.round(price * 10 ** spec.priceDecimals));
}

/** One candle in ticks. */
export interface TickCandle {
  /** First price. */
  readonly open: number;
  /** Highest price. */
  readonly high: number;
  /** Lowest price. */
  readonly low: number;
  /** Last price. */
  readonly close: number;
}

/** The candle of `[openTime, openTime + length)`; sampled at most 60 times for long candles. */
export function candleTicks(spec: SymbolSpec, openTime: number, length: number): TickCandle {
  const first = Math.floor(openTime / MINUTE_MS);
  const minutes = Math.max(1, Math.floor(length / MINUTE_MS));
  const open = minuteOpenTicks(spec, first);
  const close = minuteOpenTicks(spec, first + minutes);
  let high = Math.max(open, close);
  let low = Math.min(open, close);
  const stride = Math.max(1, Math.floor(minutes / 60));
  for (let m = first + stride; m < first + minutes; m += stride) {
    const p = minuteOpenTicks(spec, m);
    if (p > high) high = p;
    if (p < low) low = p;
  }
  const wick = Math.max(1, Math.round(high * 0.0004 * hash01(spec.index, first, 2)));
  return { open, high: high + wick, low: Math.max(1, low - wick), close };
}

/** The traded price at `time`, in ticks: between the minute's open and close. */
export function tradeTicks(spec: SymbolSpec, time: number): number {
  const minute = Math.floor(time / MINUTE_MS);
  const open = minuteOpenTicks(spec, minute);
  const close = minuteOpenTicks(spec, minute + 1);
  const frac = (time - minute * MINUTE_MS) / MINUTE_MS;
  return Math.max(1, Math.round(open + (close - open) * frac));
}
