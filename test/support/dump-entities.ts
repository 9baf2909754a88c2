import { detokenizeTransform } from '../../src/governance/tokens/detokenize-transform.js';
import type { Runtime } from '../../src/runtime/runtime.js';

/**
 * Every entity of a product, id → data, read through the runtime (decrypting each blob) as a
 * `clear` role reads it: tokenized columns show their values, not the (random) tokens stored, so
 * two runs over the same source compare equal and a run compares equal to its source.
 */
export async function dumpEntities(runtime: Runtime, productName: string): Promise<Map<string, unknown>> {
  const product = runtime.products.get(productName);
  const clear = detokenizeTransform(product);
  const out = new Map<string, unknown>();
  for await (const blob of runtime.blobs.scan(product.name)) {
    const handle = await runtime.repo.find(product, blob.key);
    if (handle) out.set(handle.entityId, handle.db.read(undefined, clear));
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}
