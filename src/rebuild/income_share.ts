/**
 * Sharing the reading of the income file among a rebuild's shards. Each shard needs the funding
 * records of its own symbols and when each market's income history begins; every row must be
 * checked once. Instead of each shard reading the whole file, each reads one byte range of it
 * (every row there checked), keeps the funding records of its own symbols and offers the others;
 * once every shard has offered, each gets the records of its symbols the others found, and puts
 * them together with its own in file order.
 *
 * A range that cannot be read on its own — a quoted field across its start, a damaged row, a
 * file changed meanwhile — makes every shard read the whole file instead, as before: what is read
 * then, and the first error met, are those of one reader.
 *
 * @module
 */

import type { ByteRange } from "../csv/csv_file.ts";
import type { Market } from "../fill.ts";
import { type IncomeRecord, LEDGER_INCOME_TYPES } from "../income.ts";
import { readIfExists } from "../storage/data_file.ts";
import { streamIncomeFile } from "../storage/income_file.ts";
import { readAt } from "../storage/read_at.ts";
import { shardOf, type ShardPlan } from "./shards.ts";

/** What a shard found in its range of the income file. */
export interface IncomePart {
  /** The funding and settlement records of the range, of every symbol, in file order. */
  readonly funding: readonly IncomeRecord[];
  /** Per market, the earliest time of a record of the range. */
  readonly starts: readonly [Market, number][];
}

/** What a shard gets from the whole income file. */
export interface SharedIncome {
  /** The funding records of the shard's symbols, in file order. */
  readonly funding: readonly IncomeRecord[];
  /** Per market, when the income history begins. */
  readonly starts: readonly [Market, number][];
}

/**
 * Offers a shard's part (`undefined`: its range could not be read alone) and resolves to its
 * share, or to `undefined` when the shards are to read the whole file each.
 */
export type ShareIncome = (part: IncomePart | undefined) => Promise<SharedIncome | undefined>;

/**
 * What a shard offers the others: its part without the records of its own symbols, which it
 * keeps (they need not cross to another thread and back). Structured-cloneable.
 */
export type IncomeOffer = IncomePart;

/**
 * What a shard gets back once every shard has offered. Structured-cloneable.
 */
export interface IncomeReturn {
  /** Per shard's part, in file order, the records of this shard's symbols (of its own: none). */
  readonly funding: readonly (readonly IncomeRecord[])[];
  /** Per market, when the income history begins. */
  readonly starts: readonly [Market, number][];
}

/** Sends a shard's offer to the exchange and resolves to what comes back (see `ShareIncome`). */
export type OfferIncome = (offer: IncomeOffer | undefined) => Promise<IncomeReturn | undefined>;

/**
 * Shard `index`'s {@linkcode ShareIncome} through an exchange reached by `offer`: it keeps the
 * records of its own symbols, offers the others, and puts what it kept back in its place.
 */
export function sharing(plan: ShardPlan, index: number, offer: OfferIncome): ShareIncome {
  return async (part) => {
    const mine = (record: IncomeRecord) => shardOf(plan, record.symbol) === index;
    const kept = part?.funding.filter(mine) ?? [];
    const offered = part && { funding: part.funding.filter((r) => !mine(r)), starts: part.starts };
    const back = await offer(offered);
    if (back === undefined) return undefined;
    return {
      funding: back.funding.flatMap((records, k) => (k === index ? kept : records)),
      starts: back.starts,
    };
  };
}

/**
 * `shards` byte ranges of the income file at `path`, of about equal size, each starting after a
 * line break (the first at 0) and ending where the next starts (the last at the end); `undefined`
 * for one shard, or when there is no such file.
 */
export async function incomeRanges(
  path: string,
  shards: number,
): Promise<ByteRange[] | undefined> {
  if (shards < 2) return undefined;
  return await readIfExists(async () => {
    using file = await Deno.open(path, { read: true });
    const { size } = await file.stat();
    const ranges: ByteRange[] = [];
    let start = 0;
    for (let i = 1; i < shards; i++) {
      const cut = lineStartFrom(file, Math.floor((i * size) / shards), size);
      const end = Math.max(cut, start);
      ranges.push({ start, end });
      start = end;
    }
    ranges.push({ start, end: size });
    return ranges;
  });
}

