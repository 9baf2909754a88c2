import { type Static, Type } from '@sinclair/typebox';
import { BYTE_SIZE_PATTERN } from './byte-size.js';

/**
 * The shape of `cellar.yaml` as written (every field optional; defaults are applied by
 * `loadConfig`). Top-level sections not named here are kept, unvalidated, in `extra`.
 * docs/configuration.md documents each field.
 */

const NonEmpty = Type.String({ minLength: 1 });
const Count = (minimum: number) => Type.Integer({ minimum });

const ByteSize = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: BYTE_SIZE_PATTERN })], {
  expect: 'a byte size: a whole number of bytes, or text like "256MiB" or "64MB"',
});

const Closed = { additionalProperties: false } as const;

export const StoreSectionSchema = Type.Object(
  {
    type: Type.Optional(Type.Literal('sqlite')),
    path: Type.Optional(NonEmpty),
    keysPath: Type.Optional(NonEmpty),
  },
  Closed,
);

export const MasterKeySectionSchema = Type.Object(
  {
    env: Type.Optional(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', expect: 'an environment variable name' }),
    ),
    file: Type.Optional(NonEmpty),
    createIfMissing: Type.Optional(Type.Boolean()),
  },
  Closed,
);

export const CacheSectionSchema = Type.Object(
  { maxEntities: Type.Optional(Count(1)), maxBytes: Type.Optional(ByteSize) },
  Closed,
);

export const SyncSectionSchema = Type.Object(
  {
    flushIntervalMs: Type.Optional(Count(1)),
    maxDirtyEntities: Type.Optional(Count(1)),
    orphanWaitMs: Type.Optional(Count(0)),
    changeHistoryLimit: Type.Optional(Count(0)),
  },
  Closed,
);

/** Port 0 asks the system for any free port (useful in tests). */
export const PortSchema = Type.Integer({ minimum: 0, maximum: 65535 });

/** `server.rateLimit`: requests per principal (or client address) per window. */
export const RateLimitSectionSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    max: Type.Optional(Count(1)),
    timeWindowMs: Type.Optional(Count(1)),
  },
  Closed,
);

export const ServerSectionSchema = Type.Object(
  {
    host: Type.Optional(NonEmpty),
    port: Type.Optional(PortSchema),
    rateLimit: Type.Optional(RateLimitSectionSchema),
  },
  Closed,
);

export const ConfigFileSchema = Type.Object(
  {
    dataDir: Type.Optional(NonEmpty),
    store: Type.Optional(StoreSectionSchema),
    masterKey: Type.Optional(MasterKeySectionSchema),
    products: Type.Optional(Type.Array(NonEmpty)),
    cache: Type.Optional(CacheSectionSchema),
    sync: Type.Optional(SyncSectionSchema),
    server: Type.Optional(ServerSectionSchema),
  },
  { additionalProperties: true },
);

/** `cellar.yaml` as written, once it has passed {@link ConfigFileSchema}. */
export type ConfigFile = Static<typeof ConfigFileSchema>;
