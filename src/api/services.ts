/**
 * The services every route uses, registered once on the root instance (fastify-plugin) as
 * `app.cellar`, plus the per-request state the hooks share: the principal, a failed
 * authentication, and the access record being drafted. Typed by module augmentation.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { CellarError } from '../errors.js';
import type { Principal } from '../governance/access/principal.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import type { Runtime } from '../runtime/runtime.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import type { AccessDraft } from './audit/access-draft.js';
import type { Authenticator } from './auth/authenticator.js';
import type { EntityAccess } from './entity-access.js';
import type { SyncState } from './sync-state.js';

/** Limits of `POST …/query` (see the query sandbox). */
export interface QueryLimits {
  /** Rows returned at most; more set `truncated`. */
  readonly maxRows: number;
  /** Longest run, ms; then CELLAR_ERR_QUERY_TIMEOUT. */
  readonly timeoutMs: number;
}

export interface CellarServices {
  readonly runtime: Runtime;
  readonly engine: SyncEngine | undefined;
  /** Absent when auditing is off (`audit.enabled: false`). */
  readonly audit: AuditLog | undefined;
  /** Where the audit trail is read from (the log's directory, or the configured one). */
  readonly auditDir: string;
  /** Checkpoint keys `GET /v1/audit/verify` pins, when known. */
  readonly auditPublicKeys: readonly string[] | undefined;
  readonly authenticator: Authenticator;
  /** Roles that may read the audit trail (`auth.auditorRoles`). */
  readonly auditorRoles: readonly string[];
  readonly entities: EntityAccess;
  /** What the sync engine is doing, when this process runs one. */
  readonly syncState: (() => SyncState) | undefined;
  readonly queryLimits: QueryLimits;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly cellar: CellarServices;
  }
  interface FastifyRequest {
    /** The authenticated caller; null before authentication or when it failed. */
    principal: Principal | null;
    /** Why authentication failed (thrown as the 401 once the route is known to need it). */
    authFailure: CellarError | null;
    /** The access record of a route that touches entity data, until it is written. */
    access: AccessDraft | null;
  }
  interface FastifyContextConfig {
    /** Set on routes that touch entity data: the audited action (`read`, `query`, …). */
    audit?: string;
  }
}

/** Registers `services` as `app.cellar` and the request decorations, for the whole app. */
export const cellarServices = fp(
  async (app: FastifyInstance, opts: { readonly services: CellarServices }) => {
    app.decorate('cellar', opts.services);
    app.decorateRequest('principal', null);
    app.decorateRequest('authFailure', null);
    app.decorateRequest('access', null);
  },
  { name: 'cellar-services', fastify: '5.x' },
);
