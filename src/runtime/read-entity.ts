import { CellarError } from '../errors.js';
import { maskTransformFor } from '../governance/masking/mask-sql.js';
import type { MaskPlan, Product } from '../product/types.js';
import type { EntityHandle } from './entity-handle.js';
import type { Runtime } from './runtime.js';

/** A whole entity as readers get it (DESIGN.md, Serving). */
export interface EntityDocument {
  readonly product: string;
  readonly id: string;
  /** Blob version the data comes from. */
  readonly version: number;
  /** When the entity was last made durable (ISO-8601), or null if never. */
  readonly syncedAt: string | null;
  /** Root table as an object (or null), child tables as arrays. */
  readonly data: Record<string, unknown>;
}

/** Finds an entity by product and id; CELLAR_ERR_ENTITY_NOT_FOUND when there is none. */
export async function findEntity(runtime: Runtime, product: Product, id: string): Promise<EntityHandle> {
  const handle = await runtime.repo.find(product, runtime.repo.entityKey(product, id));
  if (!handle)
    throw new CellarError('CELLAR_ERR_ENTITY_NOT_FOUND', `${product.name} has no entity with that id`);
  return handle;
}

/** Checks that every named table belongs to the product. */
export function checkTables(product: Product, tables: readonly string[] | undefined): void {
  for (const table of tables ?? []) {
    if (!product.tablesByName.has(table)) {
      throw new CellarError('CELLAR_ERR_TABLE_NOT_FOUND', `${product.name} has no table "${table}"`, {
        hint: `tables: ${product.tables.map((t) => t.name).join(', ')}`,
      });
    }
  }
}

/**
 * Reads one whole entity (or the named tables). With `mask` — a plan from `maskPlanFor` — values
 * are masked inside SQLite as that plan says (masking must be installed, see `installMasking`);
 * with `null` (a clear role) values are shown as stored, tokenized columns detokenized; without
 * it, exactly as stored (tokens, not the values they stand for).
 */
export async function readEntity(
  runtime: Runtime,
  productName: string,
  id: string,
  tables?: readonly string[],
  mask?: MaskPlan | null,
): Promise<EntityDocument> {
  const product = runtime.products.get(productName);
  checkTables(product, tables);
  const handle = await findEntity(runtime, product, id);
  const syncedAt = handle.db.syncedAt();
  const transform = mask === undefined ? undefined : maskTransformFor(product, mask);
  return {
    product: product.name,
    id: handle.entityId,
    version: handle.version,
    syncedAt: syncedAt === undefined ? null : new Date(syncedAt).toISOString(),
    data: handle.db.read(tables, transform) as Record<string, unknown>,
  };
}
