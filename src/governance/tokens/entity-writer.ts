import { encodeBlob } from '../../codec/blob-codec.js';
import { CellarError } from '../../errors.js';
import { microDbTemplate } from '../../microdb/template.js';
import type { EntityHandle } from '../../runtime/entity-handle.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { StoredBlob } from '../../store/blob-store.js';
import type { TokenIndex } from './token-index.js';

/**
 * Makes entities changed beside sync (tokens issued through the API) durable at once: each is
 * encrypted under its data key and written with the token index's pending claims, in one store
 * commit, as the flusher would. Run it inside `StoreWork.isolated`, so no flush races it.
 *
 * The entities must exist in the store already (their data keys are never created here).
 */
export async function writeEntities(
  runtime: Runtime,
  handles: readonly EntityHandle[],
  tokens: TokenIndex,
  now = Date.now(),
): Promise<void> {
  const dataKeys = await runtime.keyring.dataKeys(
    handles.map((h) => h.key),
    false,
  );
  const puts: StoredBlob[] = handles.map((handle) => {
    const dataKey = dataKeys.get(handle.key);
    if (dataKey === undefined) {
      throw new CellarError(
        'CELLAR_ERR_KEY_NOT_FOUND',
        `no data key for an entity of ${handle.product.name}`,
        {
          hint: 'the entity was erased meanwhile',
        },
      );
    }
    handle.persistWatermarks();
    handle.db.setSyncedAt(now);
    const version = handle.version + 1;
    const data = encodeBlob({
      product: handle.product.name,
      key: handle.key,
      version,
      image: handle.db.serialize(),
      dataKey,
      keyVersion: runtime.keyring.masterVersion,
      dictionary: microDbTemplate(handle.product),
    });
    return { product: handle.product.name, key: handle.key, version, data, updatedAt: now };
  });
  const entries = tokens.pendingEntries();
  await runtime.blobs.commit({
    puts,
    deletes: [],
    routes: [],
    positions: new Map(),
    deadLetters: [],
    park: [],
    unpark: [],
    tokens: entries,
  });
  tokens.committed(entries);
  for (const handle of handles) {
    handle.version += 1;
    runtime.repo.cache.markClean(handle.key);
    runtime.repo.cache.updateBytes(handle.key);
  }
}
