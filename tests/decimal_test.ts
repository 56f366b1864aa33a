import assert from "node:assert/strict";
import Big from "big.js";
import fc from "fast-check";
import { Decimal, DecimalSyntaxError, isPlainDecimal } from "../src/decimal.ts";

const d = (text: string) => Decimal.parse(text);

/**
 * Decimal text of either sign and 0–12 decimals, with mantissas small, around 2^53 (where the
 * float representation hands over to BigInt) and up to 10^20.
 */
const decimalText = fc.tuple(
  fc.boolean(),
  fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 6n }),
    fc.bigInt({ min: 2n ** 53n - 10n ** 4n, max: 2n ** 53n + 10n ** 4n }),
    fc.bigInt({ min: 10n ** 7n, max: 10n ** 9n }),
    fc.bigInt({ min: 0n, max: 10n ** 20n }),
  ),
  fc.integer({ min: 0, max: 12 }),
).map(([negative, digits, scale]) => new Decimal(negative ? -digits : digits, scale).toString());

Deno.test("Decimal", async (t) => {
  await t.step("parses and prints Binance's text unchanged", () => {
    for (const text of ["0.04400000", "47263.40", "-27.38400000", "0", "7", "0.0099139", "-0.5"]) {
      assert.equal(d(text).toString(), text);
    }
    assert.equal(d("+1.5").toString(), "1.5");
    assert.equal(d("00012.5").toString(), "12.5");
  });

  await t.step("reads exponent notation exactly and never prints it", () => {
    assert.equal(d("1e-05").toString(), "0.00001");
    assert.equal(d("2.5E+3").toString(), "2500");
    assert.equal(d("1e-20").toString(), "0.00000000000000000001");
  });

  await t.step("rejects anything that is not a plain decimal", () => {
    for (
      const text of ["", " 1", "1 ", ".5", "5.", "1,5", "NaN", "Infinity", "0x10", "--1", "1e"]
    ) {
      assert.throws(() => d(text), DecimalSyntaxError, text);
      assert.equal(isPlainDecimal(text), false, text);
    }
    assert.equal(isPlainDecimal("1e-05"), false);
    assert.equal(isPlainDecimal("-0.010"), true);
  });

  await t.step("adds exactly where floats do not", () => {
    assert.equal(0.1 + 0.2, 0.30000000000000004);
    assert.equal(d("0.1").plus(d("0.2")).toString(), "0.3");
    assert.equal(d("0.18905360").minus(d("0.2")).toString(), "-0.01094640");
    assert.equal(d("0.010").times(d("47263.40")).toString(), "472.63400");
  });

  await t.step("divides rounding half-even to 12 places, exact when it terminates", () => {
    assert.equal(d("1").div(d("3")).toString(), "0.333333333333");
    assert.equal(d("2").div(d("3")).toString(), "0.666666666667");
    assert.equal(d("10").div(d("4")).toString(), "2.5");
    // 0.0000000000005 is exactly half of the last place: ties go to the even neighbour.
    assert.equal(d("0.0000000000005").div(d("1")).toString(), "0");
    assert.equal(d("0.0000000000015").div(d("1")).toString(), "0.000000000002");
    assert.equal(d("-0.0000000000015").div(d("1")).toString(), "-0.000000000002");
    assert.equal(d("1").div(d("-8")).toString(), "-0.125");
    assert.throws(() => d("1").div(d("0.000")), RangeError);
  });

  await t.step("divides exactly like big.js at any number of places (property)", () => {
    // Mantissas of every size, so that both the float long division and BigInt are exercised.
    const operand = fc.tuple(
      fc.boolean(),
      fc.oneof(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: 0n, max: 10n ** 25n }),
      ),
      fc.integer({ min: 0, max: 18 }),
    ).map(([negative, m, s]) => {
      const mantissa = BigInt(m);
      return new Decimal(negative ? -mantissa : mantissa, s).toString();
    });
    fc.assert(
      fc.property(operand, operand, fc.integer({ min: 0, max: 30 }), (a, b, places) => {
        fc.pre(!d(b).isZero());
        Big.DP = places;
        Big.RM = Big.roundHalfEven;
        const quotient = d(a).div(d(b), places);
        assert.equal(quotient.toString(), new Big(a).div(b).toFixed(), `${a} / ${b} at ${places}`);
        assert.ok(!Object.is(quotient.m, -0));
      }),
      { numRuns: 20000 },
    );
    Big.DP = 12;
  });

  await t.step("normalizes every zero to one value (no -0 mantissa)", () => {
    for (
      const zero of [
        d("0"),
        d("-0"),
        d("0.000"),
        d("-0.00"),
        new Decimal(-0, 0),
        d("5").minus(d("5")),
      ]
    ) {
      const normal = zero.normalize();
      assert.ok(Object.is(normal.m, 0) && normal.s === 0, `${zero.m} ${zero.s}`);
    }
  });

  await t.step("compares by value, whatever the scale", () => {
    assert.equal(d("1.50").cmp(d("1.5")), 0);
    assert.equal(d("-2").cmp(d("1")), -1);
    assert.ok(d("0.000").isZero());
    assert.equal(d("1.2300").normalize().toString(), "1.23");
    assert.equal(d("-0.000").normalize().toString(), "0");
  });

  await t.step("agrees with big.js on random values (property)", () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const [x, y] = [d(a), d(b)];
        assert.equal(x.plus(y).normalize().toString(), new Big(a).plus(b).toFixed());
        assert.equal(x.minus(y).normalize().toString(), new Big(a).minus(b).toFixed());
        assert.equal(x.times(y).normalize().toString(), new Big(a).times(b).toFixed());
        assert.equal(x.cmp(y), new Big(a).cmp(b));
        if (!y.isZero()) {
          Big.DP = 12;
          Big.RM = Big.roundHalfEven;
          assert.equal(x.div(y).toString(), new Big(a).div(b).toFixed());
        }
      }),
      { numRuns: 5000 },
    );
  });
});
