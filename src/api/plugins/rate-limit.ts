/**
 * Per-principal rate limiting (@fastify/rate-limit) for the routes of the scope it is registered
 * in. The key is the principal's name once authentication has run (so one API key shared by many
 * clients shares one budget), else the client address — which also bounds guessing of keys.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitConfig } from '../../config/types.js';
import { CellarError } from '../../errors.js';

/** The bucket a request counts against. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.principal === null ? `address:${request.ip}` : `principal:${request.principal.name}`;
}

export const rateLimiting = fp(
  async (app: FastifyInstance, opts: { readonly limit: RateLimitConfig }) => {
    await app.register(rateLimit, {
      global: true,
      max: opts.limit.max,
      timeWindow: opts.limit.timeWindowMs,
      // After `onRequest` (authentication), before validation.
      hook: 'onRequest',
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new CellarError(
          'CELLAR_ERR_RATE_LIMITED',
          `more than ${context.max} requests in ${opts.limit.timeWindowMs} ms; retry after ${context.after}`,
        ),
    });
  },
  { name: 'cellar-rate-limit', fastify: '5.x', dependencies: ['cellar-authentication'] },
);
