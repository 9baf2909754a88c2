import { CellarError } from '../errors.js';
import type { KeyStore } from '../store/key-store.js';
import { openRecord, sealRecord } from './key-wrap.js';
import type { MasterKey } from './master-key.js';
import type { MasterKeySet } from './rotation/master-key-set.js';
import type { SecureKey } from './secure-buffer.js';
import { type EnsureMasterVersion, loadSystemKey } from './system-keys.js';

/** Names of system keys used for sealing: lowercase words and dashes; `index` is reserved. */
const SYSTEM_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Seals small records the runtime stores outside micro-DBs but that hold entity data (dead
 * letters, parked events) with a system key per purpose, `system:<name>`, loaded or created on
 * first use and then kept in secure memory (unreadable between uses). The purpose name is the
 * associated data: a record sealed for one purpose does not open as another.
 */
export class SystemSealer {
  readonly #master: MasterKey | MasterKeySet;
  readonly #keyStore: KeyStore;
  readonly #ensureVersion: EnsureMasterVersion | undefined;
  readonly #keys = new Map<string, Promise<SecureKey>>();
  #closed = false;

  constructor(master: MasterKey | MasterKeySet, keyStore: KeyStore, ensureVersion?: EnsureMasterVersion) {
    this.#master = master;
    this.#keyStore = keyStore;
    this.#ensureVersion = ensureVersion;
  }

  /** `plaintext` sealed under `system:<name>`: format ‖ nonce ‖ ciphertext ‖ tag. */
  async seal(name: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const key = await this.#key(name);
    this.#assertOpen();
    return sealRecord(key, `system:${name}`, plaintext);
  }

  /** The plaintext of a sealed record; CELLAR_ERR_CODEC_TAMPERED when it fails to open. */
  async open(name: string, sealed: Uint8Array): Promise<Buffer> {
    const key = await this.#key(name);
    this.#assertOpen();
    const plaintext = openRecord(key, `system:${name}`, sealed);
    if (plaintext === undefined) {
      throw new CellarError(
        'CELLAR_ERR_CODEC_TAMPERED',
        `a sealed system:${name} record failed authentication`,
        {
          hint: 'the record was altered, truncated, or sealed for another purpose',
        },
      );
    }
    return plaintext;
  }

  /** Zeroes every loaded key (and any still loading, once loaded). Idempotent. */
  close(): void {
    this.#closed = true;
    for (const loading of this.#keys.values()) {
      loading.then(
        (key) => key.dispose(),
        () => undefined, // a failed load holds no key
      );
    }
    this.#keys.clear();
  }

  #key(name: string): Promise<SecureKey> {
    this.#assertOpen();
    if (!SYSTEM_NAME.test(name) || name === 'index') {
      throw new CellarError('CELLAR_ERR_INTERNAL', `"${name}" is not a usable system key name`, {
        hint: 'use lowercase letters, digits and dashes; "index" is reserved',
      });
    }
    const known = this.#keys.get(name);
    if (known !== undefined) return known;
    const loading = loadSystemKey(this.#master, this.#keyStore, name, this.#ensureVersion);
    this.#keys.set(name, loading);
    // A failed load must not be remembered: the next call retries.
    loading.catch(() => {
      if (this.#keys.get(name) === loading) this.#keys.delete(name);
    });
    return loading;
  }

  #assertOpen(): void {
    if (this.#closed) throw new CellarError('CELLAR_ERR_INTERNAL', 'the keyring is closed');
  }
}
