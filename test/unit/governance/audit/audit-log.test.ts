import { spawnSync } from 'node:child_process';
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SecureKey } from '../../../../src/crypto/secure-buffer.js';
import { isCellarError } from '../../../../src/errors.js';
import type { AuditAppend, AuditRecord } from '../../../../src/governance/audit/audit-record.js';
import { ZERO_HASH } from '../../../../src/governance/audit/audit-record.js';
import { verifyAudit } from '../../../../src/governance/audit/verify.js';
import {
  access,
  allRecords,
  auditFiles,
  entityHash,
  flush,
  OTHER_SEED,
  openLog,
  readLines,
  SEED,
  tempAuditDir,
  writeLog,
} from './audit-fixtures.js';

describe('AuditLog', () => {
  it('writes a chain of 2,500 records across rotated files that verifies', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 2500, { rotateBytes: 64 * 1024, checkpointEvery: 100 });

    const files = await auditFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toBe('audit-000001.jsonl');
    const records = await allRecords(dir);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(records[0]!.prev).toBe(ZERO_HASH);
    expect(records.filter((r) => r.kind !== 'checkpoint')).toHaveLength(2500);
    // Every file but the last ends with its rotation checkpoint.
    for (const name of files.slice(0, -1)) {
      const last = JSON.parse((await readLines(join(dir, name))).at(-1)!) as AuditRecord;
      expect(last).toMatchObject({ kind: 'checkpoint', cause: 'rotate' });
    }
    expect(records.at(-1)).toMatchObject({ kind: 'checkpoint', cause: 'close' });
    expect(records.some((r) => r.kind === 'checkpoint' && r.cause === 'count')).toBe(true);

    const result = await verifyAudit(dir);
    expect(result).toMatchObject({ ok: true, records: records.length, files: files.length });
    expect(result.ok && result.lastSeq).toBe(records.length);
    expect(result.ok && result.lastCheckpointSeq).toBe(records.length - 1);
  });

  it('creates the directory 0700 and its files 0600', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 3);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'audit-000001.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('keeps call order under concurrent appends and resolves each only once its line is on disk', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir, { groupCommitMs: 2 });
    const file = join(dir, 'audit-000001.jsonl');
    const seen: boolean[] = [];
    const pending = Array.from({ length: 200 }, (_, i) =>
      log.append(access(i, { requestId: `concurrent-${i}` })).then(async (record) => {
        // Durable before it resolves: the line is already in the file.
        const text = await readFile(file, 'utf8');
        seen[i] = text.includes(`"hash":"${record.hash}"`);
        return record;
      }),
    );
    // All 200 were queued in this tick and none is durable yet.
    expect(log.queueDepth()).toBe(200);
    const records = await Promise.all(pending);
    expect(seen.every(Boolean)).toBe(true);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const requestIds = records.map((r) => (r.kind === 'access' ? r.requestId : r.kind));
    expect(requestIds).toEqual(records.map((_, i) => `concurrent-${i}`));
    expect(log.queueDepth()).toBe(0);
    await log.close();
    const onDisk = (await allRecords(dir)).filter((r) => r.kind === 'access');
    expect(onDisk.map((r) => (r.kind === 'access' ? r.requestId : ''))).toEqual(requestIds);
  });

  it('writes records appended in one window with one write: the first to resolve finds all of them', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir, { groupCommitMs: 2 });
    const pending = Array.from({ length: 50 }, (_, i) => log.append(access(i)));
    const linesWhenFirstResolved = await pending[0]!.then(
      async () => (await readLines(join(dir, 'audit-000001.jsonl'))).length,
    );
    expect(linesWhenFirstResolved).toBe(50);
    await Promise.all(pending);
    await log.close();
  });

  it('continues the chain when reopened', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 10);
    const log = await openLog(dir);
    expect(log.warnings).toEqual([]);
    const before = log.lastSeq;
    expect(before).toBe(11); // 10 records and the close checkpoint
    const record = await log.append(access(99));
    expect(record.seq).toBe(12);
    expect(record.prev).toBe((await allRecords(dir))[10]!.hash);
    await log.close();
    const result = await verifyAudit(dir, { publicKey: log.publicKey });
    expect(result).toMatchObject({ ok: true, records: 13, checkpoints: 2 });
  });

  it('starts a new file after a rotation checkpoint when reopened', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir, { rotateBytes: 1024 });
    // Append until an append ends in a rotation checkpoint: the log then closes on that seal.
    let last: AuditRecord | undefined;
    for (let i = 0; i < 20 && !(last?.kind === 'checkpoint' && last.cause === 'rotate'); i++) {
      await log.append(access(i));
      last = (await allRecords(dir)).at(-1);
    }
    await log.close();
    expect((await allRecords(dir)).at(-1)).toMatchObject({ kind: 'checkpoint', cause: 'rotate' });
    const filesBefore = await auditFiles(dir);
    const reopened = await openLog(dir, { rotateBytes: 1024 });
    const record = await reopened.append(access(100));
    await reopened.close();
    const files = await auditFiles(dir);
    expect(files).toHaveLength(filesBefore.length + 1);
    expect(JSON.parse((await readLines(join(dir, files.at(-1)!)))[0]!)).toMatchObject({ seq: record.seq });
    expect(await verifyAudit(dir)).toMatchObject({ ok: true });
  });

  it('cuts a torn last line on open, reports it, and carries on', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 5);
    const file = join(dir, 'audit-000001.jsonl');
    const intact = await readFile(file);
    const torn = '{"at":"2024-01-01T00:00:00.000Z","kind":"acc';
    await appendFile(file, torn);

    const log = await openLog(dir);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatchObject({
      code: 'torn-tail',
      file: 'audit-000001.jsonl',
      bytes: torn.length,
    });
    expect((await readFile(file)).equals(intact)).toBe(true);
    await log.append(access(6));
    await log.close();
    expect(await verifyAudit(dir)).toMatchObject({ ok: true, records: 8 });
  });

  it('writes a recover checkpoint when the log was not closed (the last record is not a checkpoint)', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 5);
    const file = join(dir, 'audit-000001.jsonl');
    const lines = await readLines(file);
    // What a crash before close leaves: the close checkpoint never written, half of the next line.
    await writeFile(file, `${lines.slice(0, -1).join('\n')}\n{"seq":6,"ki`);
    const log = await openLog(dir);
    expect(log.warnings.map((w) => w.code)).toEqual(['torn-tail']);
    await log.close();
    const records = await allRecords(dir);
    expect(records.at(-1)).toMatchObject({ kind: 'checkpoint', cause: 'recover', upTo: 5 });
    expect(await verifyAudit(dir)).toMatchObject({ ok: true, records: 6 });
  });

  it('refuses to extend a log whose last complete record is damaged', async () => {
    const dir = await tempAuditDir();
    await writeLog(dir, 5);
    const file = join(dir, 'audit-000001.jsonl');
    const lines = await readLines(file);
    lines[lines.length - 1] = lines.at(-1)!.replace('"cause":"close"', '"cause":"count"');
    await writeFile(file, `${lines.join('\n')}\n`);
    await expect(openLog(dir)).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_CORRUPT'));
  });

  it('rejects an entity that is not a keyed hash, and never writes the raw id', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir);
    const rawId = 'customer-4711@example.com';
    const refused = log.append(access(1, { entity: rawId }));
    await expect(refused).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID'));
    await expect(refused).rejects.toSatisfy((e) => !(e as Error).message.includes(rawId));
    await expect(log.append({ ...flush(1), entities: [entityHash('1'), '4711'] })).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID'),
    );
    // Extra fields are refused: nothing rides along beside the named ones.
    await expect(log.append({ ...access(2), note: rawId } as AuditAppend)).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID'),
    );
    // Callers may not write checkpoints.
    await expect(
      log.append({ kind: 'checkpoint', upTo: 0, upToHash: ZERO_HASH } as unknown as AuditAppend),
    ).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID'));

    const hashed = await log.append(access(3, { entity: entityHash(rawId) }));
    expect(hashed.seq).toBe(1);
    await log.close();
    const text = await readFile(join(dir, 'audit-000001.jsonl'), 'utf8');
    expect(text).not.toContain(rawId);
    expect(text).not.toContain('4711');
    expect(text).toContain(entityHash(rawId));
  });

  it('rejects appends after close and is idempotent to close', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir);
    await log.append(access(1));
    await log.close();
    await log.close();
    await expect(log.append(access(2))).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_CLOSED'));
    expect((await allRecords(dir)).map((r) => r.kind)).toEqual(['access', 'checkpoint']);
  });

  it('refuses a second writer on the same directory', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir);
    await expect(openLog(dir)).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_LOCKED'));
    await log.close();
    const again = await openLog(dir);
    await again.close();
  });

  it('fails for good after a write error: pending and later appends reject, close reports it', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir, { rotateBytes: 1024 });
    // Fill the first file until it is sealed; the next record must create a new file.
    for (let i = 0; i < 20 && log.lastSeq === i; i++) await log.append(access(i));
    expect((await allRecords(dir)).at(-1)).toMatchObject({ kind: 'checkpoint', cause: 'rotate' });
    await rm(dir, { recursive: true });
    const failed = [log.append(access(100)), log.append(access(101))];
    for (const p of failed) await expect(p).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_IO'));
    await expect(log.append(access(102))).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_IO'));
    await expect(log.flush()).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_IO'));
    expect(log.queueDepth()).toBe(0);
    await expect(log.close()).rejects.toSatisfy((e) => isCellarError(e, 'CELLAR_ERR_AUDIT_IO'));
  });

  it('signs with a key held in secure memory exactly as with the raw seed', async () => {
    const dir = await tempAuditDir();
    const key = SecureKey.copyOf(SEED);
    const log = await openLog(dir, { signingSeed: key });
    const raw = await openLog(await tempAuditDir(), { signingSeed: SEED });
    expect(log.publicKey).toBe(raw.publicKey);
    expect(log.publicKey).toMatch(/^[0-9a-f]{64}$/);
    await log.close();
    await raw.close();
    key.dispose();
  });

  it('writes interval checkpoints when records wait uncovered', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir, { checkpointIntervalMs: 20 });
    await log.append(access(1));
    // Poll for the checkpoint rather than assert on timing.
    for (let i = 0; i < 500 && log.lastSeq < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await log.flush();
    const records = await allRecords(dir);
    expect(records[1]).toMatchObject({ kind: 'checkpoint', cause: 'interval', upTo: 1 });
    await log.close();
  });

  it('validates its options', async () => {
    const dir = await tempAuditDir();
    await expect(openLog(dir, { signingSeed: new Uint8Array(16) })).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_CONFIG_INVALID'),
    );
    await expect(openLog(dir, { rotateBytes: 10 })).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_CONFIG_INVALID'),
    );
    await expect(openLog(dir, { checkpointEvery: 0 })).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_CONFIG_INVALID'),
    );
  });

  it('uses a different key for a different seed', async () => {
    const a = await openLog(await tempAuditDir());
    const b = await openLog(await tempAuditDir(), { signingSeed: OTHER_SEED });
    expect(a.publicKey).not.toBe(b.publicKey);
    await a.close();
    await b.close();
  });
});

describe('AuditLog after a real crash', () => {
  it('recovers the chain left by a killed process: stale lock taken over, recover checkpoint, verifies', async () => {
    const dir = await tempAuditDir();
    const script = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, dir], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toContain('durable 25');

    const log = await openLog(dir);
    expect(log.lastSeq).toBeGreaterThanOrEqual(26); // 25 durable (+1 maybe) and the recover checkpoint
    await log.append(access(1000));
    await log.close();
    const records = await allRecords(dir);
    const recover = records.find((r) => r.kind === 'checkpoint' && r.cause === 'recover');
    expect(recover).toBeDefined();
    const result = await verifyAudit(dir, { publicKey: log.publicKey });
    expect(result).toMatchObject({ ok: true, records: records.length });
  });
});
