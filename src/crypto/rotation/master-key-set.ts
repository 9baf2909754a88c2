import { CellarError } from '../../errors.js';
import type { MasterKey } from '../master-key.js';

/**
 * The master key versions a process holds: every version that still wraps keys in its key store.
 * The newest ({@link MasterKeySet.current}) wraps every new key; older ones only unwrap, until a
 * rotation has re-wrapped everything they wrapped and they are retired (docs/key-rotation.md).
 *
 * Caveats: versions can be added later ({@link MasterKeySet.add}, when a running process meets a
 * key a concurrent rotation wrapped under a newer version), never removed; `dispose` zeroes them
 * all.
 */
export class MasterKeySet {
  readonly #byVersion = new Map<number, MasterKey>();
  #current: MasterKey;

  constructor(keys: readonly MasterKey[]) {
    const [first, ...rest] = keys;
    if (first === undefined)
      throw new CellarError('CELLAR_ERR_INTERNAL', 'a master key set needs at least one key');
    this.#current = first;
    this.#byVersion.set(first.version, first);
    for (const key of rest) this.add(key);
  }

  /** A set holding one key. */
  static of(key: MasterKey): MasterKeySet {
    return new MasterKeySet([key]);
  }

  /** The newest version: it wraps new keys. */
  get current(): MasterKey {
    return this.#current;
  }

  /** The key of `version`, or undefined when this set does not hold it. */
  get(version: number): MasterKey | undefined {
    return this.#byVersion.get(version);
  }

  /** Held versions, ascending. */
  versions(): number[] {
    return [...this.#byVersion.keys()].sort((a, b) => a - b);
  }

  /** Adds a version (a newer one becomes current). Adding a held version again is refused. */
  add(key: MasterKey): void {
    if (this.#byVersion.has(key.version)) {
      throw new CellarError('CELLAR_ERR_INTERNAL', `master key version ${key.version} is already loaded`);
    }
    this.#byVersion.set(key.version, key);
    if (key.version > this.#current.version) this.#current = key;
  }

  /** Zeroes every key. */
  dispose(): void {
    for (const key of this.#byVersion.values()) key.key.dispose();
  }
}

/** `keys` as a set: a single key becomes a set of one. */
export function asMasterKeySet(keys: MasterKey | MasterKeySet): MasterKeySet {
  return keys instanceof MasterKeySet ? keys : MasterKeySet.of(keys);
}
