/**
 * Wrapped data keys, kept apart from the blobs so that deleting a key (erasure) makes every copy
 * of the entity's blob unreadable, backups included.
 *
 * Key ids are {@link EntityKey}s for entity keys and `system:<name>` for the runtime's own keys
 * (index hashing, dead letters). Methods may reject with CELLAR_ERR_STORE_IO.
 */
import type { EntityKey } from './blob-store.js';

export interface WrappedKey {
  readonly id: EntityKey | `system:${string}`;
  /** Version of the master key that wrapped it. */
  readonly masterVersion: number;
  /** nonce ‖ ciphertext ‖ tag of the 32-byte data key. */
  readonly wrapped: Uint8Array;
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
  close(): Promise<void>;
}
