import type { FastifyBaseLogger } from 'fastify';
import {
  DEFAULT_RATE_LIMIT_MAX,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  type RateLimitConfig,
  type ServerConfig,
} from '../config/types.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import type { Runtime } from '../runtime/runtime.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import type { Authenticator } from './auth/authenticator.js';
import type { QueryLimits } from './services.js';
import type { SyncState } from './sync-state.js';

/** What {@link buildApp} serves. Only `runtime` and `authenticator` are required. */
export interface BuildAppOptions {
  readonly runtime: Runtime;
  /**
   * The sync engine of this process, if it runs one: its statistics feed the catalog's freshness
   * and the metrics, and reads that miss the cache queue behind its steps (see EntityAccess).
   */
  readonly engine?: SyncEngine;
  /** The open audit log; absent means no auditing (`audit.enabled: false`). */
  readonly audit?: AuditLog;
  readonly authenticator: Authenticator;
  /** Roles that may read the audit trail (`auth.auditorRoles`). Default `[auditor]`. */
  readonly auditorRoles?: readonly string[];
  /** A pino logger (see createLogger); default: no logging. */
  readonly logger?: FastifyBaseLogger;
  /** Per-principal rate limit; `false` turns it off. Default: the configuration's `server.rateLimit`. */
  readonly rateLimit?: RateLimitConfig | false;
  /** What the engine is doing (for `/readyz`); without it readiness checks only the store. */
  readonly syncState?: () => SyncState;
  /** Query sandbox limits. Default 1000 rows, 1000 ms. */
  readonly queryLimits?: Partial<QueryLimits>;
}

/** The rate limit a `server` section asks for, with defaults applied. */
export function rateLimitFor(server: ServerConfig): RateLimitConfig {
  return Object.freeze({
    enabled: server.rateLimit?.enabled ?? true,
    max: server.rateLimit?.max ?? DEFAULT_RATE_LIMIT_MAX,
    timeWindowMs: server.rateLimit?.timeWindowMs ?? DEFAULT_RATE_LIMIT_WINDOW_MS,
  });
}
