/**
 * A long generated history written straight to a directory, for the scale benchmark: any number
 * of fills (millions) over a few symbols, one-way books that open and close in a few fills each
 * and are all flat at the end, with their income (a COMMISSION record per fill, a REALIZED_PNL
 * record per closing fill, FUNDING_FEE records every 8 hours for each open position: about two
 * income rows per fill) and a `state.json` that matches. Streamed: memory does not grow with the
 * number of fills. Ids stay below 10^9 and times end before `endTime`, so a fake exchange whose
 * account trades the same symbols afterwards (with its larger ids) continues it.
 *
 * @module
 */

import { defined } from "../../src/defined.ts";
import { FILL_COLUMNS, fillLine } from "../../src/storage/fill_row.ts";
import { INCOME_COLUMNS, incomeLine } from "../../src/storage/income_file.ts";
import { csvLine } from "../../src/csv/format.ts";
import { deriveState, writeStateFile } from "../../src/storage/state_file.ts";
import type { Fill } from "../../src/fill.ts";
import type { IncomeRecord } from "../../src/income.ts";
import { Prng } from "../../tests/fake_exchange/prng.ts";

const HOUR = 3_600_000;
const FUNDING_EVERY = 8 * HOUR;

/** What to generate. */
export interface HistoryOptions {
  /** Number of fills. */
  readonly fills: number;
  /** The symbols traded (USDT-margined). */
  readonly symbols: readonly string[];
  /** The last fill is before this, ms. */
  readonly endTime: number;
  /** How long the history lasts, ms. */
  readonly spanMs: number;
  /** PRNG seed. */
  readonly seed: number;
}

interface Book {
  /** Lots held, signed. */
  lots: number;
  /** Price in ticks of 0.1. */
  ticks: number;
  /** Entry price in ticks (of the current position). */
  entry: number;
  nextId: number;
}

/** Writes the history's fills, income and state into `dir`; returns the number of income rows. */
export async function writeHistory(dir: string, options: HistoryOptions): Promise<number> {
  const rng = new Prng(options.seed, 1);
  const books = new Map<string, Book>(
    options.symbols.map((s, i) => [s, {
      lots: 0,
      ticks: 100_000 + i * 7_919,
      entry: 0,
      nextId: 1_000 + i,
    }]),
  );
  using fills = await Deno.open(`${dir}/futures_fills.csv`, {
    write: true,
    create: true,
    truncate: true,
  });
  using income = await Deno.open(`${dir}/futures_income.csv`, {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  let fillText = csvLine(FILL_COLUMNS);
  let incomeText = csvLine(INCOME_COLUMNS);
  const flush = async (force = false) => {
    if (force || fillText.length > 1 << 20) {
      await fills.write(encoder.encode(fillText));
      fillText = "";
    }
    if (force || incomeText.length > 1 << 20) {
      await income.write(encoder.encode(incomeText));
      incomeText = "";
    }
  };
  let tranId = 1;
  let incomeRows = 0;
  const record = (r: Omit<IncomeRecord, "market" | "info" | "tranId">) => {
    incomeText += incomeLine({
      market: "usdm",
      info: r.incomeType,
      tranId: String(tranId++),
      ...r,
    });
    incomeRows++;
  };
  const start = options.endTime - options.spanMs;
  const step = options.spanMs / (options.fills + options.symbols.length * 4);
  let time = start;
  let nextFunding = Math.ceil(start / FUNDING_EVERY) * FUNDING_EVERY;
  const last = new Map<string, { id: string; time: number }>();
  const fill = (symbol: string, book: Book, side: "BUY" | "SELL", lots: number) => {
    book.ticks = Math.max(1_000, book.ticks + rng.int(-40, 40));
    const delta = side === "BUY" ? lots : -lots;
    const closing = book.lots !== 0 && Math.sign(delta) !== Math.sign(book.lots);
    let pnlTicks = 0;
    if (closing) {
      // Binance's realized P&L of the closed part: never exactly zero here.
      pnlTicks = (book.ticks - book.entry) * Math.sign(book.lots) * lots;
      if (pnlTicks === 0) pnlTicks = 1;
    } else {
      book.entry = book.lots === 0 ? book.ticks : book.entry;
    }
    book.lots += delta;
    const qty = (lots / 1000).toFixed(3);
    const price = (book.ticks / 10).toFixed(1);
    const notional = BigInt(lots) * BigInt(book.ticks); // ticks of 0.0001
    const commission = (Number(notional) * 4 / 1e8).toFixed(8); // 0.04%
    const realizedPnl = closing ? (pnlTicks / 10_000).toFixed(4) : "0";
    const id = String(book.nextId);
    book.nextId += 1 + rng.int(0, 3);
    const f: Fill = {
      market: "usdm",
      symbol,
      id,
      orderId: String(9_000_000 + book.nextId),
      time: Math.floor(time),
      side,
      positionSide: "BOTH",
      qty,
      price,
      commission,
      commissionAsset: "USDT",
      realizedPnl,
      marginAsset: "USDT",
      maker: rng.chance(0.5),
      quoteQty: (Number(notional) / 1e4).toFixed(4),
      baseQty: "",
      pair: "",
      source: "api",
    };
    fillText += fillLine(f);
    last.set(symbol, { id, time: f.time });
    record({
      time: f.time,
      symbol,
      incomeType: "COMMISSION",
      income: `-${commission}`,
      asset: "USDT",
      tradeId: id,
    });
    if (closing) {
      record({
        time: f.time,
        symbol,
        incomeType: "REALIZED_PNL",
        income: realizedPnl,
        asset: "USDT",
        tradeId: id,
      });
    }
  };
  const booksBySymbol = [...books];
  for (let k = 0; k < options.fills; k++) {
    time += step * (0.5 + rng.next());
    while (nextFunding <= time) {
      for (const [symbol, book] of books) {
        if (book.lots === 0) continue;
        const amount = (book.lots * book.ticks / 1e7 * (rng.chance(0.5) ? 1 : -1)).toFixed(8);
        record({
          time: nextFunding,
          symbol,
          incomeType: "FUNDING_FEE",
          income: amount,
          asset: "USDT",
          tradeId: "",
        });
      }
      nextFunding += FUNDING_EVERY;
    }
    const [symbol, book] = defined(
      booksBySymbol[rng.int(0, booksBySymbol.length - 1)],
      "a book of the symbols traded",
    );
    if (book.lots === 0) fill(symbol, book, rng.chance(0.5) ? "BUY" : "SELL", rng.int(1, 5));
    else if (Math.abs(book.lots) < 12 && rng.chance(0.45)) {
      fill(symbol, book, book.lots > 0 ? "BUY" : "SELL", rng.int(1, 4));
    } else {
      const lots = Math.min(Math.abs(book.lots), rng.int(1, 8));
      fill(symbol, book, book.lots > 0 ? "SELL" : "BUY", lots);
    }
    await flush();
  }
  for (const [symbol, book] of books) {
    if (book.lots === 0) continue;
    time += step;
    fill(symbol, book, book.lots > 0 ? "SELL" : "BUY", Math.abs(book.lots));
  }
  await flush(true);
  const ends = [...last].map(([symbol, w]) => ({ market: "usdm" as const, symbol, ...w }));
  await writeStateFile(
    `${dir}/state.json`,
    deriveState(ends, [{ market: "usdm", time: Math.floor(time) }]),
  );
  return incomeRows;
}
