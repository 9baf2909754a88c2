import { rm, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import type { AuditRecord, CheckpointRecord } from '../../../../src/governance/audit/audit-record.js';
import { ZERO_HASH } from '../../../../src/governance/audit/audit-record.js';
import { CheckpointSigner } from '../../../../src/governance/audit/checkpoint-signer.js';
import {
  recordHash,
  recordLine,
  sealRecord,
  type UnsealedRecord,
} from '../../../../src/governance/audit/record-hash.js';
import { type VerifyResult, verifyAudit } from '../../../../src/governance/audit/verify.js';
import {
  access,
  allRecords,
  auditFiles,
  OTHER_SEED,
  openLog,
  readLines,
  SEED,
  tempAuditDir,
  writeLines,
  writeLog,
} from './audit-fixtures.js';

const FIRST = 'audit-000001.jsonl';
const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_generichash(out: Uint8Array, input: Uint8Array): void;
};

/** A log of 300 records across several files (checkpoints every 50). */
async function sampleLog(): Promise<string> {
  const dir = await tempAuditDir();
  await writeLog(dir, 300, { rotateBytes: 16 * 1024, checkpointEvery: 50 });
  return dir;
}

function reseal(record: AuditRecord): string {
  const { hash: _old, ...rest } = record;
  return recordLine(sealRecord(rest as UnsealedRecord)).trimEnd();
}

function firstBroken(result: VerifyResult) {
  if (result.ok) throw new Error('expected the log to be broken');
  return result.firstBroken;
}

describe('verifyAudit on an intact log', () => {
  it('reports records, files, the last seq and hash, and the checkpoint key', async () => {
    const dir = await sampleLog();
    const records = await allRecords(dir);
    const result = await verifyAudit(dir, { publicKey: (records.at(-1) as CheckpointRecord).publicKey });
    expect(result).toEqual({
      ok: true,
      records: records.length,
      files: (await auditFiles(dir)).length,
      lastSeq: records.length,
      lastHash: records.at(-1)!.hash,
      checkpoints: records.filter((r) => r.kind === 'checkpoint').length,
      lastCheckpointSeq: records.length - 1,
      publicKeys: [(records.at(-1) as CheckpointRecord).publicKey],
    });
  });

  it('accepts an empty directory as an empty log and refuses a missing one', async () => {
    const dir = await tempAuditDir();
    const log = await openLog(dir);
    await log.close();
    expect(await verifyAudit(dir)).toMatchObject({
      ok: true,
      records: 0,
      files: 0,
      lastSeq: 0,
      lastHash: ZERO_HASH,
    });
    await expect(verifyAudit(join(dir, 'nope'))).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_AUDIT_IO'),
    );
  });
});

