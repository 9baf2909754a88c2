/**
 * How a record is sealed and written: `hash = BLAKE2b-256(utf8(prev) ‖ utf8(canonicalJson(every
 * field but prev and hash)))`, hex; a line of the log is `canonicalJson(record)` and `\n`.
 * Anyone can recompute a hash with any BLAKE2b implementation (see docs/audit.md).
 */
import type { AuditRecord } from './audit-record.js';
import { type CanonicalMember, canonicalJson, canonicalMembers } from './canonical-json.js';
import { blake2b256 } from './sodium.js';

/** A record before it is sealed: every field but `hash`. */
export type UnsealedRecord = WithoutHash<AuditRecord>;
type WithoutHash<R> = R extends AuditRecord ? Omit<R, 'hash'> : never;

/** A sealed record and the line that stores it. */
export interface SealedLine {
  readonly record: AuditRecord;
  /** `canonicalJson(record)` and `\n`. */
  readonly line: string;
}

/** The hash over `prev` and the members of a record but `prev` and `hash`. */
function hashOf(prev: string, members: readonly CanonicalMember[]): string {
  let body = '{';
  for (const m of members) {
    if (m.key === 'prev' || m.key === 'hash') continue;
    body += `${body.length > 1 ? ',' : ''}${JSON.stringify(m.key)}:${m.text}`;
  }
  return blake2b256(Buffer.from(`${prev}${body}}`, 'utf8')).toString('hex');
}

/** The hash `record` must carry, whatever it carries now. */
export function recordHash(record: UnsealedRecord | AuditRecord): string {
  return hashOf(record.prev, canonicalMembers(record));
}

/**
 * Seals `unsealed` and makes its line — what the log writes. Each field is serialized once: the
 * same canonical members make the hash input and the line, so the two cannot disagree.
 *
 * Caveat: takes `unsealed` over — it gets its `hash` and is frozen, becoming the sealed record
 * (one copy less per record). Pass an object of your own; {@link sealRecord} copies first.
 */
export function sealLine(unsealed: UnsealedRecord): SealedLine {
  const members = canonicalMembers(unsealed);
  const hash = hashOf(unsealed.prev, members);
  // `hash` goes where the sort puts it: before the first key that sorts after it.
  let line = '{';
  let placed = false;
  for (const m of members) {
    if (m.key === 'hash') continue;
    if (!placed && m.key > 'hash') {
      line += `${line.length > 1 ? ',' : ''}"hash":"${hash}"`;
      placed = true;
    }
    line += `${line.length > 1 ? ',' : ''}${JSON.stringify(m.key)}:${m.text}`;
  }
  if (!placed) line += `${line.length > 1 ? ',' : ''}"hash":"${hash}"`;
  const record = Object.freeze(Object.assign(unsealed, { hash })) as AuditRecord;
  return { record, line: `${line}}\n` };
}

/** `record` with its hash (a sealed copy; `record` itself is left alone). */
export function sealRecord(record: UnsealedRecord): AuditRecord {
  return sealLine({ ...record }).record;
}

/** The line that stores `record`, newline included. */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}
