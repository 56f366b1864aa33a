/**
 * A small hand-worked account for the export's golden files: a positions file and an income
 * file written by hand (not by the ledger), so the expected rows follow from them alone.
 *
 * Positions (USDT unless said; "fee" = commission in the margin asset):
 *   1 BTCUSDT long, one-way, closed 2025-01-02 10:00:00.500 by trade 102: realized +10, fee 0.1,
 *     and 0.0002 BNB
 *   2 BTCUSDT short (the flip at trade 102), closed 2025-01-03 12:30:45 by 103: realized −20.4,
 *     fee 0.2
 *   3 ETHUSDT long, hedge LONG, closed 2025-01-05 00:00 by 202: realized +5.5, fee −0.01 (a
 *     maker rebate)
 *   4 ETHUSDT short, hedge SHORT, PARTIAL (2 held before the data), closed 2025-01-04 16:00 by
 *     301: realized +3, fee 0.05
 *   5 BTCUSD_PERP long, COIN-M, closed 2025-01-06 09:15 by 402: realized +0.00018182 BTC, fee
 *     0.00001 BTC
 *   6 SOLUSDT long, OPEN: fee 0.02 — never exported
 *   7 XRPUSDT long, closed 2024-12-31 23:59:59.999: realized +1, fee 0.01 — before 2025-01-01
 *   8 DOGEUSDT long, closed 2025-01-07 00:00:00.000: realized +2, fee 0.02 — after 2025-01-06
 *   9 LTCUSDT long, closed 2025-01-02 by 502: realized 0, fee 0 — nothing to export
 *  10 ETHUSDT_250103 long (a quarterly), held into its delivery on 2025-01-03 08:00: closed by
 *     the DELIVERED_SETTELMENT record 9204 (no close trade id): realized −2.4, fee 0.03
 * Funding (FUNDING_FEE records): 9000 +0.3 on 2024-12-31 (before); 9001 −0.5 BTCUSDT 01-01 08:00;
 *   9002 +0.25 ETHUSDT 01-02 16:00; 9003 −0.125 ADAUSDT 01-03 (no position took it: unattached);
 *   9004 −0.000001 BTC BTCUSD_PERP 01-05 08:00 (COIN-M); 9005 −1 on 01-07 (after); 9006 0 (zero).
 *   A COMMISSION record with tranId 9001 is not funding and gives nothing.
 * Other income: 9201 WELCOME_BONUS +5 (account-wide, no symbol) 01-02 12:00 (a reward);
 *   9202 INSURANCE_CLEAR −1.25 BTCUSDT 01-03 08:00 (liquidation clearance fee); 9204
 *   DELIVERED_SETTELMENT −2.4 ETHUSDT_250103 01-03 08:00 (position 10's P&L at delivery: carried
 *   by position 10, no row of its own); 9208 DELIVERED_SETTELMENT +0.7 BNBUSDT_250103 01-03 08:00
 *   (a position from before the data: no position took it, so it is a row of its own); 9203
 *   COMMISSION_REBATE +0.3 ETHUSDT 01-04 (a rebate); 9205 TRANSFER +100 01-02 and 9206
 *   REALIZED_PNL −20.4 BTCUSDT 01-03 12:30:45 (position 2's, carried by it) give nothing;
 *   9207 STRATEGY_BONUS +1.5 01-05 (a type the export does not know) is left out with a warning.
 *
 * From 2025-01-01 to 2025-01-06, the rows and their totals:
 *   USDT realized    10 − 20.4 + 5.5 + 3 − 2.4      = −4.3
 *        fees        −0.1 − 0.2 + 0.01 − 0.05 − 0.03 = −0.37
 *        funding     −0.5 + 0.25 − 0.125            = −0.375
 *        settlement  0.7                            = 0.7
 *        other fees  −1.25 + 0.3                    = −0.95
 *        rewards     5                              = 5
 *        total                                      = −0.295
 *   BNB  −0.0002
 *   BTC  0.00018182 − 0.00001 − 0.000001            = 0.00017082
 *   21 rows: positions 1 (3 rows), 2, 3, 4, 5, 10 (2 each), funding 9001–9004 (4), settlement
 *   9208, fees 9202 and 9203, reward 9201.
 *
 * @module
 */

/**
 * The positions file (columns as futures-ledger writes them; quantities and prices, which the
 * export does not read, are placeholders).
 */
