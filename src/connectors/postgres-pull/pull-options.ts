import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import { type PgSourceOptions, pgSourceOptions } from '../postgres-cdc/cdc-options.js';

/** Entities pulled at the same time, by default (each on its own connection). */
export const DEFAULT_PULL_CONCURRENCY = 4;

/** `sync: { mode: on-demand, ttl }`: a read of a missing or stale entity pulls it first. */
export interface PullSyncPolicy {
  readonly mode: 'on-demand';
  /** An entity synced longer ago than this is stale, ms. */
  readonly ttlMs: number;
}

/** The settings of a source an entity can be pulled from. */
export interface PullOptions {
  readonly pg: PgSourceOptions;
  readonly concurrency: number;
  /** Set when the source asks for sync on read. */
  readonly policy: PullSyncPolicy | undefined;
}

const DURATION = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as a number of ms or text with a unit (`500ms`, `30s`, `5m`, `1h`, `1d`), in ms. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  return m === null ? undefined : Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1));
}

function syncPolicy(where: string, value: unknown): PullSyncPolicy | undefined {
  if (value === undefined) return undefined;
  const sync = value as { mode?: unknown; ttl?: unknown } | null;
  if (typeof sync !== 'object' || sync === null || sync.mode !== 'on-demand') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option sync must be { mode: on-demand, ttl: <duration> }`,
    );
  }
  const ttlMs = parseDuration(sync.ttl ?? '5m');
  if (ttlMs === undefined) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: sync.ttl must be a duration such as 30s or 5m, got ${JSON.stringify(sync.ttl)}`,
    );
  }
  return Object.freeze({ mode: 'on-demand', ttlMs });
}

/**
 * Reads the options of a source entities are pulled from: a `postgres-pull` source, or a
 * `postgres-cdc` source (its url and tables serve `cellar backfill` just as well). Throws
 * CELLAR_ERR_SOURCE_CONFIG naming the option at fault.
 */
export function pullOptions(product: Product, source: SourceDef): PullOptions {
  const where = `source ${product.name}/${source.name}`;
  if (source.type !== 'postgres-pull' && source.type !== 'postgres-cdc') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where} has type ${source.type}; entities can be pulled from postgres-pull and postgres-cdc sources only`,
    );
  }
  const pg = pgSourceOptions(product, source);
  if (!pg.tables.some((t) => t.productTable === product.root.name)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: no source table feeds the root table ${product.root.name}`,
      {
        hint: 'an entity is pulled from its root row: map a source table to the root table',
      },
    );
  }
  const concurrency = source.options.concurrency ?? DEFAULT_PULL_CONCURRENCY;
  if (
    typeof concurrency !== 'number' ||
    !Number.isSafeInteger(concurrency) ||
    concurrency < 1 ||
    concurrency > 64
  ) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option concurrency must be an integer from 1 to 64, got ${JSON.stringify(concurrency)}`,
    );
  }
  return Object.freeze({ pg, concurrency, policy: syncPolicy(where, source.options.sync) });
}
