/**
 * A Map that refuses changes once built, for the lookups of a compiled product (`tablesByName`,
 * `columnsByName`, `SourceDef.tables`). `Object.freeze` alone does not stop `Map#set`.
 */
class FrozenMap<K, V> extends Map<K, V> {
  readonly #sealed: boolean;

  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
    this.#sealed = true;
    Object.freeze(this);
  }

  override set(key: K, value: V): this {
    if (this.#sealed) throw new TypeError('a compiled product is read-only');
    return super.set(key, value);
  }

  override delete(_key: K): boolean {
    throw new TypeError('a compiled product is read-only');
  }

  override clear(): void {
    throw new TypeError('a compiled product is read-only');
  }
}

/** A read-only map of `entries`; mutating it throws a TypeError. */
export function frozenMap<K, V>(entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
  return new FrozenMap(entries);
}
