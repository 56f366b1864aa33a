/**
 * Fault injection: the failures a real client meets — 5xx answers, 429 storms, connections reset
 * mid-response, answers slower than the client's timeout, truncated JSON, and -1021 from clock
 * skew — either queued by a test (`failNext`) or drawn at a seeded random rate.
 *
 * @module
 */

import { Prng } from "./prng.ts";

/**
 * A kind of injected failure (`skew`: -1021 on a SIGNED endpoint; others pass through; `408`: the
 * request is carried out, then answered 408 with -1007, "Send status unknown; execution status
 * unknown", as Binance answers when its backend times out:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info).
 */
export type FaultKind = "5xx" | "429" | "reset" | "slow" | "truncated" | "skew" | "408";

/** Kinds drawn at random by the fault rate (`slow` and `408` only when queued). */
const RANDOM_KINDS: readonly FaultKind[] = ["5xx", "429", "reset", "truncated", "skew"];

/** The faults still to inject. */
export class FaultPlan {
  readonly #queue: FaultKind[] = [];
  readonly #rng: Prng;
  #rate: number;

  /** A plan failing each request with probability `rate`, drawn from `seed`. */
  constructor(rate: number, seed: number) {
    this.#rate = rate;
    this.#rng = new Prng(seed, 404);
  }

  /** Fails the next `count` requests with `kind` (after those already queued). */
  failNext(kind: FaultKind, count: number): void {
    for (let i = 0; i < count; i++) this.#queue.push(kind);
  }

  /** Sets the probability that any request fails at random. */
  setRate(rate: number): void {
    this.#rate = rate;
  }

  /** The fault for the next request, if any. */
  next(): FaultKind | undefined {
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    return this.#rate > 0 && this.#rng.chance(this.#rate)
      ? this.#rng.pick(RANDOM_KINDS)
      : undefined;
  }
}
