/**
 * `buildLedger` against an independent reference (`tests/support/reference_ledger.ts`: the
 * README's rules again, on big.js and exact fractions, sharing no code with `src/ledger/`), every
 * column of the positions file compared as text, and the unattached funding: on random
 * Binance-like histories given in file order, shuffled or with fills twice. The hand-worked cases
 * are in `ledger_reference_cases_test.ts`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Fill, LedgerFill } from "../src/fill.ts";
import { type Ledger, LedgerCollector, LedgerStream } from "../src/ledger/ledger_stream.ts";
import { binanceHistory, type History } from "./support/binance_history.ts";
import { bothLedgers, projectInputs } from "./support/both_ledgers.ts";
import { at } from "./support/indexed.ts";
import type { ReferenceInputs } from "./support/reference_ledger.ts";

/**
 * A history's ledger inputs; the income records in any order (`seed`), as the ledger must take
 * them: the order of those of one millisecond is the ledger's to decide.
 */
function inputsOf(h: History, seed: number): ReferenceInputs {
  return {
    income: h.withIncome
      ? shuffled([...h.transfers, ...h.funding, ...h.settlements], seed)
      : undefined,
    prices: h.prices,
    snapshots: h.snapshots,
  };
}

/** Deterministic shuffle (the seed comes from fast-check, so a failure replays). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
    const j = (x >>> 8) % (i + 1);
    [out[i], out[j]] = [at(out, j), at(out, i)];
  }
  return out;
}

/** How the fills are handed over: file order, shuffled, and some of them twice. */
const delivery = fc.record({
  order: fc.constantFrom("file", "file", "shuffled", "reversed"),
  seed: fc.integer(),
  twice: fc.array(fc.nat(), { maxLength: 3 }),
});

function delivered(
  fills: readonly Fill[],
  d: typeof delivery extends fc.Arbitrary<infer T> ? T : never,
) {
  let out = d.order === "shuffled"
    ? shuffled(fills, d.seed)
    : d.order === "reversed"
    ? [...fills].reverse()
    : [...fills];
  if (fills.length > 0) {
    for (const n of d.twice) {
      const copy = { ...at(fills, n % fills.length) }; // the same fill again: Binance's page overlap
      out = [...out.slice(0, n % (out.length + 1)), copy, ...out.slice(n % (out.length + 1))];
    }
  }
  return out;
}

Deno.test("buildLedger agrees with the reference ledger on every column (property)", async (t) => {
  const seen = {
    runs: 0,
    flips: 0,
    hedgeSplits: 0,
    partial: 0,
    unattached: 0,
    coinm: 0,
    bnbUnpriced: 0,
    threePasses: 0,
    idsMeetUnsettled: 0,
    marketsMeetUnsettled: 0,
    delivered: 0,
    deliveredCoinm: 0,
    fundedAtDelivery: 0,
  };
  await t.step("on random histories, in any order, with fills twice", () => {
    fc.assert(
      fc.property(binanceHistory({ zeroFees: true }), delivery, (history, d) => {
        const fills = delivered(history.fills, d);
        const inputs = inputsOf(history, d.seed);
        const result = bothLedgers(fills, inputs);
        assert.deepEqual(result.project, result.reference);
        assert.deepEqual(result.projectUnattached, result.referenceUnattached);
        count(seen, history, fills, result.ledger, inputs);
      }),
      { numRuns: 600 },
    );
  });

  await t.step("the histories tried reach every rule above, often", () => {
    // Guards the property against testing an easy case only.
    const enough = (n: number) => n > 30;
    for (const [name, n] of Object.entries(seen)) {
      assert.ok(enough(n), `${name}: ${JSON.stringify(seen)}`);
    }
  });
});

/** The rules a history can exercise, tallied by `count`. */
type Rule =
  | "runs"
  | "flips"
  | "hedgeSplits"
  | "partial"
  | "unattached"
  | "coinm"
  | "bnbUnpriced"
  | "threePasses"
  | "idsMeetUnsettled"
  | "marketsMeetUnsettled"
  | "delivered"
  | "deliveredCoinm"
  | "fundedAtDelivery";

/** Tallies which rules a history exercised. */
function count(
  seen: Record<Rule, number>,
  history: History,
  fills: readonly LedgerFill[],
  ledger: Ledger,
  inputs: ReferenceInputs,
): void {
  const { positions } = ledger;
  seen.runs++;
  if (
    positions.some((p) =>
      p.closeTradeId !== "" &&
      positions.some((q) =>
        q.openTradeId === p.closeTradeId && q.symbol === p.symbol && q.market === p.market &&
        q.positionSide === "BOTH"
      )
    )
  ) {
    seen.flips++;
  }
  const shares = ledger.fundingShares.map((s) => s.record.tranId);
  if (new Set(shares).size < shares.length) seen.hedgeSplits++;
  if (positions.some((p) => p.status === "PARTIAL")) seen.partial++;
  if (ledger.unattachedFunding.length > 0) seen.unattached++;
  if (positions.some((p) => p.market === "coinm")) seen.coinm++;
  const delivered = positions.filter((p) => p.note.includes("closed by delivery settlement"));
  if (delivered.length > 0) seen.delivered++;
  if (delivered.some((p) => p.market === "coinm")) seen.deliveredCoinm++;
  const fundedAtDelivery = delivered.some((p) =>
    ledger.fundingShares.some((s) =>
      s.record.time === p.closeTime && s.position.openTradeId === p.openTradeId
    )
  );
  if (fundedAtDelivery) seen.fundedAtDelivery++;
  if (positions.some((p) => p.note.includes("BNB fee"))) seen.bnbUnpriced++;
  const stream = new LedgerStream(projectInputs(inputs), new LedgerCollector());
  for (const fill of fills) stream.push(fill);
  const { unsettled } = stream.finish();
  if (unsettled.size > 0) seen.threePasses++;
  const ids = (market: string, symbol: string) =>
    history.fills.filter((x) => x.market === market && x.symbol === symbol).map((x) => x.id);
  const btc = ids("usdm", "BTCUSDT");
  const eth = ids("usdm", "ETHUSDT");
  if (unsettled.has("BTCUSDT") && unsettled.has("ETHUSDT") && btc.at(-1) === eth[0]) {
    seen.idsMeetUnsettled++;
  }
  const adaCoinm = ids("coinm", "ADAUSD_PERP");
  const adaUsdm = ids("usdm", "ADAUSD_PERP");
  if (unsettled.has("ADAUSD_PERP") && adaCoinm.length > 0 && adaCoinm.at(-1) === adaUsdm[0]) {
    seen.marketsMeetUnsettled++;
  }
}
