/**
 * Plain-object helpers: the one `isPlainObject` and `hasNoKeys` the project uses, and copies
 * without object spread. On Node 20 (V8 11.3) a spread whose result has keys
 * its first source lacks — `{ ...a, b }`, `{ ...a, ...b }`, or a key assigned to a spread
 * copy later — takes a slow path every time: ~1 µs instead of ~50 ns, and (measured, not
 * explained) young-generation GCs then kept the objects it touched alive and promoted them:
 * rag_stream's scavenges took ~7 ms and GC ~20% of the server's CPU (issue #5).
 * `Object.assign` onto a fresh object has neither cost; a spread that only copies (no key
 * added afterwards) is fast, but one rule is easier to keep: the lint config bans object
 * spread in `src/`.
 */

const hasOwn = Object.prototype.hasOwnProperty;

/** True for `{…}` objects (prototype Object.prototype or null), false for arrays, class instances and primitives. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `value` has no enumerable string key (own or inherited), without listing the keys. */
export function hasNoKeys(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/**
 * Copies `source`'s own enumerable properties (string and symbol keys, in order) onto
 * `target`, as spread would: an own `__proto__` key (JSON input can carry one) becomes an
 * own property instead of changing `target`'s prototype. Getters on `source` are read.
 */
export function assignOwn<T extends object, S extends object>(target: T, source: S | null | undefined): T & S {
  if (source === null || source === undefined) return target as T & S;
  if (!hasOwn.call(source, "__proto__")) return Object.assign(target, source);
  for (const key of Reflect.ownKeys(source)) {
    if (!Object.prototype.propertyIsEnumerable.call(source, key)) continue;
    const value = (source as Record<PropertyKey, unknown>)[key];
    if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else (target as Record<PropertyKey, unknown>)[key] = value;
  }
  return target as T & S;
}

/**
 * `{ ...a, ...b }` (either may be absent): a fresh plain object with `a`'s own enumerable
 * properties, then `b`'s.
 * @example
 * merged({ x: 1, y: 2 }, { y: 3 }); // { x: 1, y: 3 }
 */
export function merged<A extends object, B extends object>(a: A | null | undefined, b: B | null | undefined): A & B {
  return assignOwn(assignOwn({}, a), b) as A & B;
}

/**
 * `{ ...a }`: a fresh plain object with `a`'s own enumerable properties, safe to add keys to.
 * @example
 * const copy = copied(config); copy.runName = "x";
 */
export function copied<A extends object>(a: A): A {
  return assignOwn({}, a) as A;
}