describe('verifyAudit finds the first broken record', () => {
  it('an edited field of a middle record: hash mismatch at that line', async () => {
    const dir = await sampleLog();
    const path = join(dir, FIRST);
    const lines = await readLines(path);
    const record = JSON.parse(lines[8]!) as AuditRecord;
    expect(record.kind).toBe('access');
    lines[8] = JSON.stringify({ ...record, principal: 'someone-else' });
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: FIRST,
      line: 9,
      seq: 9,
      code: 'hash-mismatch',
    });
  });

  it('a deleted record: prev mismatch at the record that followed it', async () => {
    const dir = await sampleLog();
    const path = join(dir, FIRST);
    const lines = await readLines(path);
    lines.splice(9, 1);
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: FIRST,
      line: 10,
      seq: 11,
      code: 'prev-mismatch',
    });
  });

  it('two swapped records: prev mismatch at the first of them', async () => {
    const dir = await sampleLog();
    const path = join(dir, FIRST);
    const lines = await readLines(path);
    [lines[9], lines[10]] = [lines[10]!, lines[9]!];
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: FIRST,
      line: 10,
      seq: 11,
      code: 'prev-mismatch',
    });
  });

  it('a record spliced in from another log: prev mismatch there', async () => {
    const dir = await sampleLog();
    const other = await tempAuditDir();
    const log = await openLog(other);
    for (let i = 0; i < 12; i++) await log.append(access(i, { requestId: `other-${i}` }));
    await log.close();
    const foreign = (await readLines(join(other, FIRST)))[9]!;
    const path = join(dir, FIRST);
    const lines = await readLines(path);
    lines[9] = foreign;
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: FIRST,
      line: 10,
      seq: 10,
      code: 'prev-mismatch',
    });
  });

  it('a forged record appended without the right prev: prev mismatch at the end', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    const last = JSON.parse(lines.at(-1)!) as AuditRecord;
    const forged = sealRecord({ ...access(1), seq: last.seq + 1, at: last.at, prev: 'ab'.repeat(32) });
    lines.push(recordLine(forged).trimEnd());
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: files.at(-1),
      line: lines.length,
      seq: last.seq + 1,
      code: 'prev-mismatch',
    });
  });

  it('a whole middle file deleted: file sequence gap at the next file', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    await rm(join(dir, files[1]!));
    const broken = firstBroken(await verifyAudit(dir));
    expect(broken).toMatchObject({ file: files[2], line: 1, code: 'file-gap' });
    expect(broken.reason).toContain(files[1]);
  });

  it('a cut last line: broken at that line', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    const size = Buffer.byteLength(lines.map((l) => `${l}\n`).join(''));
    await truncate(path, size - 20);
    const broken = firstBroken(await verifyAudit(dir));
    expect(broken).toMatchObject({ file: files.at(-1), line: lines.length, code: 'unparseable' });
  });

  it('a last line that lost only its line end: torn', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    await writeFile(path, `${lines.join('\n')}`);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({ line: lines.length, code: 'torn-line' });
  });

  it('a forged checkpoint signature: bad checkpoint signature', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    const checkpoint = JSON.parse(lines.at(-1)!) as CheckpointRecord;
    expect(checkpoint.kind).toBe('checkpoint');
    // Signed by another key but claiming the log's key, and re-hashed so the chain itself holds.
    const impostor = CheckpointSigner.fromSeed(OTHER_SEED);
    const signature = impostor.sign(checkpoint.upTo, checkpoint.upToHash);
    impostor.dispose();
    lines[lines.length - 1] = reseal({ ...checkpoint, signature });
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      line: lines.length,
      seq: checkpoint.seq,
      code: 'checkpoint-signature',
    });
  });

  it('a checkpoint re-signed by another key: caught when the key is pinned', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    const checkpoint = JSON.parse(lines.at(-1)!) as CheckpointRecord;
    const impostor = CheckpointSigner.fromSeed(OTHER_SEED);
    lines[lines.length - 1] = reseal({
      ...checkpoint,
      publicKey: impostor.publicKey,
      signature: impostor.sign(checkpoint.upTo, checkpoint.upToHash),
    });
    await writeLines(path, lines);
    const unpinned = await verifyAudit(dir);
    expect(unpinned.ok && unpinned.publicKeys).toEqual([checkpoint.publicKey, impostor.publicKey]);
    expect(firstBroken(await verifyAudit(dir, { publicKey: checkpoint.publicKey }))).toMatchObject({
      line: lines.length,
      code: 'checkpoint-key',
    });
    impostor.dispose();
  });

  it('a checkpoint pointing at the wrong hash', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    const checkpoint = JSON.parse(lines.at(-1)!) as CheckpointRecord;
    const signer = CheckpointSigner.fromSeed(SEED); // even the key holder cannot point it elsewhere
    const wrong = 'cd'.repeat(32);
    lines[lines.length - 1] = reseal({
      ...checkpoint,
      upToHash: wrong,
      signature: signer.sign(checkpoint.upTo, wrong),
    });
    signer.dispose();
    await writeLines(path, lines);
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      line: lines.length,
      code: 'checkpoint-target',
    });
  });

  it('records appended to a file after its rotation checkpoint', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const first = await readLines(join(dir, files[0]!));
    const second = await readLines(join(dir, files[1]!));
    // Move the first record of file 2 to the end of file 1: the chain order is unchanged.
    await writeLines(join(dir, files[0]!), [...first, second[0]!]);
    await writeLines(join(dir, files[1]!), second.slice(1));
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: files[0],
      line: first.length + 1,
      code: 'after-rotation',
    });
  });

  it('a file whose end was cut off along with the start of the next', async () => {
    const dir = await sampleLog();
    const files = await auditFiles(dir);
    const first = await readLines(join(dir, files[0]!));
    await writeLines(join(dir, files[0]!), first.slice(0, -1));
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: files[0],
      line: first.length - 1,
      code: 'missing-rotation',
    });
  });

  it('an audit file outside the numbered sequence', async () => {
    const dir = await sampleLog();
    await writeFile(join(dir, 'audit-1.jsonl'), '');
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({
      file: 'audit-1.jsonl',
      line: 0,
      code: 'stray-file',
    });
  });

  it('a sequence gap or repeat in an otherwise well-linked chain', async () => {
    for (const [nextSeq, code] of [
      [4, 'seq-gap'],
      [2, 'seq-repeat'],
    ] as const) {
      const dir = await tempAuditDir();
      const at = '2024-05-01T10:00:00.000Z';
      const one = sealRecord({ ...access(1), seq: 1, at, prev: ZERO_HASH });
      const two = sealRecord({ ...access(2), seq: 2, at, prev: one.hash });
      const bad = sealRecord({ ...access(3), seq: nextSeq, at, prev: two.hash });
      const log = await openLog(dir);
      await log.close();
      await writeLines(
        join(dir, FIRST),
        [one, two, bad].map((r) => recordLine(r).trimEnd()),
      );
      expect(firstBroken(await verifyAudit(dir))).toMatchObject({ line: 3, seq: nextSeq, code });
    }
  });

  it('time running backwards', async () => {
    const dir = await tempAuditDir();
    const one = sealRecord({ ...access(1), seq: 1, at: '2024-05-01T10:00:00.000Z', prev: ZERO_HASH });
    const two = sealRecord({ ...access(2), seq: 2, at: '2024-05-01T09:59:59.999Z', prev: one.hash });
    await (await openLog(dir)).close();
    await writeLines(
      join(dir, FIRST),
      [one, two].map((r) => recordLine(r).trimEnd()),
    );
    expect(firstBroken(await verifyAudit(dir))).toMatchObject({ line: 2, code: 'time-backwards' });
  });

  it('records cut off the end: only an anchor can tell', async () => {
    const dir = await sampleLog();
    const records = await allRecords(dir);
    const anchor = { seq: records.at(-1)!.seq, hash: records.at(-1)!.hash };
    expect(await verifyAudit(dir, { anchor })).toMatchObject({ ok: true });
    const files = await auditFiles(dir);
    const path = join(dir, files.at(-1)!);
    const lines = await readLines(path);
    await writeLines(path, lines.slice(0, -2));
    expect(await verifyAudit(dir)).toMatchObject({ ok: true });
    expect(firstBroken(await verifyAudit(dir, { anchor }))).toMatchObject({ code: 'anchor-missing' });
  });

  it('uses the documented hash: BLAKE2b-256 of prev and the sorted-key JSON of the rest', async () => {
    const dir = await sampleLog();
    const record = (await allRecords(dir))[4]!;
    expect(record.kind).toBe('access');
    const { hash, prev, ...rest } = record;
    // An independent reimplementation, as an outside auditor would write it (flat record: the
    // key-list replacer of JSON.stringify sorts its keys).
    const canonical = JSON.stringify(rest, Object.keys(rest).sort());
    const out = Buffer.alloc(32);
    sodium.crypto_generichash(out, Buffer.from(prev + canonical, 'utf8'));
    expect(out.toString('hex')).toBe(hash);
    expect(recordHash(record)).toBe(hash);
  });
});
