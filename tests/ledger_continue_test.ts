/**
 * Continuing an earlier run (`continueLedger`) gives exactly what one run over the whole history
 * gives: random histories are cut in two; the first part is built and its books saved, the
 * second continues them (rebuilding, from all of their fills, the symbols it names); the
 * positions and unattached funding must equal those of one run over everything, with Binance's
 * positions as they are at the end. Funding records that arrive late (before the cut) must be
 * caught too.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Market } from "../src/fill.ts";
import { compareIncome, type IncomeRecord, SETTLEMENT } from "../src/income.ts";
import { buildLedger, ledgerAndBooks } from "../src/ledger/aggregate.ts";
import { continueLedger } from "../src/ledger/continue.ts";
import { firstTimes, splitKey, symbolKey } from "../src/ledger/ledger_stream.ts";
import { comparePositions } from "../src/position.ts";
import { positionsCsv } from "../src/storage/positions_file.ts";
import { account, scenario, T0 } from "./support/ledger_scenarios.ts";

const cut = fc.record({
  /** How many of the scenario's steps come before the cut. */
  at: fc.nat(40),
  /** Whether a funding record of before the cut arrives only after it. */
  late: fc.boolean(),
});

const key = (x: { market: Market; symbol: string }) => symbolKey(x.market, x.symbol);

Deno.test("continuing an earlier run gives what one run over everything gives (property)", () => {
  const seen = { continued: 0, rebuilt: 0, checkedOnly: 0, cases: 0, settled: 0, settledLater: 0 };
  fc.assert(
    fc.property(scenario, cut, (s, c) => {
      const steps = Math.min(c.at, s.steps.length);
      const all = account(s);
      // Binance's positions at the cut: those of the history up to there.
      // (A delivery before step `steps` or later had not happened yet there.)
      const before = account({
        ...s,
        steps: s.steps.slice(0, steps),
        disorder: "none",
        delivery: s.delivery !== null && s.delivery.at < steps ? s.delivery : null,
      });
      const cutTime = before.fills.reduce((t, x) => Math.max(t, x.time), T0);
      const income = all.inputs.income ?? [];
      const funding = income.filter((r) =>
        r.incomeType === "FUNDING_FEE" || r.incomeType === SETTLEMENT
      );
      let late: IncomeRecord | undefined;
      if (c.late) late = funding.find((r) => r.time <= cutTime && r.incomeType === "FUNDING_FEE");
      const firstIncome: IncomeRecord[] = income.filter((r) => r.time <= cutTime && r !== late);
      const incomeFrom = all.inputs.income === undefined ? undefined : firstTimes(income);
      // A sync rebuilds everything when the income history's start moves: not continued.
      if (
        incomeFrom !== undefined &&
        JSON.stringify([...firstTimes(firstIncome)]) !== JSON.stringify([...incomeFrom])
      ) return;
      seen.cases++;
      const first = ledgerAndBooks(all.fills.filter((x) => x.time <= cutTime), {
        snapshots: before.inputs.snapshots,
        income: all.inputs.income === undefined ? undefined : firstIncome,
      });
      const newFills = all.fills.filter((x) => x.time > cutTime);
      const newFunding = funding.filter((r) => r.time > cutTime || r === late);
      const next = continueLedger(newFills, {
        saved: first.saved,
        income: all.inputs.income === undefined ? [] : newFunding,
        snapshots: all.inputs.snapshots ?? [],
        incomeFrom,
      });
      const rebuilt = buildLedger(all.fills, {
        ...all.inputs,
        symbols: (symbol) => [...next.rebuild].some((k) => splitKey(k)[1] === symbol),
      });
      const kept = first.ledger.positions.filter((p) =>
        !next.rebuild.has(key(p)) && !(next.continued.has(key(p)) && p.closeTime === undefined)
      );
      const positions = [...kept, ...next.ledger.positions, ...rebuilt.positions]
        .sort(comparePositions);
      const expected = buildLedger(all.fills, all.inputs);
      assert.equal(positionsCsv(positions), positionsCsv(expected.positions));

      const unattached = [
        ...first.ledger.unattachedFunding.filter((r) => !next.rebuild.has(key(r))),
        ...next.ledger.unattachedFunding,
        ...rebuilt.unattachedFunding,
      ].sort(compareIncome);
      assert.deepEqual(unattached, expected.unattachedFunding);

      if (expected.positions.some((p) => p.note.includes("delivery settlement"))) {
        seen.settled++;
        const settledAfterCut = income.some((r) => r.incomeType === SETTLEMENT && r.time > cutTime);
        if (settledAfterCut) seen.settledLater++;
      }
      if (next.continued.size > 0) seen.continued++;
      if (next.rebuild.size > 0) seen.rebuilt++;
      if (first.saved.size > next.continued.size + next.rebuild.size) seen.checkedOnly++;
    }),
    { numRuns: 1500 },
  );
  // Guards the property against trying one path only.
  assert.ok(seen.continued > 200, JSON.stringify(seen));
  assert.ok(seen.rebuilt > 100, JSON.stringify(seen));
  assert.ok(seen.checkedOnly > 50, JSON.stringify(seen));
  // Settlements, some of them coming only in the continued part.
  assert.ok(seen.settled > 70, JSON.stringify(seen));
  assert.ok(seen.settledLater > 40, JSON.stringify(seen));
});
