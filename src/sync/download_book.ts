/**
 * A market's bulk download records during a sync, and their mid-run saves to `state.json`.
 *
 * A download-id request spends monthly quota, so what is known about it is saved at once, before
 * and after the request, not only when the sync commits: a run killed at any point then leaves a
 * record saying the request may have been sent (`requesting`) or its id (`pending`). The saves
 * keep the rest of `state.json` as it was (the saved state, or, for a first sync, the files'
 * own); the commit writes the records again with everything else.
 *
 * @module
 */

import { join } from "node:path";
import type { Market } from "../fill.ts";
import type { DownloadHistory, DownloadRecord } from "../storage/download_records.ts";
import { FILES } from "../storage/file_names.ts";
import { writeStateFile } from "../storage/state_file.ts";
import type { LocalState } from "./local.ts";
import { withDownloadHistory } from "./state.ts";

/** The records of one market, as they change during a sync. */
export class DownloadBook {
  readonly #local: LocalState;
  readonly #market: Market;
  #records: DownloadRecord[];
  #apiFrom: number | undefined;

  /** The records `local` has saved for `market`. */
  constructor(local: LocalState, market: Market) {
    this.#local = local;
    this.#market = market;
    this.#records = [...(local.saved?.markets[market]?.downloads ?? [])];
    this.#apiFrom = local.saved?.markets[market]?.api_from_ms;
  }

  /** Where the API's rows begin (`api_from_ms`), if known. */
  get apiFrom(): number | undefined {
    return this.#apiFrom;
  }

  /** Records where the API's rows begin. */
  set apiFrom(at: number | undefined) {
    this.#apiFrom = at;
  }

  /** The market of the records. */
  get market(): Market {
    return this.#market;
  }

  /** The records now. */
  get records(): readonly DownloadRecord[] {
    return this.#records;
  }

  /** Whether a mid-run save is safe: `state.json` was read, or there are no files to derive. */
  get canSave(): boolean {
    return this.#local.saved !== undefined || Object.keys(this.#local.ends.markets).length === 0;
  }

  /** Adds `record` at the end. */
  add(record: DownloadRecord): void {
    this.#records.push(record);
  }

  /** Replaces `old` with `next`, or removes it. */
  replace(old: DownloadRecord, next: DownloadRecord | undefined): void {
    const i = this.#records.indexOf(old);
    if (i < 0) throw new Error("replace: not a record of this book");
    if (next === undefined) this.#records.splice(i, 1);
    else this.#records[i] = next;
  }

  /** The history to commit: the records and where the API's rows begin. */
  history(): DownloadHistory {
    const api = this.#apiFrom;
    return {
      ...(api === undefined ? {} : { api_from_ms: api }),
      ...(this.#records.length === 0 ? {} : { downloads: [...this.#records] }),
    };
  }

  /** Writes the records to `state.json` now (the rest of it as it was). */
  async save(): Promise<void> {
    const base = this.#local.saved ?? this.#local.ends;
    const state = withDownloadHistory(base, this.#local.saved, this.#market, this.history());
    await writeStateFile(join(this.#local.dir, FILES.state), state);
  }
}
