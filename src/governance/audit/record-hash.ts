/**
 * How a record is sealed and written: `hash = BLAKE2b-256(utf8(prev) ‖ utf8(canonicalJson(every
 * field but prev and hash)))`, hex; a line of the log is `canonicalJson(record)` and `\n`.
 * Anyone can recompute a hash with any BLAKE2b implementation (see docs/audit.md).
 */
import type { AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { blake2b256 } from './sodium.js';

/** A record before it is sealed: every field but `hash`. */
export type UnsealedRecord = WithoutHash<AuditRecord>;
type WithoutHash<R> = R extends AuditRecord ? Omit<R, 'hash'> : never;

/** The hash `record` must carry, whatever it carries now. */
export function recordHash(record: UnsealedRecord | AuditRecord): string {
  const { prev, ...rest } = record;
  const body: Record<string, unknown> = { ...rest };
  delete body.hash;
  return blake2b256(Buffer.from(prev + canonicalJson(body), 'utf8')).toString('hex');
}

/** `record` with its hash. */
export function sealRecord(record: UnsealedRecord): AuditRecord {
  return Object.freeze({ ...record, hash: recordHash(record) }) as AuditRecord;
}

/** The line that stores `record`, newline included. */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}
