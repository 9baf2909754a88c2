/** Schemas of the entity routes: whole entity, one table, and the masked query. */
import { type Static, Type } from '@sinclair/typebox';

/** The most rows one table page returns, and the default. */
export const MAX_TABLE_LIMIT = 1000;
export const DEFAULT_TABLE_LIMIT = 100;

/** One row: column → JSON value (masked for the caller's role). */
const Row = Type.Record(Type.String(), Type.Unknown());

export const EntityQuerystring = Type.Object({
  tables: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'comma-separated table names: only these tables (default every table)',
    }),
  ),
});
export type EntityQuerystring = Static<typeof EntityQuerystring>;

export const EntityResponse = Type.Object({
  product: Type.String(),
  id: Type.String(),
  version: Type.Integer({ description: 'version of the stored blob the data comes from' }),
  syncedAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when the entity was last made durable',
  }),
  data: Type.Record(Type.String(), Type.Union([Row, Type.Array(Row), Type.Null()]), {
    description: 'table → rows: the root table an object (or null), child tables arrays',
  }),
});

export const TableQuerystring = Type.Object({
  limit: Type.Integer({ minimum: 0, maximum: MAX_TABLE_LIMIT, default: DEFAULT_TABLE_LIMIT }),
  offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
});
export type TableQuerystring = Static<typeof TableQuerystring>;

export const TableResponse = Type.Object({
  product: Type.String(),
  id: Type.String(),
  table: Type.String(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(Row, { description: 'rows in primary-key order' }),
});

/** Longest SQL text accepted. */
export const MAX_QUERY_SQL_CHARS = 16 * 1024;

export const QueryBody = Type.Object(
  {
    sql: Type.String({ minLength: 1, maxLength: MAX_QUERY_SQL_CHARS, description: 'one read-only SELECT' }),
    // Left untyped here: the validator coerces types, which must not turn a bound number into
    // text. The sandbox checks the values (strings, numbers, booleans, nulls).
    params: Type.Optional(
      Type.Unknown({
        description: 'an array of positional (?) or an object of named (:name) parameters',
      }),
    ),
  },
  { additionalProperties: false },
);
export type QueryBody = Static<typeof QueryBody>;

export const QueryResponse = Type.Object({
  product: Type.String(),
  id: Type.String(),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Unknown()), { description: 'masked values for the caller' }),
  truncated: Type.Boolean({ description: 'true when the row limit cut the result' }),
});
