/**
 * The part of `state.json` that is not derived from the data files: each market's Binance bulk
 * downloads (the asynchronous history export, the only route past the 3 months the API serves)
 * and where the API's own rows begin. Every field is checked when read: a record that cannot be
 * trusted would lose a download id (spent quota) or request a range twice.
 *
 * ```json
 * "api_from_ms": 1767225600000,
 * "downloads": [
 *   { "kind": "trade", "from_ms": 1735689600000, "to_ms": 1767225599999, "status": "pending",
 *     "download_id": "546975389218332672", "requested_ms": 1775000000000, "expected_ms": 7241837 },
 *   { "kind": "income", "from_ms": 1735689600000, "to_ms": 1767225599999, "status": "merged",
 *     "download_id": "546975389218340591", "requested_ms": 1775000000000 } ]
 * ```
 *
 * Statuses: `wanted` (to be requested, quota allowing; `refused_ms` when the quota was last found
 * spent), `requesting` (written just before the request is sent: a run killed before the answer
 * is recorded leaves it, and the next run knows the request may have spent quota), `pending` (a
 * download id, not yet merged), `merged` (its rows are in the data files: the range is covered),
 * `failed` (downloaded but not mergeable as it is: `file` is kept, `problem` says why).
 *
 * @module
 */

/** Trade history (fills) or transaction history (income), as Binance's paths name them. */
export type DownloadKind = "trade" | "income";

/** Where a download is (see the module doc). */
export type DownloadStatus = "wanted" | "requesting" | "pending" | "merged" | "failed";

/** One bulk download of a market's history: a kind and an inclusive range. */
export interface DownloadRecord {
  /** `trade` or `income`. */
  readonly kind: DownloadKind;
  /** First ms of the range. */
  readonly from_ms: number;
  /** Last ms of the range (inclusive). */
  readonly to_ms: number;
  /** Where it is. */
  readonly status: DownloadStatus;
  /** Binance's download id, once known (digits). */
  readonly download_id?: string;
  /** When it was requested (Binance's clock), ms. */
  readonly requested_ms?: number;
  /** Binance's average preparation time when it was requested (`avgCostTimestampOfLast30d`). */
  readonly expected_ms?: number;
  /** When Binance last refused it for the month's quota, ms. */
  readonly refused_ms?: number;
  /** The downloaded zip's name in the downloads directory (kept while it is not merged). */
  readonly file?: string;
  /** Why it could not be merged. */
  readonly problem?: string;
}

/** A market's downloads and where the API's rows begin. */
export interface DownloadHistory {
  /** The API's fills and income are complete from this time on, ms (absent: not recorded). */
  readonly api_from_ms?: number;
  /** The downloads, oldest request first. */
  readonly downloads?: readonly DownloadRecord[];
}

const KINDS: readonly string[] = ["trade", "income"];
const STATUSES: readonly string[] = ["wanted", "requesting", "pending", "merged", "failed"];
const TIMES = ["requested_ms", "expected_ms", "refused_ms"] as const;
/** A kept zip's name, in the downloads directory (never a path: the sync deletes it later). */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.zip$/;

/**
 * The problem with a market's `api_from_ms` and `downloads` (`where` names the market's place,
 * e.g. `markets.usdm`), or `undefined` when both are absent or well formed.
 *
 * @example
 * ```ts
 * import { downloadHistoryProblem } from "./download_records.ts";
 * const ok = { kind: "trade", from_ms: 0, to_ms: 9, status: "wanted" };
 * if (downloadHistoryProblem({ downloads: [ok] }, "m") !== undefined) throw new Error();
 * if (downloadHistoryProblem({ downloads: [{ ...ok, to_ms: -1 }] }, "m") === undefined) {
 *   throw new Error();
 * }
 * ```
 */
export function downloadHistoryProblem(market: unknown, where: string): string | undefined {
  const m = market as Record<string, unknown>;
  if (m.api_from_ms !== undefined && !isTime(m.api_from_ms)) {
    return `${where}.api_from_ms: expected a time in ms, found ${JSON.stringify(m.api_from_ms)}`;
  }
  if (m.downloads === undefined) return undefined;
  if (!Array.isArray(m.downloads)) return `${where}.downloads: expected a list`;
  for (const [i, value] of m.downloads.entries()) {
    const at = `${where}.downloads[${i}]`;
    if (typeof value !== "object" || value === null) return `${at}: expected an object`;
    const r = value as Record<string, unknown>;
    if (!KINDS.includes(r.kind as string)) {
      return `${at}.kind: expected "trade" or "income", found ${JSON.stringify(r.kind)}`;
    }
    if (!STATUSES.includes(r.status as string)) {
      return `${at}.status: expected one of ${STATUSES.join(", ")}, found ${
        JSON.stringify(r.status)
      }`;
    }
    for (const name of ["from_ms", "to_ms"]) {
      if (!isTime(r[name])) return `${at}.${name}: expected a time in ms`;
    }
    if ((r.from_ms as number) > (r.to_ms as number)) return `${at}: from_ms is after to_ms`;
    for (const name of TIMES) {
      if (r[name] !== undefined && !isTime(r[name])) return `${at}.${name}: expected ms`;
    }
    if (
      r.download_id !== undefined &&
      (typeof r.download_id !== "string" || !/^\d+$/.test(r.download_id))
    ) {
      return `${at}.download_id: expected a string of digits`;
    }
    const needsId = r.status === "pending" || r.status === "failed";
    if (needsId && r.download_id === undefined) return `${at}: a ${r.status} download needs its id`;
    if (r.file !== undefined && (typeof r.file !== "string" || !FILE_NAME.test(r.file))) {
      return `${at}.file: expected the name of a .zip file (no directory)`;
    }
    if (r.problem !== undefined && typeof r.problem !== "string") {
      return `${at}.problem: expected text`;
    }
    if (r.status === "failed" && (r.file === undefined || r.problem === undefined)) {
      return `${at}: a failed download needs its file and problem`;
    }
  }
  return undefined;
}

function isTime(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
