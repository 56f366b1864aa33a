/**
 * Signing requests for the fake exchange in tests: HMAC-SHA256 hex over the query string, as a
 * Binance client does. https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 *
 * @module
 */

const encoder = new TextEncoder();

/** `query&signature=<hex HMAC-SHA256 of query under secret>`. */
export async function signQuery(secret: string, query: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(query)));
  return `${query}&signature=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** GETs a SIGNED endpoint with a fresh `timestamp` (from `now`) and the API key header. */
export async function signedGet(
  exchange: { url: string; apiKey: string; secret: string; now(): number },
  path: string,
  query = "",
): Promise<Response> {
  const q = `${query}${query === "" ? "" : "&"}timestamp=${exchange.now()}`;
  return await fetch(`${exchange.url}${path}?${await signQuery(exchange.secret, q)}`, {
    headers: { "X-MBX-APIKEY": exchange.apiKey },
  });
}
