import type { CellarConfig } from '../config/types.js';
import { Keyring } from '../crypto/keyring.js';
import { loadMasterKey } from '../crypto/master-key.js';
import { EntityCache } from '../microdb/entity-cache.js';
import { loadProducts, type ProductRegistry } from '../product/product-registry.js';
import type { BlobStore } from '../store/blob-store.js';
import type { KeyStore } from '../store/key-store.js';
import { openStores } from '../store/open-store.js';
import type { EntityHandle } from './entity-handle.js';
import { EntityRepository } from './entity-repository.js';

/**
 * Everything a Cellar process holds open: configuration, products, stores, keys and the entity
 * repository. Built once per process by {@link openRuntime}; `close` releases it all.
 */
export interface Runtime {
  readonly config: CellarConfig;
  readonly products: ProductRegistry;
  readonly blobs: BlobStore;
  readonly keys: KeyStore;
  readonly keyring: Keyring;
  readonly repo: EntityRepository;
  close(): Promise<void>;
}

export async function openRuntime(
  config: CellarConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Runtime> {
  const products = loadProducts(config.products, env);
  const master = loadMasterKey(config.masterKey, env);
  const { blobs, keys, keysLocation } = await openStores(config.store);
  try {
    const keyring = await Keyring.open(master, keys, { location: keysLocation });
    const cache = new EntityCache<EntityHandle>({
      maxEntities: config.cache.maxEntities,
      maxBytes: config.cache.maxBytes,
    });
    const repo = new EntityRepository(blobs, keyring, cache);
    return {
      config,
      products,
      blobs,
      keys,
      keyring,
      repo,
      async close() {
        keyring.close();
        master.key.dispose();
        await blobs.close();
        await keys.close();
      },
    };
  } catch (err) {
    master.key.dispose();
    await blobs.close();
    await keys.close();
    throw err;
  }
}
