import { readBlobHeader } from '../codec/blob-header.js';
import { dictionaryId } from '../codec/compress.js';
import { CellarError } from '../errors.js';
import { microDbTemplate } from '../microdb/template.js';
import { parseProductSchema, productSchema } from '../product/product-schema.js';
import { diffSchemas, type SchemaDiff } from '../product/schema-diff.js';
import type { Product } from '../product/types.js';
import type { BlobStore } from '../store/blob-store.js';

/** How to open a blob written with one template: its dictionary, and the migration it needs. */
export interface BlobTemplate {
  readonly dictionary: Buffer;
  /** Steps to the current spec; undefined when the blob was written under it. */
  readonly migration: SchemaDiff | undefined;
}

interface KnownTemplates {
  readonly current: number;
  readonly byId: ReadonlyMap<number, BlobTemplate>;
}

/**
 * Every template (empty micro-DB image, the codec's compression dictionary) a product's blobs were
 * written with, so that a spec change does not strand the entities stored before it.
 *
 * Each product's current template is recorded in the store with its schema when the runtime opens
 * ({@link register}); a blob names its template by dictionary id, and one written under an older
 * spec is inflated with that spec's template and migrated on open (added and removed tables and
 * columns — see schema-diff.ts). A change that stored entities cannot follow fails {@link register}
 * with CELLAR_ERR_PRODUCT_MIGRATION, unless no stored blob still uses the old template.
 */
export class ProductTemplates {
  readonly #products = new Map<string, KnownTemplates>();

  constructor(private readonly blobs: BlobStore) {}

  /** Records `product`'s current template and prepares the migrations from its older ones. */
  async register(product: Product): Promise<void> {
    const image = microDbTemplate(product);
    const current = dictionaryId(image);
    const schema = productSchema(product);
    const byId = new Map<number, BlobTemplate>([[current, { dictionary: image, migration: undefined }]]);
    const blocked = new Map<number, { version: string; blockers: readonly string[] }>();
    for (const stored of await this.blobs.templates(product.name)) {
      if (stored.dictionaryId === current) continue;
      const old = parseProductSchema(stored.schema);
      const migration = diffSchemas(old, schema);
      if (migration.blockers.length > 0)
        blocked.set(stored.dictionaryId, { version: old.version, blockers: migration.blockers });
      else byId.set(stored.dictionaryId, { dictionary: stored.image, migration });
    }
    if (blocked.size > 0) await this.#checkUnused(product, blocked);
    // Recorded only once accepted: a refused spec leaves no template behind to check next time.
    await this.blobs.putTemplate(product.name, {
      dictionaryId: current,
      image,
      schema: JSON.stringify(schema),
    });
    this.#products.set(product.name, { current, byId });
  }

  /**
   * The template a blob of `product` was written with, by the dictionary id in its header.
   * @throws CellarError `CELLAR_ERR_CODEC_FORMAT` when the store knows no such template.
   */
  forBlob(product: Product, id: number): BlobTemplate {
    const known = this.#products.get(product.name)?.byId.get(id);
    if (known !== undefined) return known;
    if (!this.#products.has(product.name) && id === dictionaryId(microDbTemplate(product)))
      return { dictionary: microDbTemplate(product), migration: undefined };
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      `a blob of ${product.name} was written with a template (dictionary ${id.toString(16).padStart(8, '0')}) this store does not record`,
      {
        hint: 'the blob may come from another store, or from a Cellar version before templates were recorded',
      },
    );
  }

  /**
   * Drops the records of blocked templates no stored blob uses any more; fails naming the changes
   * when one is still in use. Reads every blob header of the product: only on a blocked change.
   */
  async #checkUnused(
    product: Product,
    blocked: ReadonlyMap<number, { version: string; blockers: readonly string[] }>,
  ): Promise<void> {
    const inUse = new Map<number, number>();
    for await (const blob of this.blobs.scan(product.name)) {
      const id = readBlobHeader(blob.data).dictionaryId;
      if (blocked.has(id)) inUse.set(id, (inUse.get(id) ?? 0) + 1);
    }
    for (const [id, { version, blockers }] of blocked) {
      const count = inUse.get(id) ?? 0;
      if (count === 0) {
        await this.blobs.dropTemplate(product.name, id);
        continue;
      }
      throw new CellarError(
        'CELLAR_ERR_PRODUCT_MIGRATION',
        `product ${product.name}: ${count} stored entities were written under version ${version}, and the spec changed in ways they cannot follow: ${blockers.join('; ')}`,
        {
          hint: 'Cellar migrates added and removed tables and columns; for other changes revert them, or sync the product afresh into a new dataDir (or under a new product name)',
        },
      );
    }
  }
}
