/** Schemas of the audit routes: a page of the trail and its verification. */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_AUDIT_QUERY_LIMIT } from '../../governance/audit/query.js';

/** Default page size of `GET /v1/audit`. */
export const DEFAULT_AUDIT_PAGE = 100;

export const AuditQuerystring = Type.Object({
  product: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  entity: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'the raw entity id (needs product): the server hashes it as the log stores it',
    }),
  ),
  principal: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  since: Type.Optional(Type.String({ minLength: 10, maxLength: 64, description: 'ISO-8601, inclusive' })),
  until: Type.Optional(Type.String({ minLength: 10, maxLength: 64, description: 'ISO-8601, exclusive' })),
  kind: Type.Optional(
    Type.Union([
      Type.Literal('access'),
      Type.Literal('flush'),
      Type.Literal('admin'),
      Type.Literal('checkpoint'),
    ]),
  ),
  limit: Type.Integer({ minimum: 1, maximum: MAX_AUDIT_QUERY_LIMIT, default: DEFAULT_AUDIT_PAGE }),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 32, description: 'nextCursor of the previous page' }),
  ),
});
export type AuditQuerystring = Static<typeof AuditQuerystring>;

/** One record as stored (see docs/audit.md for every kind's fields). */
const AuditRecord = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String(),
    kind: Type.String(),
    prev: Type.String(),
    hash: Type.String(),
  },
  { additionalProperties: true },
);

export const AuditPage = Type.Object({
  items: Type.Array(AuditRecord, { description: 'newest first' }),
  nextCursor: Type.Optional(Type.String()),
});

export const AuditVerifyResponse = Type.Object({
  ok: Type.Boolean(),
  records: Type.Optional(Type.Integer()),
  files: Type.Optional(Type.Integer()),
  lastSeq: Type.Optional(Type.Integer()),
  lastHash: Type.Optional(Type.String()),
  checkpoints: Type.Optional(Type.Integer()),
  lastCheckpointSeq: Type.Optional(Type.Integer()),
  publicKeys: Type.Optional(Type.Array(Type.String())),
  publicKey: Type.String({ description: 'the checkpoint key this server signs with' }),
  firstBroken: Type.Optional(
    Type.Object({
      file: Type.String(),
      line: Type.Integer(),
      seq: Type.Optional(Type.Integer()),
      code: Type.String(),
      reason: Type.String(),
    }),
  ),
});
