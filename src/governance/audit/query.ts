/**
 * Reading the audit trail: newest record first, filtered, one bounded page at a time. Pages are
 * linked by an opaque cursor. Reading does not verify the chain (that is `verifyAudit`); it does
 * refuse lines that are not well-formed records, except an incomplete last line, which is a write
 * in progress.
 */
import { CellarError } from '../../errors.js';
import { type AuditFile, listAuditFiles } from './audit-files.js';
import { AUDIT_KINDS, type AuditKind, type AuditRecord } from './audit-record.js';
import { readLinesBackward, readLinesForward } from './line-reader.js';
import { storedRecordProblem } from './record-guard.js';

/** Largest page `readAudit` returns. */
export const MAX_AUDIT_QUERY_LIMIT = 1000;

export interface AuditFilter {
  /** Records of this product (access, flush, admin). */
  readonly product?: string;
  /** Records about this entity: its keyed hash (64 hex), as the log stores it. */
  readonly entity?: string;
  /** Records by this principal (access, admin). */
  readonly principal?: string;
  /** ISO-8601 time; records at or after it. */
  readonly since?: string;
  /** ISO-8601 time; records strictly before it. */
  readonly until?: string;
  readonly kind?: AuditKind;
  /** Page size, 1 to {@link MAX_AUDIT_QUERY_LIMIT}. */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface AuditPage {
  /** Newest first. */
  readonly items: readonly AuditRecord[];
  /** Present when the page is full: pass it as `cursor` for older records (the next page may be empty). */
  readonly nextCursor?: string;
}

interface Plan {
  readonly filter: AuditFilter;
  readonly sinceMs: number | undefined;
  readonly untilMs: number | undefined;
  /** Only records with a lower seq. */
  readonly beforeSeq: number;
}

/** One page of the audit trail in `dir`, newest first. */
export async function readAudit(dir: string, filter: AuditFilter): Promise<AuditPage> {
  const plan = planQuery(filter);
  const { files } = await listAuditFiles(dir);
  const items: AuditRecord[] = [];
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i]!;
    if (plan.beforeSeq !== Infinity && !((await firstSeq(file)) < plan.beforeSeq)) continue;
    for await (const line of readLinesBackward(file.path)) {
      if (!line.terminated && i === files.length - 1) continue;
      const record = parseRecord(file, line.text, line.terminated && !line.oversized);
      if (record.seq >= plan.beforeSeq) continue;
      const atMs = Date.parse(record.at);
      // `at` never decreases along the chain: everything further back is older still.
      if (plan.sinceMs !== undefined && atMs < plan.sinceMs) return { items };
      if (!matches(record, atMs, plan)) continue;
      items.push(record);
      if (items.length === filter.limit) return { items, nextCursor: String(record.seq) };
    }
  }
  return { items };
}

function matches(record: AuditRecord, atMs: number, plan: Plan): boolean {
  const f = plan.filter;
  if (plan.untilMs !== undefined && atMs >= plan.untilMs) return false;
  if (f.kind !== undefined && record.kind !== f.kind) return false;
  if (f.product !== undefined && (record.kind === 'checkpoint' || record.product !== f.product)) return false;
  if (f.principal !== undefined) {
    if (record.kind !== 'access' && record.kind !== 'admin') return false;
    if (record.principal !== f.principal) return false;
  }
  if (f.entity !== undefined) {
    if (record.kind === 'access') return record.entity === f.entity;
    if (record.kind === 'flush') return record.entities.includes(f.entity);
    return false;
  }
  return true;
}

async function firstSeq(file: AuditFile): Promise<number> {
  for await (const line of readLinesForward(file.path)) {
    return line.terminated && !line.oversized ? parseRecord(file, line.text, true).seq : Infinity;
  }
  return Infinity;
}

function parseRecord(file: AuditFile, text: string, complete: boolean): AuditRecord {
  let value: unknown;
  try {
    value = complete ? JSON.parse(text) : undefined;
  } catch {
    value = undefined;
  }
  if (value === undefined || storedRecordProblem(value) !== undefined) {
    throw new CellarError('CELLAR_ERR_AUDIT_CORRUPT', `the audit log has a damaged line in ${file.name}`, {
      hint: 'run `cellar audit verify --dir <dir>` to locate the damage',
    });
  }
  return value as AuditRecord;
}

function planQuery(filter: AuditFilter): Plan {
  const { limit, cursor, kind, entity } = filter;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_QUERY_LIMIT) {
    throw invalid(`limit must be an integer from 1 to ${MAX_AUDIT_QUERY_LIMIT}`);
  }
  if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor))
    throw invalid('cursor is not one this API issued');
  if (kind !== undefined && !(AUDIT_KINDS as readonly string[]).includes(kind)) {
    throw invalid(`kind must be one of ${AUDIT_KINDS.join(', ')}`);
  }
  if (entity !== undefined && !/^[0-9a-f]{64}$/.test(entity)) {
    throw invalid('entity must be the keyed hash of the entity id (64 lowercase hex), as the log stores it');
  }
  return {
    filter,
    sinceMs: time('since', filter.since),
    untilMs: time('until', filter.until),
    beforeSeq: cursor === undefined ? Infinity : Number(cursor),
  };
}

function time(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw invalid(`${name} must be an ISO-8601 time`);
  return ms;
}

function invalid(what: string): CellarError {
  return new CellarError('CELLAR_ERR_AUDIT_QUERY_INVALID', `invalid audit query: ${what}`);
}
