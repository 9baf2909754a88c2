import { type Static, Type } from '@sinclair/typebox';
import { COLUMN_TYPES } from './types.js';

/**
 * The product spec (config/products/*.yaml) as written, before semantic checks and compilation.
 * Defaults noted here are applied by the compiler; docs/product-spec.md is the reference.
 *
 * Names of tables, columns and sources are not constrained here: the semantic checks report a bad
 * name with a better message than a schema could.
 */

const Closed = { additionalProperties: false } as const;
const NonEmpty = Type.String({ minLength: 1 });
const Name = (expect: string) => Type.String({ minLength: 1, expect });

export const ColumnTypeSchema = Type.Union(
  COLUMN_TYPES.map((t) => Type.Literal(t)),
  { expect: `one of ${COLUMN_TYPES.join(', ')}` },
);

export const SOURCE_TYPES = ['postgres-cdc', 'postgres-pull', 'kafka', 'file'] as const;

export const ColumnSpecSchema = Type.Object(
  {
    type: ColumnTypeSchema,
    /** Personal data: flagged in the catalog and descriptor. Default false. */
    pii: Type.Optional(Type.Boolean({ default: false })),
    /** Mask profile (usually a role name) or `default` → mask text such as `partial(1,0)`. */
    mask: Type.Optional(
      Type.Record(Type.String(), Name('mask text such as redact, partial(1,0) or round(2)')),
    ),
    tokenize: Type.Optional(Type.Union([Type.Literal('opaque'), Type.Literal('format-preserving')])),
    /** Same value → same token within an entity. Default false; only with `tokenize`. */
    deterministic: Type.Optional(Type.Boolean({ default: false })),
    /** Digits after the point, for `decimal` only. */
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  Closed,
);

export const TableSpecSchema = Type.Object(
  {
    /** The one table holding one row per entity. Default false. */
    root: Type.Optional(Type.Boolean({ default: false })),
    primaryKey: Type.Array(Name('a column name'), { minItems: 1 }),
    /** Column holding the entity id (the root, or a child that carries it). */
    entityId: Type.Optional(Name('a column name')),
    /** A child finding its entity through a parent row. */
    parent: Type.Optional(Type.Object({ table: Name('a table name'), key: Name('a column name') }, Closed)),
    columns: Type.Record(Type.String(), ColumnSpecSchema, { minProperties: 1 }),
  },
  Closed,
);

const ObjectMap = Type.Record(Type.String(), Name('a product table name'), { minProperties: 1 });

/**
 * A source. `type`, `tables` and `topics` are Cellar's; every other key (url, brokers, path,
 * format, sync, slot, publication…) is a type option kept for the connector, which validates it.
 */
export const SourceSpecSchema = Type.Object(
  {
    type: Type.Union(SOURCE_TYPES.map((t) => Type.Literal(t))),
    /** Source object (schema.table) → product table. */
    tables: Type.Optional(ObjectMap),
    /** Kafka topic → product table (Kafka's name for `tables`). */
    topics: Type.Optional(ObjectMap),
  },
  { additionalProperties: true },
);

export const AccessRuleSpecSchema = Type.Object(
  {
    read: Type.Optional(Type.Boolean({ default: false })),
    query: Type.Optional(Type.Boolean({ default: false })),
    clear: Type.Optional(Type.Boolean({ default: false })),
    detokenize: Type.Optional(Type.Boolean({ default: false })),
    erase: Type.Optional(Type.Boolean({ default: false })),
    /** Mask profile; default: the role's own name. */
    mask: Type.Optional(Name('a mask profile name')),
  },
  Closed,
);

export const ProductSpecSchema = Type.Object(
  {
    product: Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$',
      expect: 'a product name: a letter, then up to 63 letters, digits, _ or -',
    }),
    version: Type.String({
      pattern: '^[0-9]+(\\.[0-9]+)*([-+][0-9A-Za-z.+-]+)?$',
      expect: 'a version text such as "1.0.0" (quote it if YAML reads it as a number)',
    }),
    title: Type.Optional(NonEmpty),
    owner: NonEmpty,
    description: Type.Optional(Type.String()),
    entity: Type.Object({ name: NonEmpty }, Closed),
    tables: Type.Record(Type.String(), TableSpecSchema, { minProperties: 1 }),
    sources: Type.Optional(Type.Record(Type.String(), SourceSpecSchema)),
    access: Type.Optional(Type.Record(Type.String(), AccessRuleSpecSchema)),
  },
  Closed,
);

export type ColumnSpec = Static<typeof ColumnSpecSchema>;
export type TableSpec = Static<typeof TableSpecSchema>;
export type SourceSpec = Static<typeof SourceSpecSchema>;
export type AccessRuleSpec = Static<typeof AccessRuleSpecSchema>;
/** A spec that has passed {@link ProductSpecSchema} (not yet the semantic checks). */
export type ProductSpec = Static<typeof ProductSpecSchema>;
