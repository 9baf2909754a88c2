/**
 * `GET /v1/audit` (a page of the trail, newest first) and `GET /v1/audit/verify` (the whole chain
 * checked), for the auditor roles (`auth.auditorRoles`). Both are themselves audited.
 */
import type { FastifyInstance } from 'fastify';
import { CellarError } from '../../errors.js';
import { authorizeGlobal } from '../../governance/access/access-policy.js';
import { readAudit } from '../../governance/audit/query.js';
import { verifyAudit } from '../../governance/audit/verify.js';
import { writeAccess } from '../audit/access-draft.js';
import {
  AuditPage,
  AuditQuerystring as AuditQuerySchema,
  type AuditQuerystring,
  AuditVerifyResponse,
} from '../schemas/audit.js';
import { BEARER, responses } from '../schemas/common.js';
import { principalOf } from './route-access.js';

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  const services = app.cellar;
  const { runtime, auditorRoles } = services;

  app.get<{ Querystring: AuditQuerystring }>(
    '',
    {
      config: { audit: 'audit-read' },
      schema: {
        tags: ['audit'],
        summary: 'the audit trail, newest first, filtered and paged',
        security: [...BEARER],
        querystring: AuditQuerySchema,
        response: responses({ 200: AuditPage }),
      },
    },
    async (request) => {
      authorizeGlobal(principalOf(request), 'audit', auditorRoles);
      const q = request.query;
      const product = q.product === undefined ? undefined : runtime.products.find(q.product);
      if (q.entity !== undefined && q.product === undefined) {
        throw new CellarError('CELLAR_ERR_AUDIT_QUERY_INVALID', 'invalid audit query: entity needs product', {
          hint: 'entity ids are hashed per product: pass ?product=…&entity=…',
        });
      }
      // The log stores keyed hashes of entity ids; an unknown product still hashes consistently
      // (and simply matches nothing).
      const entity =
        q.entity === undefined || q.product === undefined
          ? undefined
          : runtime.keyring.hashForAudit(q.product, q.entity);
      if (request.access !== null) {
        request.access.product = product?.name;
        request.access.entity = product === undefined ? undefined : entity;
      }
      const page = await readAudit(services.auditDir, {
        limit: q.limit,
        ...(q.product === undefined ? {} : { product: q.product }),
        ...(entity === undefined ? {} : { entity }),
        ...(q.principal === undefined ? {} : { principal: q.principal }),
        ...(q.since === undefined ? {} : { since: q.since }),
        ...(q.until === undefined ? {} : { until: q.until }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      await writeAccess(request, services, 'allowed', 200);
      return page;
    },
  );

  app.get(
    '/verify',
    {
      config: { audit: 'audit-verify' },
      schema: {
        tags: ['audit'],
        summary: 'verify the whole audit chain: links, hashes, checkpoint signatures, files',
        security: [...BEARER],
        response: responses({ 200: AuditVerifyResponse }),
      },
    },
    async (request) => {
      authorizeGlobal(principalOf(request), 'audit', auditorRoles);
      // Records appended so far are on disk before the files are read.
      await services.audit?.flush();
      const pinned = services.auditPublicKeys;
      const result = await verifyAudit(services.auditDir, pinned === undefined ? {} : { publicKey: pinned });
      await writeAccess(request, services, 'allowed', 200);
      return { ...result, publicKey: services.audit?.publicKey ?? pinned?.[0] ?? '' };
    },
  );
}