export const EXPORT_POSITIONS_CSV =
  `status,symbol,direction,open_time,close_time,entry_qty,entry_vwap,realizedPnl,commission,net_pnl_after_fees,fills,exit_qty,exit_vwap,max_qty,position_side,open_trade_id,close_trade_id,open_qty,prior_qty,market,margin_asset,commission_other,note,commission_converted,funding,net_pnl
CLOSED,XRPUSDT,LONG,2024-12-31T20:00:00.000Z,2024-12-31T23:59:59.999Z,1,100,1,0.01,0.99,2,1,110,1,BOTH,601,602,0,0,usdm,USDT,,,,,
CLOSED,BTCUSDT,LONG,2025-01-01T00:00:00.000Z,2025-01-02T10:00:00.500Z,1,100,10,0.1,9.9,2,1,110,1,BOTH,101,102,0,0,usdm,USDT,0.0002 BNB,,,,
PARTIAL,ETHUSDT,SHORT,2025-01-01T08:00:00.000Z,2025-01-04T16:00:00.000Z,1,100,3,0.05,2.95,2,1,110,1,SHORT,300,301,0,2,usdm,USDT,,opened before the first fill in the data; 2 inferred as held then,,,
CLOSED,LTCUSDT,LONG,2025-01-02T00:00:00.000Z,2025-01-02T01:00:00.000Z,1,100,0,0,0,2,1,110,1,BOTH,501,502,0,0,usdm,USDT,,,,,
CLOSED,BTCUSDT,SHORT,2025-01-02T10:00:00.500Z,2025-01-03T12:30:45.000Z,1,100,-20.4,0.2,-20.6,2,1,110,1,BOTH,102,103,0,0,usdm,USDT,,,,,
CLOSED,ETHUSDT,LONG,2025-01-03T00:00:00.000Z,2025-01-05T00:00:00.000Z,1,100,5.5,-0.01,5.51,2,1,110,1,LONG,201,202,0,0,usdm,USDT,,,,,
CLOSED,BTCUSD_PERP,LONG,2025-01-05T00:00:00.000Z,2025-01-06T09:15:00.000Z,1,100,0.00018182,0.00001,0.00017182,2,1,110,1,BOTH,401,402,0,0,coinm,BTC,,,,,
OPEN,SOLUSDT,LONG,2025-01-06T00:00:00.000Z,,1,100,0,0.02,-0.02,2,0,,1,BOTH,701,,1,0,usdm,USDT,,,,,
CLOSED,DOGEUSDT,LONG,2025-01-06T12:00:00.000Z,2025-01-07T00:00:00.000Z,1,100,2,0.02,1.98,2,1,110,1,BOTH,801,802,0,0,usdm,USDT,,,,,
CLOSED,ETHUSDT_250103,LONG,2025-01-02T00:00:00.000Z,2025-01-03T08:00:00.000Z,1,100,-2.4,0.03,-2.43,1,1,,1,BOTH,901,,0,0,usdm,USDT,,"closed by delivery settlement at 2025-01-03T08:00:00.000Z (DELIVERED_SETTELMENT tranId 9204), no closing fill: exit_vwap left empty",,,
`;

/** The income file. */
export const EXPORT_INCOME_CSV = `time,symbol,incomeType,income,asset,info,tranId,tradeId,market
2024-12-31T16:00:00.000Z,BTCUSDT,FUNDING_FEE,0.3,USDT,FUNDING_FEE,9000,,usdm
2025-01-01T08:00:00.000Z,BTCUSDT,FUNDING_FEE,-0.5,USDT,FUNDING_FEE,9001,,usdm
2025-01-01T08:00:00.000Z,BTCUSDT,COMMISSION,-0.1,USDT,COMMISSION,9001,102,usdm
2025-01-02T00:00:00.000Z,,TRANSFER,100,USDT,TRANSFER,9205,,usdm
2025-01-02T12:00:00.000Z,,WELCOME_BONUS,5,USDT,WELCOME_BONUS,9201,,usdm
2025-01-02T16:00:00.000Z,ETHUSDT,FUNDING_FEE,0.25,USDT,FUNDING_FEE,9002,,usdm
2025-01-03T00:00:00.000Z,ADAUSDT,FUNDING_FEE,-0.125,USDT,FUNDING_FEE,9003,,usdm
2025-01-03T08:00:00.000Z,ETHUSDT_250103,DELIVERED_SETTELMENT,-2.4,USDT,DELIVERED_SETTELMENT,9204,,usdm
2025-01-03T08:00:00.000Z,BNBUSDT_250103,DELIVERED_SETTELMENT,0.7,USDT,DELIVERED_SETTELMENT,9208,,usdm
2025-01-03T08:00:00.000Z,BTCUSDT,INSURANCE_CLEAR,-1.25,USDT,INSURANCE_CLEAR,9202,,usdm
2025-01-03T12:30:45.000Z,BTCUSDT,REALIZED_PNL,-20.4,USDT,REALIZED_PNL,9206,103,usdm
2025-01-04T00:00:00.000Z,ETHUSDT,COMMISSION_REBATE,0.3,USDT,COMMISSION_REBATE,9203,,usdm
2025-01-05T00:00:00.000Z,,STRATEGY_BONUS,1.5,USDT,STRATEGY_BONUS,9207,,usdm
2025-01-05T08:00:00.000Z,BTCUSD_PERP,FUNDING_FEE,-0.000001,BTC,FUNDING_FEE,9004,,coinm
2025-01-06T16:00:00.000Z,BTCUSDT,FUNDING_FEE,0,USDT,FUNDING_FEE,9006,,usdm
2025-01-07T00:00:00.000Z,BTCUSDT,FUNDING_FEE,-1,USDT,FUNDING_FEE,9005,,usdm
`;
