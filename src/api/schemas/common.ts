/**
 * Schemas shared by every route: the error body, path parameters, and the helpers that give each
 * route its error responses. TypeBox schemas are plain JSON Schema: Fastify validates and
 * serializes with them, and @fastify/swagger publishes them as the OpenAPI document.
 */
import { type TSchema, Type } from '@sinclair/typebox';

/** `{ "error": { "code": "CELLAR_ERR_…", "message": "…" } }`: every error the API sends. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ pattern: '^CELLAR_ERR_[A-Z0-9_]+$', description: 'a code from docs/errors.md' }),
        message: Type.String({ description: 'what was wrong; never entity data, never internal detail' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'ErrorResponse', title: 'Error' },
);

/** A reference to {@link ErrorResponse}, registered once with `addSchema`. */
export const ErrorRef = Type.Ref('ErrorResponse');

/**
 * The response map of a route: its success schema(s) plus the shared error body for every 4xx and
 * 5xx status.
 */
export function responses(success: Readonly<Record<number, TSchema>>): Record<string, TSchema> {
  return { ...success, '4xx': ErrorRef, '5xx': ErrorRef };
}

/** Names of products and tables: what specs allow, bounded. */
export const NameParam = Type.String({ minLength: 1, maxLength: 128 });

/** An entity id as it appears in the path (URL-decoded by the router). */
export const EntityIdParam = Type.String({ minLength: 1, maxLength: 512, description: 'the entity id' });

export const ProductParams = Type.Object({ product: NameParam }, { additionalProperties: false });

export const EntityParams = Type.Object(
  { product: NameParam, id: EntityIdParam },
  { additionalProperties: false },
);

export const TableParams = Type.Object(
  { product: NameParam, id: EntityIdParam, table: NameParam },
  { additionalProperties: false },
);

/** Security requirement of the routes that need a bearer credential (OpenAPI). */
export const BEARER = [{ bearer: [] }] as const;
