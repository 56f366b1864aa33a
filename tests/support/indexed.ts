/**
 * Indexing that fails loudly. Under `noUncheckedIndexedAccess` `rows[0]` and `files[name]` type
 * as possibly undefined; these return the element, or throw a RangeError naming what is missing,
 * so a test that reads a row which is not there fails as it did before (then with a TypeError).
 *
 * @module
 */

/** `items[i]` (a negative `i` counts from the end, as `Array.prototype.at`); throws if out of range. */
export function at<T>(items: ArrayLike<T>, i: number): T {
  const k = i < 0 ? items.length + i : i;
  if (!Number.isInteger(k) || k < 0 || k >= items.length) {
    throw new RangeError(`no element at index ${i}: there are ${items.length}`);
  }
  return items[k] as T; // in range: the cast only drops the `undefined` the option adds
}

/** `record[key]`; throws if the record has no own property `key`. */
export function valueAt<T>(record: Readonly<Record<string, T>>, key: string): T {
  if (!Object.hasOwn(record, key)) {
    throw new RangeError(`no "${key}" among ${JSON.stringify(Object.keys(record))}`);
  }
  return record[key] as T; // present: the cast only drops the `undefined` the option adds
}
