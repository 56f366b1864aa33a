/**
 * The error of a sync that failed part-way, in a module of its own: the command line tells it
 * apart without loading the sync.
 *
 * @module
 */

/** A sync that failed part-way; what was fetched before the failure is saved. */
export class SyncError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "SyncError";
  }
}
