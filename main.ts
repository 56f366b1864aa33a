/**
 * futures-ledger: pulls Binance Futures fills, rebuilds them into round-trip positions with exact
 * P&L, and keeps everything on disk as CSV. Run `futures-ledger --help`.
 *
 * @module
 */

import { main } from "./src/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
