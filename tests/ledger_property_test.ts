/**
 * Invariants of the ledger on random histories (fast-check): whatever the fills, nothing is lost
 * or counted twice, and how they were batched does not matter.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Decimal } from "../src/decimal.ts";
import { type Fill, fillKey } from "../src/fill.ts";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { readFillsFile, writeFillsFile } from "../src/storage/fills_file.ts";
import { f } from "./support/fills.ts";

const decimalText = (maxDigits: bigint, maxScale: number, signed = false) =>
  fc.tuple(fc.bigInt({ min: signed ? -maxDigits : 1n, max: maxDigits }), fc.nat(maxScale))
    .map(([m, s]) => new Decimal(m, s).toString());

/** A random history: 1–3 symbols, any position sides, P&L and fees in any asset, shuffled. */
const history: fc.Arbitrary<Fill[]> = fc.array(
  fc.record({
    symbol: fc.constantFrom("BTCUSDT", "ETHUSDT", "1000PEPEUSDT"),
    positionSide: fc.constantFrom("BOTH", "BOTH", "LONG", "SHORT") as fc.Arbitrary<
      Fill["positionSide"]
    >,
    side: fc.constantFrom("BUY", "SELL") as fc.Arbitrary<Fill["side"]>,
    qty: decimalText(50n, 3),
    price: decimalText(100000n, 4),
    commission: decimalText(1000n, 8, true),
    commissionAsset: fc.constantFrom("USDT", "USDT", "BNB"),
    realizedPnl: fc.oneof(fc.constant("0"), decimalText(10000n, 8, true)),
  }),
  { maxLength: 60 },
).chain((rows) =>
  fc.shuffledSubarray(
    rows.map((r, i) => f(i + 1, r.side, r.qty, r.price, { ...r, time: 1_735_689_600_000 + i })),
    { minLength: rows.length, maxLength: rows.length },
  )
);

const total = (values: Iterable<Decimal>) => [...values].reduce((a, b) => a.plus(b), Decimal.ZERO);
const feesByAsset = (entries: Iterable<[string, Decimal]>) => {
  const sums = new Map<string, Decimal>();
  for (const [asset, amount] of entries) {
    sums.set(asset, (sums.get(asset) ?? Decimal.ZERO).plus(amount));
  }
  return [...sums].filter(([, v]) => !v.isZero()).map(([a, v]) => `${v.normalize()} ${a}`).sort();
};
const unique = (fills: Fill[]) => [...new Map(fills.map((x) => [fillKey(x), x])).values()];

Deno.test("ledger invariants (property)", async (t) => {
  await t.step("realized P&L and every asset's commission are conserved", () => {
    fc.assert(
      fc.property(history, (fills) => {
        const positions = aggregatePositions(fills);
        assert.equal(
          total(positions.map((p) => p.realizedPnl)).cmp(
            total(fills.map((x) => Decimal.parse(x.realizedPnl))),
          ),
          0,
        );
        assert.deepEqual(
          feesByAsset(positions.flatMap((p) => [
            [p.marginAsset, p.commission] as [string, Decimal],
            ...p.otherCommission,
          ])),
          feesByAsset(fills.map((x) => [x.commissionAsset, Decimal.parse(x.commission)])),
        );
      }),
      { numRuns: 300 },
    );
  });

  await t.step("every fill's quantity is accounted once, and every fill is in a position", () => {
    fc.assert(
      fc.property(history, (fills) => {
        const positions = aggregatePositions(fills);
        // Each unit of a fill either opens or closes: Σ entry + Σ exit = Σ |qty|.
        const moved = total(positions.flatMap((p) => [p.entryQty, p.exitQty]));
        assert.equal(moved.cmp(total(fills.map((x) => Decimal.parse(x.qty)))), 0);
        assert.ok(positions.reduce((n, p) => n + p.fills, 0) >= fills.length);
      }),
      { numRuns: 300 },
    );
  });

  await t.step("a closed position closed what it opened; a partial one, also what it held", () => {
    fc.assert(
      fc.property(history, (fills) => {
        for (const p of aggregatePositions(fills)) {
          assert.equal(p.priorQty.plus(p.entryQty).cmp(p.exitQty.plus(p.openQty)), 0);
          if (p.status === "CLOSED") assert.equal(p.entryQty.cmp(p.exitQty), 0);
          if (p.status === "OPEN") assert.equal(p.closeTime, undefined);
          if (p.status !== "PARTIAL") assert.ok(p.priorQty.isZero());
          assert.ok(p.openQty.sign() >= 0 && p.maxQty.cmp(p.openQty) >= 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  await t.step(
    "one batch or any split into two runs, overlapping or not, gives the same positions",
    () => {
      fc.assert(
        fc.property(history, fc.nat(), fc.nat(), (fills, cut, overlap) => {
          const at = fills.length === 0 ? 0 : cut % (fills.length + 1);
          const first = fills.slice(0, at + (overlap % 3));
          const second = fills.slice(at);
          assert.deepEqual(aggregatePositions([...second, ...first]), aggregatePositions(fills));
        }),
        { numRuns: 300 },
      );
    },
  );

  await t.step("fills written to the file and read back give the same positions", async () => {
    const dir = await Deno.makeTempDir();
    try {
      await fc.assert(
        fc.asyncProperty(history, async (fills) => {
          const path = `${dir}/futures_fills.csv`;
          await writeFillsFile(path, unique(fills));
          const { fills: back } = await readFillsFile(path);
          assert.deepEqual(aggregatePositions(back), aggregatePositions(fills));
        }),
        { numRuns: 100 },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
