import type { Runtime } from '../../src/runtime/runtime.js';

/** Every entity of a product, id → data, read through the runtime (decrypting each blob). */
export async function dumpEntities(runtime: Runtime, productName: string): Promise<Map<string, unknown>> {
  const product = runtime.products.get(productName);
  const out = new Map<string, unknown>();
  for await (const blob of runtime.blobs.scan(product.name)) {
    const handle = await runtime.repo.find(product, blob.key);
    if (handle) out.set(handle.entityId, handle.db.read());
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}
