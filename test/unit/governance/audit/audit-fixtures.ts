/** Shared helpers for the audit tests: temp dirs, seeds, sample records, line surgery. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { AuditLog, type AuditLogOptions } from '../../../../src/governance/audit/audit-log.js';
import type {
  AccessFields,
  AuditRecord,
  FlushFields,
} from '../../../../src/governance/audit/audit-record.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
};

export const SEED = new Uint8Array(32).fill(7);
export const OTHER_SEED = new Uint8Array(32).fill(9);
const AUDIT_HASH_KEY = new Uint8Array(32).fill(3);

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test; the audit dir is `<tmp>/audit` (not yet created). */
export async function tempAuditDir(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'cellar-audit-'));
  dirs.push(base);
  return join(base, 'audit');
}

/** A keyed hash of an entity id, as the caller (Keyring.hashForAudit) would compute it. */
export function entityHash(id: string): string {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, Buffer.from(`customer360\0${id}`), AUDIT_HASH_KEY);
  return out.toString('hex');
}

export function access(i: number, overrides: Partial<AccessFields> = {}): AccessFields {
  return {
    kind: 'access',
    requestId: `req-${i}`,
    principal: i % 2 === 0 ? 'support-app' : 'analyst-bob',
    roles: i % 2 === 0 ? ['support'] : ['analyst'],
    action: 'read',
    product: 'customer360',
    entity: entityHash(String(i % 50)),
    tables: ['customers', 'orders'],
    columns: ['id', 'email'],
    outcome: i % 7 === 0 ? 'denied' : 'allowed',
    status: i % 7 === 0 ? 403 : 200,
    ...overrides,
  };
}

export function flush(i: number): FlushFields {
  return {
    kind: 'flush',
    product: 'customer360',
    entities: [entityHash(String(i)), entityHash(String(i + 1))],
    events: 3,
    positions: { crm: `0/${(i * 16).toString(16).toUpperCase()}` },
  };
}

export function openLog(dir: string, options: Partial<AuditLogOptions> = {}): Promise<AuditLog> {
  return AuditLog.open({ dir, signingSeed: SEED, groupCommitMs: 0, checkpointIntervalMs: 0, ...options });
}

/** Writes `count` records (every 10th a flush) and closes the log. */
export async function writeLog(
  dir: string,
  count: number,
  options: Partial<AuditLogOptions> = {},
): Promise<void> {
  const log = await openLog(dir, options);
  const pending: Promise<AuditRecord>[] = [];
  for (let i = 1; i <= count; i++) pending.push(log.append(i % 10 === 0 ? flush(i) : access(i)));
  await Promise.all(pending);
  await log.close();
}

/** The audit file names of `dir`, in order. */
export async function auditFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
}

/** The lines of a file, without the final newline. */
export async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  await writeFile(path, lines.map((l) => `${l}\n`).join(''));
}

/** Every record in `dir`, in file order. */
export async function allRecords(dir: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (const name of await auditFiles(dir)) {
    for (const line of await readLines(join(dir, name))) records.push(JSON.parse(line) as AuditRecord);
  }
  return records;
}
