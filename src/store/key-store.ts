/**
 * Wrapped data keys, kept apart from the blobs so that deleting a key (erasure) makes every copy
 * of the entity's blob unreadable, backups included.
 *
 * Key ids are {@link EntityKey}s for entity keys and `system:<name>` for the runtime's own keys
 * (index hashing, dead letters); `next:<entity key>` holds an entity's replacement data key while
 * `cellar keys rotate --reencrypt` swaps it in. Methods may reject with CELLAR_ERR_STORE_IO.
 */
import type { EntityKey, EntityRef } from './blob-store.js';

/** A suppression entry: the entity was erased, and later source events for it are dropped. */
export interface Suppression extends EntityRef {
  /** When it was suppressed, epoch ms. */
  readonly at: number;
}

export interface WrappedKey {
  readonly id: EntityKey | `system:${string}`;
  /** Version of the master key that wrapped it. */
  readonly masterVersion: number;
  /** nonce ‖ ciphertext ‖ tag of the 32-byte data key. */
  readonly wrapped: Uint8Array;
}

/**
 * One key replaced by its re-wrap (rotation), only if the stored key is still exactly `from`: a key
 * erased or replaced meanwhile is left alone.
 */
export interface KeySwap {
  readonly from: WrappedKey;
  readonly to: WrappedKey;
}

/** Where a master-key rotation stands; recorded with each batch of re-wraps so it can resume. */
export interface RotationState {
  /** The master key version keys are being moved to. */
  readonly target: number;
  /** `rewrap`: re-wrapping keys; `reencrypt`: replacing data keys and blobs; `done`: finished. */
  readonly phase: 'rewrap' | 'reencrypt' | 'done';
  /** Whether data keys are replaced too (`--reencrypt`). */
  readonly reencrypt: boolean;
  /** The last key id (rewrap) or `product\u0000entity key` (reencrypt) handled in this phase. */
  readonly cursor: string;
  /** Keys re-wrapped and entities re-encrypted so far. */
  readonly rewrapped: number;
  readonly reencrypted: number;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
}

export interface KeyStore {
  /** The wrapped key, or undefined when there is none (never created, or erased). */
  get(id: WrappedKey['id']): Promise<WrappedKey | undefined>;
  getMany(ids: readonly WrappedKey['id'][]): Promise<Map<string, WrappedKey>>;
  /** Stores keys durably, replacing any with the same id. Idempotent. */
  putMany(keys: readonly WrappedKey[]): Promise<void>;
  /** Removes the key durably. Idempotent: deleting a missing key succeeds. */
  delete(id: WrappedKey['id']): Promise<void>;
  /** Every key, `pageSize` at a time (for rotation). */
  scan(pageSize?: number): AsyncIterable<WrappedKey>;
  /** Records a check value proving which master key this store belongs to. */
  getCheck(masterVersion: number): Promise<Uint8Array | undefined>;
  putCheck(masterVersion: number, check: Uint8Array): Promise<void>;
  /** Master key versions that have a check value, ascending: the versions this store uses. */
  checkVersions(): Promise<number[]>;
  /** Removes a version's check value (retiring it). Idempotent. */
  deleteCheck(masterVersion: number): Promise<void>;
  /** How many keys each master key version wraps. */
  countByMasterVersion(): Promise<Map<number, number>>;
  /**
   * Applies re-wraps (each only if the stored key still equals `from`), deletes `deletes`, and
   * records `rotation` when given, in one durable transaction. Returns how many swaps applied.
   */
  rewrapMany(
    swaps: readonly KeySwap[],
    options?: { readonly deletes?: readonly WrappedKey['id'][]; readonly rotation?: RotationState },
  ): Promise<number>;
  /**
   * Erasure's crypto-shred: deletes the entity's key and records its suppression in one durable
   * transaction, leaving no copy of the key's bytes behind (as `delete`). Idempotent.
   */
  erase(suppression: Suppression): Promise<void>;
  /** Lifts a suppression; true when there was one. */
  unsuppress(entity: EntityRef): Promise<boolean>;
  /** Which of `keys` are suppressed in `product`. */
  suppressed(product: string, keys: readonly EntityKey[]): Promise<Set<EntityKey>>;
  /** The recorded rotation state, or undefined when no rotation ever ran. */
  getRotation(): Promise<RotationState | undefined>;
  putRotation(state: RotationState): Promise<void>;
  close(): Promise<void>;
}
