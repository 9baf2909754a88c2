import { CellarError } from '../errors.js';
import type { EntityKey } from '../store/blob-store.js';
import type { KeyStore, WrappedKey } from '../store/key-store.js';
import { type NewDataKey, newDataKeys } from './data-key-batch.js';
import { DataKeyCache } from './data-key-cache.js';
import { IndexHasher } from './index-hasher.js';
import { KeyArena } from './key-arena.js';
import { unwrapKeyInto } from './key-wrap.js';
import type { MasterKey } from './master-key.js';
import { readWrappedKeys } from './read-wrapped-keys.js';
import { asMasterKeySet, type MasterKeySet } from './rotation/master-key-set.js';
import { MasterVersionLoader } from './rotation/version-loader.js';
import type { SecureKey } from './secure-buffer.js';
import { loadSystemKey, masterFor, verifyMasterKey } from './system-keys.js';
import { SystemSealer } from './system-sealer.js';

export interface KeyringOptions {
  /** Where the key store lives (e.g. its file path), named in errors. Default `the key store`. */
  readonly location?: string;
  /** Unwrapped data keys kept in memory, at most. Default {@link DEFAULT_DATA_KEY_CACHE_SIZE}. */
  readonly cacheSize?: number;
  /**
   * Loads a master key version the keyring does not hold, when a key turns out to be wrapped by it
   * (a rotation running in another process moved it); verified against its check value before
   * use. Without it, such a key is CELLAR_ERR_KEY_MASTER_WRONG.
   */
  readonly loadVersion?: (version: number) => MasterKey;
}

export { DEFAULT_DATA_KEY_CACHE_SIZE } from './data-key-cache.js';

/** Name of the system key whose bytes seed the audit checkpoint signer (`system:audit-signing`). */
export const AUDIT_SIGNING_KEY = 'audit-signing';

/** A data key made but not yet stored, and its wrap (see {@link newDataKeys}). */
type PendingKey = NewDataKey;

/**
 * Every key the runtime uses, derived from the master key: the keyed hashes that name entities,
 * index rows and tokens on disk, the per-entity data keys, and the system keys that seal dead
 * letters and parked events. Keys are unwrapped with whichever master key version wrapped them;
 * new keys are wrapped with the newest (see {@link MasterKeySet}, docs/key-rotation.md).
 *
 * New data keys are not stored at once: they are collected as pending wraps, which the flusher
 * writes with `keyStore.putMany(keyring.pendingKeys())` BEFORE it commits the blobs encrypted with
 * them, then releases with `clearPending(written)`. A crash in between leaves a stored key with no
 * blob, never a blob with no key.
 *
 * Caveat: one runtime per key store (system keys are created without a cross-process lock).
 */
export class Keyring {
  readonly #masters: MasterKeySet;
  readonly #keyStore: KeyStore;
  readonly #versions: MasterVersionLoader;
  readonly #hasher: IndexHasher;
  readonly #arena = new KeyArena();
  readonly #cache: DataKeyCache;
  readonly #pending = new Map<EntityKey, PendingKey>();
  readonly #sealer: SystemSealer;
  /**
   * Keys forgotten while a `dataKeys` call was waiting on the key store, with the sequence number
   * of the forget: a call that started earlier must not revive them from its (stale) read.
   */
  readonly #forgotten = new Map<EntityKey, number>();
  #forgetSeq = 0;
  #inFlight = 0;
  #closed = false;

  private constructor(
    masters: MasterKeySet,
    keyStore: KeyStore,
    hasher: IndexHasher,
    options: KeyringOptions,
  ) {
    this.#masters = masters;
    this.#keyStore = keyStore;
    const location = options.location ?? 'the key store';
    this.#versions = new MasterVersionLoader(masters, keyStore, location, options.loadVersion);
    this.#hasher = hasher;
    this.#cache = new DataKeyCache(options.cacheSize);
    this.#sealer = new SystemSealer(masters, keyStore, (v) => this.#versions.ensure(v));
  }

