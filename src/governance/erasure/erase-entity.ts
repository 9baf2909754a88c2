import { nextKeyId } from '../../crypto/rotation/reencrypt.js';
import type { Product } from '../../product/types.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import { type StoreWork, storeWork } from '../tokens/store-work.js';

/** What an erasure came to. */
export interface ErasureResult {
  readonly product: string;
  /** True when something of the entity was stored (a blob or a data key) and is now gone. */
  readonly erased: boolean;
  /** The entity's keyed hash for the audit log (`Keyring.hashForAudit`), never the id. */
  readonly entityHash: string;
}

/** What lifting a suppression came to. */
export interface UnsuppressResult {
  readonly product: string;
  /** True when the entity was suppressed. */
  readonly wasSuppressed: boolean;
  readonly entityHash: string;
}

/**
 * Erasure by crypto-shredding (docs/erasure.md). In this order:
 *
 * 1. in one key-store transaction, the entity's data key is deleted (durably, its bytes
 *    overwritten) and a suppression entry (its entity key: a keyed hash of product and id) is
 *    recorded, so that sync drops later source events for it instead of creating it again; then
 *    the key is zeroed in memory. From here on every copy of its blob — the store's, every
 *    backup's — is ciphertext nobody can open. The suppression lives in the key store, beside the
 *    keys: restoring the blob store from a backup does not lift it;
 * 2. in one blob-store commit: the blob, every routing-index entry and every token-index entry
 *    of the entity are deleted;
 * 3. the entity leaves the cache, and the caches of routes and tokens forget it.
 *
 * Safe while sync runs in this process: with `engine`, it runs through the engine's queue after a
 * flush, so no pending change of the entity can be committed after it. Idempotent: erasing again
 * (or erasing an entity that never existed) records the suppression and reports `erased: false`.
 * A crash between steps 1 and 2 leaves an unreadable blob behind; erasing again removes it.
 */
export async function eraseEntity(
  runtime: Runtime,
  productName: string,
  id: string,
  options: { readonly engine?: SyncEngine; readonly work?: StoreWork; readonly now?: number } = {},
): Promise<ErasureResult> {
  const product = runtime.products.get(productName);
  const work = options.work ?? storeWork(runtime, options.engine);
  const { keyring, keys, blobs, repo } = runtime;
  const key = keyring.entityKey(product.name, id);
  const entityHash = keyring.hashForAudit(product.name, id);
  const erased = await work.isolated(async (caches) => {
    const existed = await stored(runtime, product, key);
    // 1. Crypto-shred and suppress: the key store first, then memory (a read in flight keeps it out).
    const ref = { product: product.name, key };
    await keys.erase({ ...ref, at: options.now ?? Date.now() });
    // A replacement key left by an interrupted `keys rotate --reencrypt` would open the blob too.
    await keys.delete(nextKeyId(key));
    keyring.forget(key);
    // 2. Everything else the blob store holds of the entity, in one commit.
    await blobs.commit({
      puts: [],
      deletes: [ref],
      routes: [],
      positions: new Map(),
      deadLetters: [],
      park: [],
      unpark: [],
      dropRoutes: [key],
      dropTokens: [ref],
    });
    // 3. Memory.
    repo.evict(key, true);
    caches.routes?.dropEntity(key);
    caches.tokens.dropEntity(product.name, key);
    return existed;
  });
  return { product: product.name, erased, entityHash };
}

/**
 * Lifts the suppression of an erased entity (`cellar entity unsuppress`): later source events
 * for it create it again, from scratch. Its erased data does not come back.
 */
export async function unsuppressEntity(
  runtime: Runtime,
  productName: string,
  id: string,
  options: { readonly engine?: SyncEngine; readonly work?: StoreWork } = {},
): Promise<UnsuppressResult> {
  const product = runtime.products.get(productName);
  const work = options.work ?? storeWork(runtime, options.engine);
  const key = runtime.keyring.entityKey(product.name, id);
  const wasSuppressed = await work.isolated(async () => {
    const was = await runtime.keys.unsuppress({ product: product.name, key });
    runtime.repo.evict(key, false);
    return was;
  });
  return { product: product.name, wasSuppressed, entityHash: runtime.keyring.hashForAudit(product.name, id) };
}

/** True when the store holds a blob or a data key of the entity, or sync holds it in memory. */
async function stored(runtime: Runtime, product: Product, key: string): Promise<boolean> {
  const cached = runtime.repo.cached(key);
  if (cached !== undefined && !cached.removed) return true;
  if ((await runtime.blobs.get(product.name, key)) !== undefined) return true;
  return (await runtime.keys.get(key)) !== undefined;
}
