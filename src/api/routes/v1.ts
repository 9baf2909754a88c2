/**
 * The `/v1` scope: every route in it needs credentials (authentication plugin) and is rate
 * limited per principal; the resources are encapsulated plugins of their own.
 */
import type { FastifyInstance } from 'fastify';
import type { RateLimitConfig } from '../../config/types.js';
import { authentication } from '../plugins/authentication.js';
import { rateLimiting } from '../plugins/rate-limit.js';
import { auditRoutes } from './audit.js';
import { entityRoutes } from './entities.js';
import { queryRoutes } from './entity-query.js';
import { eraseRoutes } from './erase.js';
import { productRoutes } from './products.js';
import { tokenRoutes } from './tokens.js';

export async function v1Routes(
  app: FastifyInstance,
  opts: { readonly rateLimit: RateLimitConfig | false },
): Promise<void> {
  await app.register(authentication);
  if (opts.rateLimit !== false && opts.rateLimit.enabled)
    await app.register(rateLimiting, { limit: opts.rateLimit });
  await app.register(productRoutes, { prefix: '/products' });
  await app.register(entityRoutes, { prefix: '/products' });
  await app.register(queryRoutes, { prefix: '/products' });
  await app.register(eraseRoutes, { prefix: '/products' });
  await app.register(tokenRoutes);
  await app.register(auditRoutes, { prefix: '/audit' });
}
