/**
 * Reading a reply from Binance: its body as JSON and the weight it says was used.
 *
 * @module
 */

import { BinanceResponseError } from "./errors.ts";
import { parseJsonLossless } from "./lossless_json.ts";

/** `X-MBX-USED-WEIGHT-1M`: the weight this IP used in the current minute, if the reply says. */
export function parseUsedWeight(headers: Headers): number | undefined {
  const value = headers.get("x-mbx-used-weight-1m");
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/**
 * A successful reply's JSON, ids above 2^53 kept exact (`lossless_json.ts`). A body that is not
 * JSON was cut or garbled on the way: a retryable {@linkcode BinanceResponseError}.
 */
export function parseBody(label: string, text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    // Cut or garbled on the way (a dropped connection, a proxy): retrying a GET is safe.
    const start = text.replace(/\s+/g, " ").trim().slice(0, 120);
    throw new BinanceResponseError(
      `${label}: the reply is not JSON: ${JSON.stringify(start)}`,
      true,
    );
  }
}
