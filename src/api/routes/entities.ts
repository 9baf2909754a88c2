/**
 * `GET /v1/products/:product/entities/:id` (the whole entity) and
 * `GET /v1/products/:product/entities/:id/:table` (one table, paged), masked for the caller's
 * role and audited. Access is decided before the entity is looked up, so a refusal says nothing
 * about whether it exists.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { maskTransformFor } from '../../governance/masking/mask-sql.js';
import { writeAccess } from '../audit/access-draft.js';
import {
  entityBody,
  requestedTables,
  requireTable,
  returnedColumns,
  returnedTables,
  tableBody,
} from '../entity-json.js';
import { BEARER, EntityParams, responses, TableParams } from '../schemas/common.js';
import { EntityQuerystring, EntityResponse, TableQuerystring, TableResponse } from '../schemas/entity.js';
import { readAccess } from './route-access.js';

/** Sends JSON text made by hand, after the access record is durable. */
async function sendJson(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
): Promise<string> {
  await writeAccess(request, app.cellar, 'allowed', 200);
  reply.type('application/json; charset=utf-8');
  return body;
}

export async function entityRoutes(app: FastifyInstance): Promise<void> {
  const { entities } = app.cellar;

  app.get<{ Params: Static<typeof EntityParams>; Querystring: EntityQuerystring }>(
    '/:product/entities/:id',
    {
      config: { audit: 'read' },
      schema: {
        tags: ['products'],
        summary: 'one whole entity, masked for your role',
        security: [...BEARER],
        params: EntityParams,
        querystring: EntityQuerystring,
        response: responses({ 200: EntityResponse }),
      },
    },
    async (request, reply) => {
      const { product, plan } = readAccess(app, request, request.params.product);
      const tables = requestedTables(product, request.query.tables);
      const transform = maskTransformFor(product, plan);
      const body = await entities.read(product, request.params.id, (handle) =>
        entityBody(product, handle, tables, transform),
      );
      if (request.access !== null) {
        request.access.tables = returnedTables(product, tables);
        request.access.columns = returnedColumns(product, plan, tables);
      }
      return sendJson(app, request, reply, body);
    },
  );

  app.get<{ Params: Static<typeof TableParams>; Querystring: TableQuerystring }>(
    '/:product/entities/:id/:table',
    {
      config: { audit: 'read' },
      schema: {
        tags: ['products'],
        summary: 'one table of an entity, masked for your role, in primary-key order',
        security: [...BEARER],
        params: TableParams,
        querystring: TableQuerystring,
        response: responses({ 200: TableResponse }),
      },
    },
    async (request, reply) => {
      const { product, plan } = readAccess(app, request, request.params.product);
      const table = request.params.table;
      requireTable(product, table);
      const transform = maskTransformFor(product, plan);
      const page = { limit: request.query.limit, offset: request.query.offset };
      const body = await entities.read(product, request.params.id, (handle) =>
        tableBody(product, handle, table, page, transform),
      );
      if (request.access !== null) {
        request.access.tables = [table];
        request.access.columns = returnedColumns(product, plan, [table]);
      }
      return sendJson(app, request, reply, body);
    },
  );
}
