/**
 * One structured log line per request, without personal data: the route PATTERN (never the URL,
 * which names entities), method, status, duration, request id and principal name. Fastify's own
 * request logging is off (it logs URLs); credentials are never logged (see logger.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const requestLog = fp(
  async (app: FastifyInstance) => {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          route: request.routeOptions.url ?? 'unmatched',
          method: request.method,
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
          principal: request.principal?.name,
        },
        'request',
      );
    });
  },
  { name: 'cellar-request-log', fastify: '5.x', dependencies: ['cellar-services'] },
);