  /**
   * Opens the keyring: verifies every master key version against the key store's check value
   * (recording it on first use; CELLAR_ERR_KEY_MASTER_WRONG on a mismatch) and loads or creates
   * `system:index`. The keys stay the caller's: `close()` does not dispose them.
   */
  static async open(
    master: MasterKey | MasterKeySet,
    keyStore: KeyStore,
    options: KeyringOptions = {},
  ): Promise<Keyring> {
    const masters = asMasterKeySet(master);
    for (const version of masters.versions()) {
      await verifyMasterKey(masters.get(version)!, keyStore, options.location ?? 'the key store');
    }
    const indexKey = await loadSystemKey(masters, keyStore, 'index');
    try {
      return new Keyring(masters, keyStore, IndexHasher.fromIndexKey(indexKey), options);
    } finally {
      indexKey.dispose();
    }
  }

  /** Version of the master key that wraps new keys (the newest loaded); recorded in blob headers. */
  get masterVersion(): number {
    return this.#masters.current.version;
  }

  /** The keyed hash a token is indexed under (never the token itself): hex BLAKE2b-256. */
  tokenKey(token: string): string {
    this.#assertOpen();
    return this.#hasher.tokenKey(token);
  }

  /** The entity's key in the stores: hex keyed BLAKE2b-256 of (product, entity id). */
  entityKey(product: string, entityId: string): EntityKey {
    this.#assertOpen();
    return this.#hasher.entityKey(product, entityId);
  }

  /** A routing-index row key: hex keyed hash of (product, table, primary-key values). */
  rowKey(product: string, table: string, pk: readonly unknown[]): string {
    this.#assertOpen();
    return this.#hasher.rowKey(product, table, pk);
  }

  /** What a parked child waits for: the {@link Keyring.rowKey} of its parent row. */
  parentKey(product: string, table: string, pk: readonly unknown[]): string {
    return this.rowKey(product, table, pk);
  }

  /** The entity hash for audit records, from its own key (unrelated to {@link Keyring.entityKey}). */
  hashForAudit(product: string, entityId: string): string {
    this.#assertOpen();
    return this.#hasher.auditHash(product, entityId);
  }

