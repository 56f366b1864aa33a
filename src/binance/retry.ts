/**
 * Retrying a failed request to Binance: a retryable {@linkcode BinanceError} is tried again, any
 * other failure is not; the wait is the reply's `Retry-After` when it had one.
 *
 * Retries use exponential backoff with full jitter: a uniform delay in [0, min(cap, base × 2^n)]
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import pRetry, { AbortError } from "p-retry";
import { BinanceApiError, BinanceError } from "./errors.ts";

const logger = getLogger(["futures-ledger", "binance"]);

/** A failed request about to be sent again, as reported to `onRetry` (no secrets in it). */
export interface RetryEvent {
  /** The endpoint's path. */
  readonly path: string;
  /** The attempt that comes next: 2 for the first retry, … */
  readonly attempt: number;
  /** Attempts in all (`MAX_RETRIES` + 1). */
  readonly attempts: number;
  /** The backoff before it, in milliseconds. */
  readonly delayMs: number;
  /** Why the last attempt failed. */
  readonly reason: string;
}

/** How retries wait, and who is told of them. */
export interface RetryOptions {
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Told of each retry, before its backoff. */
  readonly onRetry: ((retry: RetryEvent) => void) | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  readonly random: () => number;
}

/**
 * Runs `run` (given the attempt, 1 for the first) until it succeeds, fails with an error that is
 * not a retryable {@linkcode BinanceError}, or has failed `retries` + 1 times; a retryable error
 * that is given up on says after how many attempts. `path` names the endpoint in logs and events.
 */
export async function withRetries<T>(
  path: string,
  retries: number,
  options: RetryOptions,
  run: (attempt: number) => Promise<T>,
): Promise<T> {
  try {
    return await pRetry(async (attempt) => {
      try {
        return await run(attempt);
      } catch (error) {
        if (error instanceof BinanceError && error.retryable) throw error;
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      }
    }, {
      retries,
      minTimeout: 0, // The delay is ours (full jitter, Retry-After), slept in onFailedAttempt.
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const delayMs = retryDelay(options, error, attemptNumber);
        logger.warn("{path} failed, retrying in {delayMs} ms: {reason}", {
          path,
          delayMs,
          reason: error.message,
        });
        options.onRetry?.({
          path,
          attempt: attemptNumber + 1,
          attempts: retries + 1,
          delayMs,
          reason: error.message,
        });
        await options.sleep(delayMs);
      },
    });
  } catch (error) {
    if (error instanceof BinanceError && error.retryable) {
      if (retries > 0) error.message += ` (gave up after ${retries + 1} attempts)`;
    }
    throw error;
  }
}

/** The wait before the retry after attempt `attemptNumber`: `Retry-After`, else full jitter. */
function retryDelay(options: RetryOptions, error: Error, attemptNumber: number): number {
  if (error instanceof BinanceApiError && error.retryAfterMs !== undefined) {
    return error.retryAfterMs;
  }
  const cap = Math.min(
    options.retryMaxDelayMs,
    options.retryBaseDelayMs * 2 ** (attemptNumber - 1),
  );
  return Math.round(options.random() * cap);
}
