/**
 * What a sync reports while it runs, for the live line and the log (`src/cli/progress.ts`): which
 * phase it is in, how far it has got, and why it is waiting. The sync's stages emit these events
 * and the command line renders them; neither imports the other through this module.
 *
 * Phases, in a sync's order: the income history (read by time, so the date reached is known),
 * the fills of each planned symbol, the prices of fees paid in another asset, and Binance's bulk
 * history downloads (the asynchronous export, the only route past 3 months: requested, then
 * pending for minutes or hours, ready, downloading). Waits come from the client: the weight
 * governor holding a request for the next minute, or a retry's backoff after an error.
 *
 * @module
 */

/** The stages of a sync that a user can see. */
export type Phase = "income" | "fills" | "prices" | "bulk";

/** Which of Binance's bulk histories a download is. */
export type BulkHistory = "trades" | "income" | "orders";

/** Something a sync did or is waiting for; `kind` tells which. */
export type SyncEvent =
  // ── Phase starts ──
  /** Reading the income history from `from` to `to` (ms) begins. */
  | { readonly kind: "income-start"; readonly from: number; readonly to: number }
  /** Fetching fills begins: `symbols` to query, in this order. */
  | { readonly kind: "fills-start"; readonly symbols: readonly string[] }
  /** Fetching fee prices begins: `minutes` 1-minute prices of `symbols` (e.g. BNBUSDT). */
  | { readonly kind: "prices-start"; readonly minutes: number; readonly symbols: readonly string[] }
  /** A bulk history of `from`–`to` was requested; Binance's average preparation time, if said. */
  | {
    readonly kind: "bulk-requested";
    readonly history: BulkHistory;
    readonly from: number;
    readonly to: number;
    readonly expectedMs: number | undefined;
  }
  // ── Progress within a phase ──
  /** A page of income history: read up to `reached` (ms), `records` kept so far. */
  | { readonly kind: "income-page"; readonly reached: number; readonly records: number }
  /** The `index`-th (0-based) of the planned symbols (or a COIN-M pair) starts. */
  | { readonly kind: "symbol"; readonly index: number; readonly symbol: string }
  /** A page of `symbol`'s fills arrived with `fills` fills. */
  | { readonly kind: "page"; readonly symbol: string; readonly fills: number }
  /** `minutes` more fee prices fetched. */
  | { readonly kind: "prices-page"; readonly minutes: number }
  /** A bulk history is still being prepared by Binance (asked again after `waitedMs`). */
  | { readonly kind: "bulk-pending"; readonly history: BulkHistory; readonly waitedMs: number }
  /** A bulk history is ready to download. */
  | { readonly kind: "bulk-ready"; readonly history: BulkHistory }
  /** A bulk history is downloading: `bytes` so far of `totalBytes` (when the server says). */
  | {
    readonly kind: "bulk-downloading";
    readonly history: BulkHistory;
    readonly bytes: number;
    readonly totalBytes: number | undefined;
  }
  // ── Waits ──
  /**
   * Requests are held for `ms`: `budget`, the minute's weight budget is spent (`used` of
   * `budget`); `429`, Binance asked to slow down.
   */
  | {
    readonly kind: "wait";
    readonly cause: "budget" | "429";
    readonly ms: number;
    readonly used: number;
    readonly budget: number;
  }
  /** A request failed and is sent again after `ms`: attempt `attempt` of `attempts`. */
  | {
    readonly kind: "retry";
    readonly ms: number;
    readonly attempt: number;
    readonly attempts: number;
    readonly path: string;
    readonly reason: string;
  }
  // ── Requests (for the weight shown) ──
  /** A response came; `usedWeight` is Binance's count of the IP's weight this minute. */
  | { readonly kind: "request"; readonly usedWeight: number | undefined };

/** Where the sync sends its events. */
export type SyncEventHandler = (event: SyncEvent) => void;
