import sodium from 'sodium-native';
import { CellarError } from '../errors.js';
import { KEY_BYTES, type KeyCell, SecureKey } from './secure-buffer.js';

/** Keys per secure-memory slab: 1024 × 32 B = 32 KB, one guarded allocation. */
export const DEFAULT_ARENA_SLAB_KEYS = 1024;

/**
 * Secure memory for many small keys (the per-entity data keys the keyring caches).
 *
 * Why not one `sodium_malloc` per key: each allocation is its own mapping with guard pages (four
 * kernel memory areas, 16 KB of address space), and Linux allows 65 530 areas per process by
 * default — measured, the process aborts at about 16 000 keys. The arena carves 32-byte slots
 * out of slabs of {@link DEFAULT_ARENA_SLAB_KEYS} keys instead; each slab keeps the guarantees of
 * `sodium_malloc` (locked, excluded from core dumps, outside the V8 heap, guard pages).
 *
 * Caveat: slabs stay readable and writable. Keys are written on every unwrap and read on every
 * cold read; toggling page protection on each would cost two system calls per access. Keys that
 * are used rarely belong in a dedicated {@link SecureKey} with `noaccess` protection.
 *
 * A slot is zeroed when its key is disposed or, for a key that was merely dropped, when the key is
 * garbage collected.
 */
export class KeyArena {
  readonly #slabKeys: number;
  readonly #slabs: Slab[] = [];
  readonly #finalizer = new FinalizationRegistry<ArenaCell>((cell) => cell.release());

  constructor(slabKeys: number = DEFAULT_ARENA_SLAB_KEYS) {
    if (!Number.isInteger(slabKeys) || slabKeys < 1) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `arena slab size must be a positive integer, got ${slabKeys}`,
      );
    }
    this.#slabKeys = slabKeys;
  }

  /** Keys currently held (allocated and not yet released). */
  get liveKeys(): number {
    return this.#slabs.reduce((sum, slab) => sum + slab.used, 0);
  }

  /** Slabs currently mapped. */
  get slabCount(): number {
    return this.#slabs.length;
  }

  /**
   * A key whose 32 bytes `init` writes into its slot (random bytes, an unwrapped key). When `init`
   * throws, the slot is zeroed and freed and the error propagates.
   */
  allocate(init: (slot: Buffer) => void): SecureKey {
    const slab = this.#slabWithRoom();
    const index = slab.free.pop()!;
    slab.used += 1;
    const cell = new ArenaCell(this, slab, index);
    try {
      init(slab.memory.subarray(index * KEY_BYTES, (index + 1) * KEY_BYTES));
    } catch (err) {
      cell.release();
      throw err;
    }
    const key = new SecureKey(cell);
    this.#finalizer.register(key, cell, cell);
    return key;
  }

  /** A fresh random key. */
  random(): SecureKey {
    return this.allocate((slot) => sodium.randombytes_buf(slot));
  }

  /** Zeroes every slot and unmaps every slab; keys still held become unusable. */
  destroy(): void {
    for (const slab of this.#slabs.splice(0)) unmap(slab);
  }

  /** @internal Called by a cell: zero the slot, give it back, unmap a surplus empty slab. */
  releaseSlot(cell: ArenaCell, slab: Slab, index: number): void {
    this.#finalizer.unregister(cell);
    if (slab.unmapped) return; // destroyed: already zeroed and unmapped
    sodium.sodium_memzero(slab.memory.subarray(index * KEY_BYTES, (index + 1) * KEY_BYTES));
    slab.free.push(index);
    slab.used -= 1;
    if (slab.used === 0 && this.#slabs.length > 1) {
      this.#slabs.splice(this.#slabs.indexOf(slab), 1);
      unmap(slab);
    }
  }

  #slabWithRoom(): Slab {
    for (const slab of this.#slabs) if (slab.free.length > 0) return slab;
    const free: number[] = [];
    for (let i = this.#slabKeys - 1; i >= 0; i -= 1) free.push(i);
    const slab: Slab = {
      memory: sodium.sodium_malloc(this.#slabKeys * KEY_BYTES),
      free,
      used: 0,
      unmapped: false,
    };
    this.#slabs.push(slab);
    return slab;
  }
}

interface Slab {
  readonly memory: sodium.SecureBuffer;
  /** Free slot indexes; popped from the end. */
  readonly free: number[];
  used: number;
  /** Set once the slab's memory is freed: its buffer is detached and must not be touched. */
  unmapped: boolean;
}

function unmap(slab: Slab): void {
  slab.unmapped = true;
  sodium.sodium_free(slab.memory); // zeroes, then unmaps
}

/** One slot of a slab. Holds no reference to its SecureKey, so the key can be collected. */
class ArenaCell implements KeyCell {
  #slab: Slab | undefined;
  readonly #arena: KeyArena;
  readonly #index: number;

  constructor(arena: KeyArena, slab: Slab, index: number) {
    this.#arena = arena;
    this.#slab = slab;
    this.#index = index;
  }

  read<T>(fn: (bytes: Buffer) => T): T {
    const slab = this.#slab;
    if (slab === undefined) throw new CellarError('CELLAR_ERR_INTERNAL', 'a released key was used');
    if (slab.unmapped) throw new CellarError('CELLAR_ERR_INTERNAL', 'a key of a destroyed arena was used');
    return fn(slab.memory.subarray(this.#index * KEY_BYTES, (this.#index + 1) * KEY_BYTES));
  }

  release(): void {
    const slab = this.#slab;
    this.#slab = undefined;
    if (slab !== undefined) this.#arena.releaseSlot(this, slab, this.#index);
  }
}
