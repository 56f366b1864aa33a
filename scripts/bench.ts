/**
 * `deno task bench [section…]`: runs the benchmarks and writes their figures to BENCHMARKS.md.
 * Sections: `ledger` (issue 2), `sync` (issue 4; several minutes: it runs under Binance's real
 * weight limit), `history` (issue 11: a 15-month first sync with bulk downloads; several minutes
 * too), `scale` (issue 12; `SCALE=1,3,10` for sizes in millions of fills). Needs GNU time at
 * /usr/bin/time (Debian package `time`).
 * `chaos` (issue 10: `deno task bench chaos [--kills N] [--seed N] [--write]`) runs only when
 * named, and writes RELIABILITY.md, not BENCHMARKS.md (`scripts/bench/chaos.ts`).
 *
 * @module
 */

import { defined } from "../src/defined.ts";
import { benchChaos } from "./bench/chaos.ts";
import { benchHistory } from "./bench/history.ts";
import { benchLedger } from "./bench/ledger.ts";
import { benchScale } from "./bench/scale.ts";
import { benchSync } from "./bench/sync.ts";

const SECTIONS: Record<string, (dir: string, options: string[]) => Promise<void>> = {
  ledger: benchLedger,
  sync: benchSync,
  history: benchHistory,
  scale: benchScale,
  chaos: benchChaos,
};

// Section names first, then options (`--kills 200`), which go to each section named.
const split = Deno.args.findIndex((arg) => arg.startsWith("--"));
const names = split < 0 ? Deno.args : Deno.args.slice(0, split);
const options = split < 0 ? [] : Deno.args.slice(split);
const wanted = names.length > 0 ? names : ["ledger", "sync", "history", "scale"];
const unknown = wanted.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(
    `unknown section ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`,
  );
  Deno.exit(2);
}
const dir = new URL("../bench-output", import.meta.url).pathname;
await Deno.mkdir(dir, { recursive: true });
for (const name of wanted) await defined(SECTIONS[name], "a section checked above")(dir, options);
if (wanted.some((name) => name !== "chaos")) console.log("results written to BENCHMARKS.md");
