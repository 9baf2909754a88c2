/**
 * The OpenAPI document, built by @fastify/swagger from every route's schema, served at
 * `GET /openapi.json`, and the swagger-ui page at `/docs`. Must be registered before the routes
 * it documents.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorResponse } from '../schemas/common.js';

export const openApi = fp(
  async (app: FastifyInstance, opts: { readonly version: string }) => {
    app.addSchema(ErrorResponse);
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Cellar',
          version: opts.version,
          description:
            'Operational data products: one encrypted micro-database per entity, served masked for the ' +
            "caller's role and audited. Errors are `{ error: { code, message } }` (docs/errors.md).",
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'an API key or a JWT (docs/auth.md)' },
          },
        },
        tags: [
          { name: 'products', description: 'data products and their entities' },
          { name: 'audit', description: 'the audit trail (auditor roles)' },
          { name: 'operations', description: 'health, readiness, metrics' },
        ],
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { validatorUrl: null, docExpansion: 'list', deepLinking: false },
    });
    app.get(
      '/openapi.json',
      {
        schema: {
          hide: true,
          response: { 200: Type.Object({}, { additionalProperties: true }) },
        },
      },
      async () => app.swagger(),
    );
  },
  { name: 'cellar-openapi', fastify: '5.x' },
);
