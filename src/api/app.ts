/**
 * `buildApp(options)`: the Cellar HTTP service as a Fastify instance, ready for `listen` (only
 * `cellar serve` calls it) or `inject` (tests). A tree of encapsulated plugins:
 *
 * ```
 * root: services (app.cellar) · error handling · security headers · request log · metrics
 *   ├─ OpenAPI (/openapi.json, /docs)
 *   ├─ health (/healthz, /readyz)                       no credentials
 *   └─ /v1: authentication · rate limit                 credentials required
 *        ├─ products  (/v1/products, /v1/products/:product)
 *        ├─ entities  (…/entities/:id, …/entities/:id/:table)
 *        ├─ query     (…/entities/:id/query)
 *        └─ audit     (/v1/audit, /v1/audit/verify)
 * ```
 *
 * Caveats: masking must be installed (installMasking) before entities are loaded, or masked reads
 * fail; the app closes nothing it was given (runtime, engine, audit log) — their owner does.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { DEFAULT_AUDITOR_ROLES } from '../governance/access/access-policy.js';
import { auditSettings } from '../governance/audit/audit-config.js';
import { DEFAULT_QUERY_MAX_ROWS, DEFAULT_QUERY_TIMEOUT_MS } from '../governance/query/query-sandbox.js';
import { type BuildAppOptions, rateLimitFor } from './app-options.js';
import { EntityAccess, serialQueue } from './entity-access.js';
import { errorHandling } from './plugins/error-handler.js';
import { metrics } from './plugins/metrics.js';
import { openApi } from './plugins/openapi.js';
import { requestLog } from './plugins/request-log.js';
import { securityHeaders } from './plugins/security-headers.js';
import { healthRoutes } from './routes/health.js';
import { v1Routes } from './routes/v1.js';
import { type CellarServices, cellarServices } from './services.js';

export type { BuildAppOptions } from './app-options.js';

/** Largest request body, bytes (the query route allows less). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Longest path parameter (entity ids), characters. */
export const MAX_PARAM_CHARS = 512;

function packageVersion(): string {
  // src/api/app.ts and dist/api/app.js both sit two folders below package.json.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function servicesFor(options: BuildAppOptions): CellarServices {
  const { runtime, engine, audit } = options;
  const settings = auditSettings(runtime.config);
  return Object.freeze({
    runtime,
    engine,
    audit,
    auditDir: audit?.dir ?? settings.dir,
    auditPublicKeys: settings.publicKeys ?? (audit === undefined ? undefined : [audit.publicKey]),
    authenticator: options.authenticator,
    auditorRoles: options.auditorRoles ?? DEFAULT_AUDITOR_ROLES,
    entities: new EntityAccess(
      runtime.repo,
      engine === undefined ? serialQueue() : (fn) => engine.exclusive(fn),
    ),
    syncState: options.syncState,
    queryLimits: Object.freeze({
      maxRows: options.queryLimits?.maxRows ?? DEFAULT_QUERY_MAX_ROWS,
      timeoutMs: options.queryLimits?.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    }),
  });
}

/** Builds the app (plugins loaded, routes ready). See the module comment for its shape. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    // Fastify's request logging writes URLs, which name entities; request-log.ts logs patterns.
    logController: new LogController({ disableRequestLogging: true }),
    // Ids are ours, never a client's header: they go into audit records.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
    return503OnClosing: true,
  });
  try {
    await app.register(cellarServices, { services: servicesFor(options) });
    await app.register(errorHandling);
    // Before any route: it documents the routes registered after it.
    await app.register(openApi, { version: packageVersion() });
    await app.register(securityHeaders);
    await app.register(requestLog);
    await app.register(metrics);
    // Callback hooks on the hot path: an async one costs a promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    await app.register(healthRoutes);
    const rateLimit = options.rateLimit ?? rateLimitFor(options.runtime.config.server);
    await app.register(v1Routes, { prefix: '/v1', rateLimit });
    await app.ready();
    return app;
  } catch (err) {
    await app.close();
    throw err;
  }
}