/** The first offset at or after `offset` just after a line break (`size` if none). */
function lineStartFrom(file: Deno.FsFile, offset: number, size: number): number {
  if (offset === 0) return 0;
  for (let at = offset - 1; at < size; at += BLOCK) {
    const block = readAt(file, at, BLOCK);
    const newline = block.indexOf(10);
    if (newline !== -1) return at + newline + 1;
    if (block.length < BLOCK) break;
  }
  return size;
}

const BLOCK = 1 << 16;

/**
 * The funding records and starts of one range of the income file, every row of it checked;
 * `undefined` when the range cannot be read alone (its rows are then read again, whole, and what
 * is wrong reported as one reader meets it).
 */
export async function readIncomePart(
  path: string,
  range: ByteRange,
): Promise<IncomePart | undefined> {
  const funding: IncomeRecord[] = [];
  try {
    const starts = await streamIncomeFile(path, (record) => funding.push(record), {
      types: LEDGER_INCOME_TYPES,
      range,
    });
    return { funding, starts: [...starts] };
  } catch {
    return undefined;
  }
}

/**
 * The shards' parts brought together: each shard's share once every shard has offered its part,
 * or `undefined` for all as soon as one offers none, or ends without offering.
 */
export class IncomeExchange {
  readonly #plan: ShardPlan;
  readonly #parts: (IncomeOffer | undefined)[] = [];
  #offered = 0;
  readonly #settle: (parts: readonly IncomeOffer[] | undefined) => void;
  #settled = false;
  #served = 0;
  readonly #all: Promise<readonly IncomeOffer[] | undefined>;

  /** An exchange among the shards of `plan`. */
  constructor(plan: ShardPlan) {
    this.#plan = plan;
    const { promise, resolve } = Promise.withResolvers<readonly IncomeOffer[] | undefined>();
    this.#all = promise;
    this.#settle = resolve;
  }

  /** Shard `index` offers its part (`undefined`: none); later offers are ignored. */
  offer(index: number, part: IncomeOffer | undefined): void {
    if (this.#settled || index in this.#parts) return;
    if (part === undefined) return this.#finish(undefined);
    this.#parts[index] = part;
    if (++this.#offered === this.#plan.shards) this.#finish(this.#parts as IncomeOffer[]);
  }

  /** Shard `index` ended (or could not start): without its part, nobody gets a share. */
  ended(index: number): void {
    if (!(index in this.#parts)) this.#finish(undefined);
  }

  /**
   * What comes back to shard `index` once every shard has offered; `undefined`: read the whole
   * file. Once every shard has had it, the parts are let go: a shard run again (its worker
   * failed) reads the whole file.
   */
  async share(index: number): Promise<IncomeReturn | undefined> {
    const parts = await this.#all;
    if (parts === undefined || this.#served === this.#plan.shards) return undefined;
    const starts = new Map<Market, number>();
    for (const [market, time] of parts.flatMap((p) => p.starts)) {
      const known = starts.get(market);
      if (known === undefined || !(time >= known)) starts.set(market, time);
    }
    const funding = parts.map((p, k) =>
      k === index ? [] : p.funding.filter((r) => shardOf(this.#plan, r.symbol) === index)
    );
    if (++this.#served === this.#plan.shards) this.#parts.length = 0;
    return { funding, starts: [...starts] };
  }

  /** Shard `index`'s way to offer and get back what the others found for it. */
  endpoint(index: number): OfferIncome {
    return (offer) => {
      this.offer(index, offer);
      return this.share(index);
    };
  }

  /** Shard `index`'s {@linkcode ShareIncome}, on this thread. */
  sharer(index: number): ShareIncome {
    return sharing(this.#plan, index, this.endpoint(index));
  }

  #finish(parts: readonly IncomeOffer[] | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(parts);
  }
}
