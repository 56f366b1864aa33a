/**
 * Indexing that fails loudly. Under `noUncheckedIndexedAccess` `rows[0]` and `files[name]` type
 * as possibly undefined; these return the element, or throw a RangeError naming what is missing,
 * so a test that reads a row which is not there fails as it did before (then with a TypeError).
 *
 * @module
 */

/**
 * `items[i]`; throws unless `0 ≤ i < items.length`. A negative index is refused, not counted
 * from the end: a -1 from a failed `indexOf` must not read the last element.
 */
export function at<T>(items: ArrayLike<T>, i: number): T {
  if (!Number.isInteger(i) || i < 0 || i >= items.length) {
    throw new RangeError(`no element at index ${i}: there are ${items.length}`);
  }
  return items[i] as T; // in range: the cast only drops the `undefined` the option adds
}

/** The last element of `items`; throws if there is none. */
export function last<T>(items: ArrayLike<T>): T {
  return at(items, items.length - 1);
}

/** `record[key]`; throws if the record has no own property `key`. */
export function valueAt<T>(record: Readonly<Record<string, T>>, key: string): T {
  if (!Object.hasOwn(record, key)) {
    throw new RangeError(`no "${key}" among ${JSON.stringify(Object.keys(record))}`);
  }
  return record[key] as T; // present: the cast only drops the `undefined` the option adds
}
