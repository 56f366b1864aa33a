/**
 * The zip a completed bulk download's link points at (`bulk_download.ts` asks for the link): a
 * presigned S3 URL of Binance's download bucket, fetched with the answer checked to be a zip.
 *
 * Links last 24 h per Binance's docs (one was seen to last 7 days); an expired one answers S3's
 * 403 `AccessDenied` "Request has expired" ({@linkcode ArchiveLinkExpiredError}).
 *
 * The link is a secret (whoever has it can read the history): it never appears in errors.
 *
 * @module
 */

import {
  BinanceConfigError,
  BinanceError,
  BinanceNetworkError,
  BinanceResponseError,
  BinanceTimeoutError,
} from "./errors.ts";

/**
 * The host Binance's download links point at: the one link observed was a presigned S3 URL of
 * this bucket, virtual-hosted style (`https://bin-prod-user-rebate-bucket.s3.amazonaws.com/
 * data-download-task/usdt_margined_futures/….zip?X-Amz-…`, answering "Get Futures Trade Download
 * Link by Id"; Binance's docs name no host). The compiled binary may connect to it and to no
 * other S3 host (`scripts/compile.ts`).
 */
export const DOWNLOAD_HOST = "bin-prod-user-rebate-bucket.s3.amazonaws.com";

/** The link expired (S3's 403 AccessDenied, "Request has expired"): ask for a new download id. */
export class ArchiveLinkExpiredError extends BinanceError {
  constructor() {
    super("the download link has expired; a new download id is needed", false);
    this.name = "ArchiveLinkExpiredError";
  }
}

/** How far a download has got: `bytes` so far, of `totalBytes` when the server said. */
export type DownloadProgress = (bytes: number, totalBytes: number | undefined) => void;

/** How to fetch a zip. */
export interface FetchArchiveOptions {
  /** The fetch to use (tests). Default the global `fetch`. */
  readonly fetchFn?: typeof fetch;
  /** For the whole answer, body included. Default 300 000 ms. */
  readonly timeoutMs?: number;
  /** Told as the body arrives. */
  readonly onProgress?: DownloadProgress;
}

/**
 * The zip a completed link points at. A compiled binary may connect only to the hosts it was
 * built for (`scripts/compile.ts`): a link to another host is refused before anything is sent,
 * naming the host.
 *
 * @throws {ArchiveLinkExpiredError} when the link has expired.
 * @throws {BinanceConfigError} when this program may not connect to the link's host.
 * @throws {BinanceError} for any other failure; the message never holds the link.
 */
export async function fetchArchive(
  url: string,
  options: FetchArchiveOptions = {},
): Promise<Uint8Array> {
  const host = URL.parse(url)?.host ?? "the download host";
  const what = `GET the download from ${host}`;
  const unreachable = unreachableHost(url);
  if (unreachable !== undefined) throw unreachable;
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await (options.fetchFn ?? fetch)(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
    });
    bytes = await readBody(response, options.onProgress);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw notAllowed(host);
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new BinanceTimeoutError(`${what}: no complete answer in time`);
    }
    throw new BinanceNetworkError(`${what}: network error`);
  }
  if (response.ok) {
    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
      throw new BinanceResponseError(`${what}: the answer is not a zip file`, true);
    }
    return bytes;
  }
  const text = new TextDecoder().decode(bytes.subarray(0, 2000));
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (response.status === 403 && code === "AccessDenied" && /expired/i.test(message ?? "")) {
    throw new ArchiveLinkExpiredError();
  }
  throw new BinanceError(
    `${what}: HTTP ${response.status}${code === undefined ? "" : ` ${code}`}` +
      `${message === undefined ? "" : ` (${message})`}`,
    response.status >= 500,
  );
}

/**
 * The error for `url` when this program may not connect to its host (a compiled binary may
 * connect only to the hosts it was built for), else `undefined`.
 */
export function unreachableHost(url: string): BinanceConfigError | undefined {
  const parsed = URL.parse(url);
  if (parsed === null) return notAllowed("the download host");
  const host = parsed.hostname + (parsed.port === "" ? "" : `:${parsed.port}`);
  if (Deno.permissions.querySync({ name: "net", host }).state === "granted") return undefined;
  return notAllowed(parsed.host);
}

/** The error for a link to a host this program may not connect to. */
function notAllowed(host: string): BinanceConfigError {
  return new BinanceConfigError(
    `the download link points at ${host}, which this program may not connect to (the ` +
      "futures-ledger binary and `deno task sync` reach only Binance's hosts and its download " +
      "bucket); run `deno run --allow-read --allow-write --allow-env --allow-net main.ts sync` " +
      "in a copy of futures-ledger's repository to fetch it",
  );
}

/** The body of `response`, telling `onProgress` as it arrives. */
async function readBody(
  response: Response,
  onProgress: DownloadProgress | undefined,
): Promise<Uint8Array> {
  const length = Number(response.headers.get("content-length") ?? NaN);
  const total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
  if (response.body === null) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of response.body) {
    parts.push(part);
    size += part.length;
    onProgress?.(size, total);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
