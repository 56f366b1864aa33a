/**
 * Running `buildLedger` and the reference ledger (`reference_ledger.ts`) on the same fills and
 * inputs, for tests that compare them: the reference's inputs turned into the project's, and both
 * positions files as text.
 *
 * @module
 */

import { Decimal } from "../../src/decimal.ts";
import type { LedgerFill } from "../../src/fill.ts";
import { buildLedger } from "../../src/ledger/aggregate.ts";
import type { PositionSnapshot } from "../../src/ledger/anchor.ts";
import { PriceTable } from "../../src/ledger/fee_prices.ts";
import type { Ledger, LedgerInputs } from "../../src/ledger/ledger_stream.ts";
import { positionsCsv } from "../../src/storage/positions_file.ts";
import { at } from "./indexed.ts";
import { positionsFileText } from "./positions_text.ts";
import { type ReferenceInputs, referenceLedger } from "./reference_ledger.ts";

/** The project's ledger inputs for the reference's. */
export function projectInputs(inputs: ReferenceInputs): LedgerInputs {
  const prices = new PriceTable();
  for (const [key, open] of inputs.prices ?? []) {
    const parts = key.split("|"); // symbol|minute
    prices.set(at(parts, 0), Number(parts[1]), Decimal.parse(open));
  }
  const snapshots: PositionSnapshot[] = (inputs.snapshots ?? []).map((s) => ({
    market: s.market,
    time: s.time,
    amounts: new Map([...s.amounts].map(([k, v]) => [k, Decimal.parse(v)])),
  }));
  return { income: inputs.income, prices, snapshots };
}

/** Both ledgers on the same fills. */
export interface BothLedgers {
  /** `buildLedger`'s positions file, line by line. */
  readonly project: string[];
  /** The reference's positions file, line by line. */
  readonly reference: string[];
  /** `buildLedger`'s unattached funding, by tranId. */
  readonly projectUnattached: string[];
  /** The reference's unattached funding, by tranId. */
  readonly referenceUnattached: string[];
  /** `buildLedger`'s whole result. */
  readonly ledger: Ledger;
}

/** Both ledgers' positions files, line by line, and their unattached funding. */
export function bothLedgers(
  fills: readonly LedgerFill[],
  inputs: ReferenceInputs = {},
): BothLedgers {
  const project = buildLedger(fills, projectInputs(inputs));
  const reference = referenceLedger(fills, inputs);
  return {
    project: positionsCsv(project.positions).split("\n"),
    reference: positionsFileText(reference.positions).split("\n"),
    projectUnattached: project.unattachedFunding.map((r) => r.tranId),
    referenceUnattached: reference.unattached.map((r) => r.tranId),
    ledger: project,
  };
}
