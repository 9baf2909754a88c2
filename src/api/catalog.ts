/**
 * The catalog entry and descriptor of a product: what `GET /v1/products` and
 * `GET /v1/products/:product` return. Freshness comes from the sync engine of this process
 * (source commit time of the newest event applied, per source) and from the store (last write).
 */
import { productToJson } from '../product/product-json.js';
import type { Product } from '../product/types.js';
import type { BlobStore } from '../store/blob-store.js';
import type { SyncStats } from '../sync/sync-stats.js';
import type { CatalogEntry, Descriptor } from './schemas/product.js';

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString();
}

function lag(now: number, ms: number | undefined): number | null {
  return ms === undefined || !Number.isFinite(ms) ? null : Math.max(0, Math.round(now - ms));
}

/**
 * A product's catalog entry. `stats` is the engine's, when this process syncs; each source's
 * times are those of its connector, named `<product>/<source>`.
 */
export async function catalogEntry(
  product: Product,
  blobs: BlobStore,
  stats: SyncStats | undefined,
  now = Date.now(),
): Promise<CatalogEntry> {
  const stored = await blobs.stats(product.name);
  const last = stats?.lastEventTs.get(product.name);
  return {
    name: product.name,
    version: product.version,
    title: product.title,
    owner: product.owner,
    description: product.description,
    entity: { name: product.entity.name },
    entities: stored.entities,
    freshness: {
      lastEventAt: iso(last),
      lagMs: lag(now, last),
      lastWriteAt: iso(stored.lastWriteAt),
      sources: product.sources.map((source) => {
        const ts = stats?.lastEventTsBySource.get(`${product.name}/${source.name}`);
        return { name: source.name, type: source.type, lastEventAt: iso(ts), lagMs: lag(now, ts) };
      }),
    },
  };
}

/**
 * The descriptor of a product: tables, columns, types, pii, masks per column and per role,
 * access rules and sources. Leaves out what concerns only the machine: the spec's file path,
 * table DDL and source options (connection URLs, hosts, paths).
 */
export function descriptor(product: Product): Descriptor {
  const json = productToJson(product);
  return {
    name: json.name,
    version: json.version,
    title: json.title,
    owner: json.owner,
    description: json.description,
    entity: { name: json.entity.name },
    tables: json.tables.map((t) => ({
      name: t.name,
      root: t.root,
      primaryKey: [...t.primaryKey],
      route: { ...t.route },
      children: [...t.children],
      columns: t.columns.map((c) => ({ ...c, masks: { ...c.masks } })),
    })),
    sources: json.sources.map((s) => ({ name: s.name, type: s.type, tables: s.tables })),
    access: json.access,
    masks: json.maskPlans,
  };
}
