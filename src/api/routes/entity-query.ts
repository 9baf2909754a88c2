/**
 * `POST /v1/products/:product/entities/:id/query`: read-only SQL over a masked copy of one entity
 * (the query sandbox), for roles with `query: true`. Checked in this order, each before anything
 * about the entity is learnt: credentials (401), the right to query (403), the SQL guard (400);
 * then the entity is looked up (404) and the query runs.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CellarError } from '../../errors.js';
import { authorize } from '../../governance/access/access-policy.js';
import { maskPlanFor } from '../../governance/masking/effective-mask.js';
import { guardQuery } from '../../governance/query/query-guard.js';
import { runMaskedQuery } from '../../governance/query/query-sandbox.js';
import { writeAccess } from '../audit/access-draft.js';
import { BEARER, EntityParams, responses } from '../schemas/common.js';
import { QueryBody, QueryResponse } from '../schemas/entity.js';
import { principalOf } from './route-access.js';

/** Largest request body of a query, bytes. */
export const QUERY_BODY_LIMIT_BYTES = 64 * 1024;

function bindParams(params: unknown): unknown[] | Record<string, unknown> {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) return params;
  if (typeof params === 'object') return params as Record<string, unknown>;
  throw new CellarError(
    'CELLAR_ERR_REQUEST_INVALID',
    'invalid request: body/params must be an array or an object',
  );
}

export async function queryRoutes(app: FastifyInstance): Promise<void> {
  const { runtime, entities, queryLimits } = app.cellar;

  app.post<{ Params: Static<typeof EntityParams>; Body: QueryBody }>(
    '/:product/entities/:id/query',
    {
      config: { audit: 'query' },
      bodyLimit: QUERY_BODY_LIMIT_BYTES,
      schema: {
        tags: ['products'],
        summary: 'read-only SQL over a masked copy of one entity (roles with query)',
        security: [...BEARER],
        params: EntityParams,
        body: QueryBody,
        response: responses({ 200: QueryResponse }),
      },
    },
    async (request) => {
      const product = runtime.products.get(request.params.product);
      const principal = principalOf(request);
      authorize(product, principal, 'query');
      const plan = maskPlanFor(product, principal.roles);
      const { sql } = request.body;
      guardQuery(sql);
      const params = bindParams(request.body.params);
      // runMaskedQuery copies the entity synchronously, before its first await: the handle is
      // only touched while it is known to be live.
      const running = await entities.read(product, request.params.id, (handle) => {
        const result = runMaskedQuery(handle, plan, sql, params, queryLimits);
        result.catch(() => {}); // awaited below; this only keeps an early rejection from counting as unhandled
        return { result };
      });
      const result = await running.result;
      if (request.access !== null) {
        request.access.tables = product.tables.map((t) => t.name);
        request.access.columns = result.columns;
      }
      await writeAccess(request, app.cellar, 'allowed', 200);
      return {
        product: product.name,
        id: request.params.id,
        columns: result.columns,
        rows: result.rows,
        truncated: result.truncated,
      };
    },
  );
}
