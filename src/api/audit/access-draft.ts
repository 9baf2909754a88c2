/**
 * The access record of one request, drafted as the request goes (who, which product and entity,
 * which tables and columns) and written once, with the outcome, before the response is sent:
 * by the handler when it succeeds, by the error handler when it fails.
 */
import type { FastifyRequest } from 'fastify';
import type { AccessOutcome } from '../../governance/audit/audit-record.js';
import { productName } from '../one-byte.js';
import type { CellarServices } from '../services.js';
import { auditName, auditNames } from './audit-names.js';

export interface AccessDraft {
  readonly action: string;
  principal: string;
  roles: readonly string[];
  product: string | undefined;
  /** Keyed hash of the entity id (Keyring.hashForAudit), never the id. */
  entity: string | undefined;
  tables: readonly string[] | undefined;
  columns: readonly string[] | undefined;
  /** Set once the record was handed to the log: a request is recorded at most once. */
  written: boolean;
}

/** Principal name recorded for requests without valid credentials. */
export const ANONYMOUS = 'anonymous';

/**
 * Starts the draft of a route configured with `config.audit` (when auditing is on). The product
 * and entity come from the path: the product only when it exists, the entity as its keyed hash.
 */
export function openAccessDraft(request: FastifyRequest, services: CellarServices): void {
  const action = request.routeOptions.config.audit;
  if (action === undefined || services.audit === undefined) return;
  const params = (request.params ?? {}) as Readonly<Record<string, unknown>>;
  const product =
    typeof params.product === 'string' ? services.runtime.products.find(params.product) : undefined;
  const id = params.id;
  request.access = {
    action,
    principal: ANONYMOUS,
    roles: [],
    product: product === undefined ? undefined : productName(product),
    entity:
      product !== undefined && typeof id === 'string'
        ? services.runtime.keyring.hashForAudit(product.name, id)
        : undefined,
    tables: undefined,
    columns: undefined,
    written: false,
  };
}

/**
 * Writes the request's access record and waits until it is durable. Does nothing when the
 * request has no draft or was already recorded. Rejects when the log refuses or fails (the
 * caller then answers with that error instead of the data).
 */
export async function writeAccess(
  request: FastifyRequest,
  services: CellarServices,
  outcome: AccessOutcome,
  status: number,
): Promise<void> {
  const draft = request.access;
  const audit = services.audit;
  if (draft === null || draft.written || audit === undefined) return;
  draft.written = true;
  // Absent fields stay undefined members: the log leaves them out of the record's text and hash.
  await audit.append({
    kind: 'access',
    requestId: request.id,
    principal: auditName(draft.principal),
    roles: auditNames(draft.roles),
    action: draft.action,
    product: draft.product,
    entity: draft.entity,
    tables: draft.tables === undefined ? undefined : auditNames(draft.tables),
    columns: draft.columns === undefined ? undefined : auditNames(draft.columns),
    outcome,
    status,
  });
}

/** The outcome an error response records. */
export function refusalOutcome(code: string, status: number): AccessOutcome {
  if (status === 401 || status === 403 || status === 429 || code === 'CELLAR_ERR_QUERY_REJECTED')
    return 'denied';
  if (status === 404) return 'not-found';
  return 'error';
}
