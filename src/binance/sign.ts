/**
 * Signing Binance's SIGNED requests with Web Crypto: HMAC-SHA256 with the secret key, or an
 * asymmetric key (Ed25519, or RSA) from a PKCS#8 PEM file.
 *
 * Rules (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
 * "SIGNED (TRADE and USER_DATA) Endpoint Security"): the signature covers the exact query string
 * as sent and is appended last as `signature`; HMAC is lower-case hex; RSA and Ed25519 signatures
 * are base64, then URL-encoded.
 *
 * A signer keeps its key as a non-extractable `CryptoKey`: no secret text is kept, printed or
 * put in an error message.
 *
 * @module
 */

/** Signs the query string of a request. */
export interface Signer {
  /** The key type: `hmac` (API secret), `ed25519` or `rsa` (private key file). */
  readonly kind: "hmac" | "ed25519" | "rsa";
  /** Returns the value of the `signature` parameter, already URL-encoded, for `payload`. */
  sign(payload: string): Promise<string>;
}

/** The key material could not be used to sign (its text is never part of the message). */
export class SignerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignerError";
  }
}

const encoder = new TextEncoder();

/** A signer for HMAC-SHA256 with the API secret key (`BINANCE_SECRET_KEY`). */
export async function hmacSigner(secretKey: string): Promise<Signer> {
  if (secretKey.trim() === "") throw new SignerError("the Binance secret key is empty");
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secretKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return {
    kind: "hmac",
    async sign(payload: string): Promise<string> {
      const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
      return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
    },
  };
}

/**
 * A signer for a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`): Ed25519, which Binance
 * recommends, or RSA (RSASSA-PKCS1-v1_5 with SHA-256).
 *
 * @throws {SignerError} when the text is not an unencrypted PKCS#8 Ed25519 or RSA key.
 */
export async function privateKeySigner(pem: string): Promise<Signer> {
  const der = pemToDer(pem);
  const ed25519 = await importOrUndefined(der, { name: "Ed25519" });
  if (ed25519 !== undefined) return asymmetric("ed25519", ed25519, "Ed25519");
  const rsa = await importOrUndefined(der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
  if (rsa !== undefined) return asymmetric("rsa", rsa, "RSASSA-PKCS1-v1_5");
  throw new SignerError("the private key is neither an Ed25519 nor an RSA PKCS#8 key");
}

/**
 * Reads a PKCS#8 PEM private key file (`BINANCE_PRIVATE_KEY_FILE`) and returns its signer.
 *
 * @throws {SignerError} when the file cannot be read or holds no usable key.
 */
export async function readPrivateKeySigner(path: string): Promise<Signer> {
  let pem: string;
  try {
    pem = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.name : "unreadable";
    throw new SignerError(`cannot read the private key file ${path} (${reason})`);
  }
  try {
    return await privateKeySigner(pem);
  } catch (error) {
    if (error instanceof SignerError) throw new SignerError(`${path}: ${error.message}`);
    throw error;
  }
}

function asymmetric(kind: "ed25519" | "rsa", key: CryptoKey, algorithm: string): Signer {
  return {
    kind,
    async sign(payload: string): Promise<string> {
      const signature = await crypto.subtle.sign(algorithm, key, encoder.encode(payload));
      return encodeURIComponent(toBase64(new Uint8Array(signature)));
    },
  };
}

async function importOrUndefined(
  der: Uint8Array<ArrayBuffer>,
  algorithm: AlgorithmIdentifier | RsaHashedImportParams,
): Promise<CryptoKey | undefined> {
  try {
    return await crypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
  } catch {
    return undefined;
  }
}

function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  if (pem.includes("ENCRYPTED PRIVATE KEY")) {
    throw new SignerError(
      "the private key is encrypted; export it unencrypted " +
        "(openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem)",
    );
  }
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  if (match === null) {
    throw new SignerError(
      "expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert other formats with " +
        "openssl pkcs8 -topk8 -nocrypt",
    );
  }
  try {
    const [, body = ""] = match; // (the group is not optional: it matched, maybe empty)
    return Uint8Array.from(atob(body.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new SignerError("the PEM key's base64 body is malformed");
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
