import type { CellarConfig } from '../config/types.js';
import { Keyring } from '../crypto/keyring.js';
import { loadMasterKeys, loadMasterKeyVersion } from '../crypto/rotation/load-master-keys.js';
import type { MasterKeySet } from '../crypto/rotation/master-key-set.js';
import { EntityCache } from '../microdb/entity-cache.js';
import { loadProducts, type ProductRegistry } from '../product/product-registry.js';
import type { BlobStore } from '../store/blob-store.js';
import type { KeyStore } from '../store/key-store.js';
import { openStores } from '../store/open-store.js';
import type { EntityHandle } from './entity-handle.js';
import { EntityRepository } from './entity-repository.js';
import { ProductTemplates } from './product-templates.js';

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
  /** Every template each product's blobs were written with (spec changes: product-templates.ts). */
  readonly templates: ProductTemplates;
  close(): Promise<void>;
}

export async function openRuntime(
  config: CellarConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Runtime> {
  const products = loadProducts(config.products, env);
  const { blobs, keys, keysLocation } = await openStores(config.store);
  let master: MasterKeySet | undefined;
  try {
    const templates = new ProductTemplates(blobs);
    for (const product of products.list()) await templates.register(product);
    // Every master key version the key store still uses (docs/key-rotation.md); versions a
    // rotation in another process adds later are loaded when first met.
    master = await loadMasterKeys(config, keys, env);
    const keyring = await Keyring.open(master, keys, {
      location: keysLocation,
      loadVersion: (version) => loadMasterKeyVersion(config, version, env),
    });
    const cache = new EntityCache<EntityHandle>({
      maxEntities: config.cache.maxEntities,
      maxBytes: config.cache.maxBytes,
    });
    const repo = new EntityRepository(blobs, keyring, cache, templates, keys);
    const masters = master;
    return {
      config,
      products,
      blobs,
      keys,
      keyring,
      repo,
      templates,
      async close() {
        keyring.close();
        masters.dispose();
        await blobs.close();
        await keys.close();
      },
    };
  } catch (err) {
    master?.dispose();
    await blobs.close();
    await keys.close();
    throw err;
  }
}
