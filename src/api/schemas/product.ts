/** Response schemas of the product routes: the catalog and one product's descriptor. */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** How fresh one source's data is. */
export const SourceFreshness = Type.Object({
  name: Type.String(),
  type: Type.String(),
  lastEventAt: Nullable(
    Type.String({ description: 'source commit time of the newest event applied (ISO-8601)' }),
  ),
  lagMs: Nullable(Type.Integer({ description: 'now minus lastEventAt, ms' })),
});

export const Freshness = Type.Object({
  lastEventAt: Nullable(
    Type.String({ description: 'newest source commit time over every source (ISO-8601)' }),
  ),
  lagMs: Nullable(Type.Integer({ description: 'now minus lastEventAt, ms' })),
  lastWriteAt: Nullable(Type.String({ description: 'last time an entity was made durable (ISO-8601)' })),
  sources: Type.Array(SourceFreshness),
});

export const CatalogEntry = Type.Object({
  name: Type.String(),
  version: Type.String(),
  title: Type.String(),
  owner: Type.String(),
  description: Type.String(),
  entity: Type.Object({ name: Type.String() }),
  entities: Type.Integer({ description: 'entities stored' }),
  freshness: Freshness,
});
export type CatalogEntry = Static<typeof CatalogEntry>;

export const Catalog = Type.Object({ products: Type.Array(CatalogEntry) });

const Column = Type.Object({
  name: Type.String(),
  type: Type.String(),
  scale: Type.Optional(Type.Integer()),
  pii: Type.Boolean(),
  tokenize: Type.Optional(Type.String()),
  deterministic: Type.Boolean(),
  masks: Type.Record(Type.String(), Type.String(), { description: 'mask profile → mask' }),
});

const Route = Type.Object({
  kind: Type.String({ description: 'root, column or parent' }),
  column: Type.Optional(Type.String()),
  table: Type.Optional(Type.String()),
  key: Type.Optional(Type.String()),
});

const Table = Type.Object({
  name: Type.String(),
  root: Type.Boolean(),
  primaryKey: Type.Array(Type.String()),
  route: Route,
  children: Type.Array(Type.String()),
  columns: Type.Array(Column),
});

const Source = Type.Object({
  name: Type.String(),
  type: Type.String(),
  tables: Type.Record(Type.String(), Type.String(), { description: 'source object → product table' }),
});

const Access = Type.Object({
  read: Type.Boolean(),
  query: Type.Boolean(),
  clear: Type.Boolean(),
  detokenize: Type.Boolean(),
  erase: Type.Boolean(),
  mask: Type.String(),
});

/** The masks a role sees: table → column → mask text, or null for "shown as stored". */
const MaskPlan = Type.Record(Type.String(), Type.Record(Type.String(), Nullable(Type.String())));

export const Descriptor = Type.Object({
  name: Type.String(),
  version: Type.String(),
  title: Type.String(),
  owner: Type.String(),
  description: Type.String(),
  entity: Type.Object({ name: Type.String() }),
  tables: Type.Array(Table),
  sources: Type.Array(Source),
  access: Type.Record(Type.String(), Access),
  masks: Type.Record(Type.String(), MaskPlan, { description: 'role → table → column → mask' }),
});
export type Descriptor = Static<typeof Descriptor>;
