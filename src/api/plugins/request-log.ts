/**
 * One structured log line per request, without personal data: the route PATTERN (never the URL,
 * which names entities), method, status, duration, request id and principal name. Fastify's own
 * request logging is off (it logs URLs); credentials are never logged (see logger.ts).
 *
 * The line goes through a child of the app's logger that drops the root's redaction: its fields
 * are only those chosen here, none of which is or can hold a credential, and the redaction's
 * wildcard path (`*.authorization`) otherwise runs on every field of every line — a measurable
 * share of a warm entity read. Every other log call keeps the redaction.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const requestLog = fp(
  async (app: FastifyInstance) => {
    const log = app.log.child({}, { redact: { paths: [] } });
    // A callback hook: an async one costs a promise per request.
    app.addHook('onResponse', (request, reply, done) => {
      log.info(
        {
          reqId: request.id,
          route: request.routeOptions.url ?? 'unmatched',
          method: request.method,
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
          principal: request.principal?.name,
        },
        'request',
      );
      done();
    });
  },
  { name: 'cellar-request-log', fastify: '5.x', dependencies: ['cellar-services'] },
);
