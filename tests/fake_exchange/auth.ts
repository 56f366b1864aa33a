/**
 * SIGNED endpoint security, as Binance checks it: the `X-MBX-APIKEY` header names a known key,
 * `signature` is HMAC-SHA256 (hex) of the exact query string without it — or, for an Ed25519
 * key, the base64 Ed25519 signature of those bytes, URL-encoded — and `timestamp` is within
 * `recvWindow` (default 5000, at most 60000) of the server clock:
 * accepted when `timestamp < serverTime + 1000` and `serverTime − timestamp ≤ recvWindow`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/endpoint-security-type
 *
 * @module
 */

import { BinanceError, illegal, mandatory } from "./errors.ts";
import type { Params } from "./params.ts";

const encoder = new TextEncoder();

/** The one account key the fake exchange knows. */
export interface KeyConfig {
  /** API key expected in `X-MBX-APIKEY`. */
  readonly apiKey: string;
  /** HMAC secret (used unless an Ed25519 public key is configured). */
  readonly secret: string;
  /** Ed25519 public key: PEM, base64 SPKI DER, or the raw 32 bytes in base64 / base64url. */
  readonly ed25519PublicKey?: string;
}

/** Verifies signatures for one key. */
export class Authenticator {
  readonly #config: KeyConfig;
  readonly #key: Promise<CryptoKey>;

  /** Imports the key once. */
  constructor(config: KeyConfig) {
    this.#config = config;
    this.#key = config.ed25519PublicKey === undefined
      ? crypto.subtle.importKey(
        "raw",
        encoder.encode(config.secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      )
      : importEd25519(config.ed25519PublicKey);
  }

  /**
   * Checks a SIGNED request; `rawQuery` is the query string exactly as sent.
   *
   * @throws {BinanceError} -2014/-2015 (HTTP 401) for the key, -1102 for missing parameters,
   * -1131 for a recvWindow above 60000, -1022 for a bad signature, -1021 for a stale timestamp.
   */
  async verify(
    apiKey: string | null,
    rawQuery: string,
    params: Params,
    serverTime: number,
  ): Promise<void> {
    if (apiKey === null || apiKey === "") {
      throw new BinanceError(401, -2014, "API-key format invalid.");
    }
    if (apiKey !== this.#config.apiKey) {
      throw new BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    const timestamp = params.long("timestamp");
    if (timestamp === undefined) throw mandatory("timestamp");
    const recvWindow = params.long("recvWindow") ?? 5000;
    if (recvWindow > 60_000) {
      throw new BinanceError(400, -1131, "recvWindow must be less than 60000");
    }
    const parts = rawQuery.split("&");
    const signatureAt = parts.findIndex((p) => p.startsWith("signature="));
    const signed = parts[signatureAt]; // undefined when there is none (-1)
    if (signed === undefined || signed === "signature=") throw mandatory("signature");
    const signature = signed.slice("signature=".length);
    const payload = encoder.encode(parts.filter((_, i) => i !== signatureAt).join("&"));
    if (!(await this.#valid(signature, payload))) {
      throw new BinanceError(400, -1022, "Signature for this request is not valid.");
    }
    if (timestamp >= serverTime + 1000) {
      throw new BinanceError(
        400,
        -1021,
        "Timestamp for this request was 1000ms ahead of the server's time.",
      );
    }
    if (serverTime - timestamp > recvWindow) {
      throw new BinanceError(
        400,
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
      );
    }
  }

  async #valid(signature: string, payload: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const key = await this.#key;
    if (this.#config.ed25519PublicKey === undefined) {
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, payload));
      const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
      return signature.toLowerCase() === hex; // HMAC signatures are case-insensitive
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(decodeURIComponent(signature));
    } catch {
      throw illegal("signature", "base64");
    }
    return await crypto.subtle.verify("Ed25519", key, bytes, payload);
  }
}

function importEd25519(text: string): Promise<CryptoKey> {
  const body = text.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  const bytes = fromBase64(body.replaceAll("-", "+").replaceAll("_", "/"));
  return crypto.subtle.importKey(bytes.length === 32 ? "raw" : "spki", bytes, "Ed25519", false, [
    "verify",
  ]);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
