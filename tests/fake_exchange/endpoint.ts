/**
 * What an endpoint of the fake exchange is: whether it is SIGNED, its request weight, and a
 * handler that turns a validated request into a JSON body (or throws a `BinanceError`).
 *
 * @module
 */

import type { Market } from "../../src/fill.ts";
import type { GeneratedAccount } from "./account.ts";
import type { DownloadDesk } from "./download_desk.ts";
import type { Params } from "./params.ts";

/** Everything a handler may read. */
export interface EndpointContext {
  /** `usdm` (`/fapi`) or `coinm` (`/dapi`). */
  readonly market: Market;
  /** The account of that market. */
  readonly account: GeneratedAccount;
  /** The query parameters. */
  readonly params: Params;
  /** Server time, ms. */
  readonly now: number;
  /** Request weight allowed per minute (shown in `exchangeInfo`). */
  readonly weightLimit: number;
  /** Months of `userTrades` (and USD-M `income`) history served. */
  readonly tradeRetentionMonths: number;
  /** The bulk download service (download ids, links, the zips). */
  readonly downloads: DownloadDesk;
  /** The origin the request came to (`http://127.0.0.1:PORT`), for links back to the fake. */
  readonly origin: string;
}

/** One route. */
export interface Endpoint {
  /** SIGNED (USER_DATA): needs the API key, a signature and a fresh timestamp. */
  readonly signed: boolean;
  /** Request weight, which may depend on the parameters. */
  weight(params: Params): number;
  /** The JSON body. @throws {BinanceError} for invalid requests. */
  handle(ctx: EndpointContext): string | Promise<string>;
}
