/**
 * Closing a position held into its contract's delivery. A quarterly contract (`ETHUSDT_250103`,
 * `BTCUSD_250328`) is delivered at 08:00 UTC of its delivery date, and a delisted perpetual is
 * settled at its delisting time: the positions still open are settled at the settlement price
 * with no fill, and their P&L is booked as a DELIVERED_SETTELMENT income record (Binance's
 * spelling; its Chinese page calls it 下架结算, "delisting settlement") with the symbol, `income`
 * in the margin asset (USDT; COIN-M: the coin), and the delivery time.
 * Sources: https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Get-Income-History,
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/Get-Income-History,
 * https://www.binance.com/en/support/faq/a3401595e1734084959c61491bc0dbe3 (delivery at 08:00 UTC),
 * https://www.binance.com/en/support/articles/dd60dfbf654d4055aa6b217ea6d5ddba (a delisted
 * contract's positions are settled, their unrealized P&L realized).
 *
 * Rules, for the DELIVERED_SETTELMENT records of `(market, symbol)` at time `T`:
 * - **When:** as funding (`funding.ts`): after every fill with time `< T`, before every fill with
 *   time `≥ T`; after the symbol's FUNDING_FEE records of the very millisecond.
 * - **Exactly one position of the symbol open at `T`** (one-way, or one hedge side), in the
 *   records' asset: it is closed at `T` by them. Its whole open quantity is added to `exit_qty`,
 *   the records' sum to its realized P&L (net P&L follows), `close_time` is `T`, `close_trade_id`
 *   stays empty (no fill closed it) and `note` says so. `exit_vwap` is left empty: Binance
 *   documents neither the settlement price in the record nor whether its settlement fee is taken
 *   out of the P&L, so no exit price can be derived exactly from it.
 * - **Otherwise** (nothing open in the data, e.g. a history that starts after the position
 *   opened; hedge LONG and SHORT both open, as Binance does not document whether a record is per
 *   side; another asset): the records are not attached, and the positions open stay open. The
 *   export counts such records as their own rows (`src/export/entries.ts`), so their P&L is
 *   neither lost nor counted twice.
 * - **After a settlement every book of the symbol is flat**, whatever was attached: the contract
 *   is gone. What a book held before the data is inferred from its fills before the symbol's
 *   first settlement only, and Binance's position (read after the delivery, where the contract no
 *   longer is) is not used as an anchor for the symbol (`symbol_books.ts`).
 *
 * @module
 */

import { Decimal } from "../decimal.ts";
import { type IncomeRecord, SETTLEMENT } from "../income.ts";
import { formatTime } from "../time.ts";
import type { BookEngine } from "./book_engine.ts";

/**
 * Settles a symbol's books (`engines`, one per position side) with its settlement `records` of
 * one time: the one position open then closes, if the records are in its margin asset; else the
 * records stay unattached and nothing changes.
 */
export function settleBooks(
  engines: readonly (BookEngine | undefined)[],
  records: readonly IncomeRecord[],
): void {
  const open = engines.flatMap((engine) => {
    const position = engine?.openPosition();
    return engine === undefined || position === undefined ? [] : [{ engine, position }];
  });
  const [only] = open;
  if (open.length !== 1 || only === undefined) return;
  if (!records.every((r) => r.asset === only.position.marginAsset)) return;
  const pnl = records.reduce((sum, r) => sum.plus(Decimal.parse(r.income)), Decimal.ZERO);
  only.engine.settle(records[0]?.time ?? 0, pnl, settlementNote(records));
}

/** The `note` of a position that `records` (at one time) closed. */
function settlementNote(records: readonly IncomeRecord[]): string {
  const time = records[0]?.time ?? 0;
  const ids = records.map((r) => r.tranId).join(", ");
  return `closed by delivery settlement at ${formatTime(time)} (${SETTLEMENT} tranId ${ids}), ` +
    "no closing fill: exit_vwap left empty";
}
