/**
 * JSON parsing that keeps Binance's ids exact.
 *
 * Binance sends ids as JSON numbers, and some exceed 2^53: an income `tranId` such as
 * `4480321991774044580` would become `4480321991774044700` under plain `JSON.parse`, and two rows
 * could collide. The reviver's third argument (`context.source`, the "JSON.parse source text
 * access" proposal, shipped in V8 and so in Deno 2) gives each number's original text, which is
 * kept instead.
 *
 * @module
 */

/** Fields that hold an id: always returned as digit strings, whatever their size. */
const ID_FIELDS: ReadonlySet<string> = new Set(["id", "orderId", "tranId", "tradeId"]);

const INTEGER = /^-?\d+$/;

interface ReviverContext {
  readonly source?: string;
}

/**
 * Parses JSON text like `JSON.parse`, except that an integer written in the text becomes its exact
 * digit string when it is not a safe integer (beyond ±2^53 − 1) or when it is the value of an id
 * field (`id`, `orderId`, `tranId`, `tradeId`), so ids have one type, `string`, end to end.
 * Other numbers stay numbers.
 *
 * @throws {SyntaxError} when the text is not JSON.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, (key: string, value: unknown, context?: ReviverContext): unknown => {
    if (typeof value !== "number") return value;
    const source = context?.source;
    if (source === undefined) {
      throw new Error("this JavaScript engine lacks JSON.parse source text access (Deno ≥ 2)");
    }
    if (INTEGER.test(source) && (ID_FIELDS.has(key) || !Number.isSafeInteger(value))) {
      return source;
    }
    return value;
  });
}
