import { inspect } from 'node:util';
import sodium from 'sodium-native';
import { CellarError } from '../errors.js';

/** Bytes in every Cellar key (master, system, data): 256 bits. */
export const KEY_BYTES = 32;

/**
 * How a dedicated key's memory is protected between uses.
 * - `noaccess`: unreadable between uses (each use costs two `mprotect` calls, ~1.5 µs each
 *   measured on the 2-core reference VM) — for keys used now and then: master, sealing keys.
 * - `readonly`: readable, not writable — for keys used on every event (the index hashing keys),
 *   where the toggling would cost more than the hashing.
 */
export type IdleProtection = 'noaccess' | 'readonly';

/**
 * The memory behind one {@link SecureKey}: a dedicated guarded allocation or a slot of a
 * {@link KeyArena}. Not for use outside src/crypto/.
 */
export interface KeyCell {
  /** Runs `fn` with the key bytes readable; the bytes must not escape `fn`. */
  read<T>(fn: (bytes: Buffer) => T): T;
  /** Zeroes the bytes and gives the memory back. Idempotent. */
  release(): void;
}

const REDACTED = '[redacted]';

/**
 * A 256-bit key held in libsodium secure memory (`sodium_malloc`): outside the V8 heap (so never
 * in a heap snapshot), locked against swapping, excluded from core dumps, between guard pages.
 * The bytes are reachable only inside {@link SecureKey.use}; printing, logging or serializing a
 * key shows `[redacted]`.
 *
 * Caveats: the callback given to `use` must be synchronous and must not keep the buffer — after it
 * returns the memory may be unreadable (touching it then kills the process with SIGSEGV).
 * `dispose()` zeroes the key at once; a key that is merely dropped is zeroed when it is garbage
 * collected.
 */
export class SecureKey {
  #cell: KeyCell | undefined;

  /** Wraps a cell. Prefer {@link SecureKey.random}, {@link SecureKey.copyOf} or a KeyArena. */
  constructor(cell: KeyCell) {
    this.#cell = cell;
  }

  /** A fresh random key in its own guarded allocation. */
  static random(idle: IdleProtection = 'noaccess'): SecureKey {
    return SecureKey.fill((bytes) => sodium.randombytes_buf(bytes), idle);
  }

  /** A key holding a copy of `bytes` (exactly 32). Zeroing the source is the caller's job. */
  static copyOf(bytes: Uint8Array, idle: IdleProtection = 'noaccess'): SecureKey {
    if (bytes.length !== KEY_BYTES) {
      throw new CellarError('CELLAR_ERR_INTERNAL', `a key must be ${KEY_BYTES} bytes, got ${bytes.length}`);
    }
    return SecureKey.fill((target) => target.set(bytes), idle);
  }

  /** A key whose 32 bytes `init` writes (e.g. a KDF output), in its own guarded allocation. */
  static fill(init: (bytes: Buffer) => void, idle: IdleProtection = 'noaccess'): SecureKey {
    return new SecureKey(new GuardedCell(init, idle));
  }

  /** True once {@link SecureKey.dispose} ran. */
  get disposed(): boolean {
    return this.#cell === undefined;
  }

  /** Runs `fn` with the key bytes. Synchronous only; the bytes must not outlive the call. */
  use<T>(fn: (bytes: Buffer) => T): T {
    const cell = this.#cell;
    if (cell === undefined) {
      throw new CellarError('CELLAR_ERR_INTERNAL', 'a disposed key was used', {
        hint: 'a key was erased or its keyring closed while still in use',
      });
    }
    return cell.read((bytes) => {
      const result = fn(bytes);
      if (isThenable(result)) {
        throw new CellarError('CELLAR_ERR_INTERNAL', 'SecureKey.use() was given an async callback');
      }
      return result;
    });
  }

  /** Zeroes the key now and frees its memory. Idempotent. */
  dispose(): void {
    const cell = this.#cell;
    this.#cell = undefined;
    cell?.release();
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return `SecureKey ${REDACTED}`;
  }

  [inspect.custom](): string {
    return `SecureKey ${REDACTED}`;
  }
}

/** A key in its own `sodium_malloc` allocation, protected per {@link IdleProtection} when idle. */
class GuardedCell implements KeyCell {
  #memory: sodium.SecureBuffer | undefined;
  readonly #idle: IdleProtection;
  #readers = 0;

  constructor(init: (bytes: Buffer) => void, idle: IdleProtection) {
    const memory = sodium.sodium_malloc(KEY_BYTES);
    try {
      init(memory);
    } catch (err) {
      sodium.sodium_free(memory);
      throw err;
    }
    this.#memory = memory;
    this.#idle = idle;
    this.#protect();
  }

  read<T>(fn: (bytes: Buffer) => T): T {
    const memory = this.#memory;
    if (memory === undefined) throw new CellarError('CELLAR_ERR_INTERNAL', 'a released key was used');
    if (this.#readers === 0 && this.#idle === 'noaccess') sodium.sodium_mprotect_readonly(memory);
    this.#readers += 1;
    try {
      return fn(memory);
    } finally {
      this.#readers -= 1;
      // Only a noaccess key changes protection per use (a readonly one never leaves readonly). The
      // callback may have released the key; freed memory must not be touched again.
      if (this.#readers === 0 && this.#idle === 'noaccess' && this.#memory !== undefined) {
        sodium.sodium_mprotect_noaccess(this.#memory);
      }
    }
  }

  release(): void {
    const memory = this.#memory;
    this.#memory = undefined;
    // sodium_free makes the pages writable, zeroes and unmaps them, and detaches the buffer.
    if (memory !== undefined) sodium.sodium_free(memory);
  }

  #protect(): void {
    const memory = this.#memory;
    if (memory === undefined) return;
    if (this.#idle === 'noaccess') sodium.sodium_mprotect_noaccess(memory);
    else sodium.sodium_mprotect_readonly(memory);
  }
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { readonly then?: unknown }).then === 'function'
  );
}