  /**
   * The data keys of `keys`: from the cache, else unwrapped from the key store; when `create`,
   * missing ones are generated and become pending wraps. Without `create`, a key with none stored
   * is absent from the map. Rejects with CELLAR_ERR_KEY_CORRUPT / CELLAR_ERR_KEY_MASTER_WRONG
   * when a stored key cannot be unwrapped.
   */
  async dataKeys(keys: readonly EntityKey[], create: boolean): Promise<Map<EntityKey, SecureKey>> {
    this.#assertOpen();
    const found = new Map<EntityKey, SecureKey>();
    const missing: EntityKey[] = [];
    for (const id of keys) {
      if (found.has(id)) continue;
      const known = this.#known(id);
      if (known !== undefined) found.set(id, known);
      else missing.push(id);
    }
    if (missing.length === 0) return found;

    const ids = [...new Set(missing)];
    const startSeq = this.#forgetSeq;
    this.#inFlight += 1;
    try {
      // Keys made now are wrapped by the newest version, even one a rotation elsewhere just added.
      if (create) await this.#versions.refresh();
      const stored = await readWrappedKeys(this.#keyStore, ids);
      const versions = new Set([...stored.values()].map((k) => k.masterVersion));
      for (const v of versions) if (this.#masters.get(v) === undefined) await this.#versions.ensure(v);
      this.#assertOpen();
      // One master-key unprotect for the whole batch instead of one per wrap or unwrap.
      this.#masters.current.key.use(() => this.#resolveMissing(ids, stored, create, startSeq, found));
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#forgotten.clear();
    }
    return found;
  }

  /** The synchronous half of dataKeys: nothing can interleave between the checks and the inserts. */
  #resolveMissing(
    ids: readonly EntityKey[],
    stored: ReadonlyMap<string, WrappedKey>,
    create: boolean,
    startSeq: number,
    found: Map<EntityKey, SecureKey>,
  ): void {
    const absent: EntityKey[] = [];
    for (const id of ids) {
      if ((this.#forgotten.get(id) ?? 0) > startSeq) continue;
      const known = this.#known(id); // another call may have loaded or created it meanwhile
      if (known !== undefined) {
        found.set(id, known);
        continue;
      }
      const wrapped = stored.get(id);
      if (wrapped === undefined) {
        if (create) absent.push(id);
        continue;
      }
      const key = this.#unwrap(wrapped);
      this.#cache.set(id, key);
      found.set(id, key);
    }
    for (const made of newDataKeys(this.#arena, this.#masters.current, absent)) {
      this.#pending.set(made.wrapped.id, made);
      found.set(made.wrapped.id, made.key);
    }
  }

  /** Wraps of data keys created since they were last cleared; write them before the blobs. */
  pendingKeys(): WrappedKey[] {
    return [...this.#pending.values()].map((p) => p.wrapped);
  }

  /**
   * Marks pending wraps as stored; their keys move to the cache. With `written`, only those (the
   * list given to `putMany`) — keys created meanwhile stay pending; without, all of them.
   */
  clearPending(written?: readonly WrappedKey[]): void {
    const entries = written === undefined ? [...this.#pending.values()].map((p) => p.wrapped) : written;
    for (const wrapped of entries) {
      const pending = this.#pending.get(wrapped.id);
      if (pending === undefined || !sameBytes(pending.wrapped.wrapped, wrapped.wrapped)) continue;
      this.#pending.delete(wrapped.id);
      if (!this.#closed) this.#cache.set(wrapped.id, pending.key);
    }
  }

  /** Drops the entity's data key from memory, zeroing it (erasure; delete it from the key store too). */
  forget(key: EntityKey): void {
    this.#cache.delete(key);
    this.#pending.get(key)?.key.dispose();
    this.#pending.delete(key);
    if (this.#inFlight > 0) {
      this.#forgetSeq += 1;
      this.#forgotten.set(key, this.#forgetSeq);
    }
  }

  /**
   * `plaintext` sealed with the system key `system:<name>` (created on first use) and bound to the
   * name: a record sealed for one purpose does not open as another.
   */
  async sealSystem(name: string, plaintext: Uint8Array): Promise<Uint8Array> {
    this.#assertOpen();
    return this.#sealer.seal(name, plaintext);
  }

  /** The plaintext of a record from {@link Keyring.sealSystem}; CELLAR_ERR_CODEC_TAMPERED when it fails to open. */
  async openSystem(name: string, sealed: Uint8Array): Promise<Buffer> {
    this.#assertOpen();
    return this.#sealer.open(name, sealed);
  }

  /**
   * The 32-byte Ed25519 seed that signs audit checkpoints: the system key `system:audit-signing`,
   * created and stored on first use, so the checkpoint public key stays the same across restarts
   * for as long as the key store lives. The caller owns the returned key and must dispose it
   * (the audit log derives its signer when it opens, so dispose right after).
   */
  async auditSigningSeed(): Promise<SecureKey> {
    return this.systemKey(AUDIT_SIGNING_KEY);
  }

  /**
   * The system key `system:<name>`, created and stored on first use, unwrapped with whichever
   * master key version wraps it. The caller owns the returned key and must dispose it.
   */
  async systemKey(name: string): Promise<SecureKey> {
    this.#assertOpen();
    return loadSystemKey(this.#masters, this.#keyStore, name, (v) => this.#versions.ensure(v));
  }

  /** Zeroes every key the keyring holds. Keys handed out earlier become unusable. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cache.clear();
    for (const pending of this.#pending.values()) pending.key.dispose();
    this.#pending.clear();
    this.#sealer.close();
    this.#hasher.dispose();
    this.#arena.destroy();
  }

  #known(id: EntityKey): SecureKey | undefined {
    return this.#pending.get(id)?.key ?? this.#cache.get(id);
  }

  #unwrap(wrapped: WrappedKey): SecureKey {
    const master = masterFor(this.#masters, wrapped);
    return this.#arena.allocate((slot) => unwrapKeyInto(master.key, wrapped.id, wrapped.wrapped, slot));
  }

  #assertOpen(): void {
    if (this.#closed) throw new CellarError('CELLAR_ERR_INTERNAL', 'the keyring is closed');
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
