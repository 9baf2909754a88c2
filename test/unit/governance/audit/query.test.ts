import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import type { AuditRecord } from '../../../../src/governance/audit/audit-record.js';
import { type AuditFilter, readAudit } from '../../../../src/governance/audit/query.js';
import {
  access,
  allRecords,
  auditFiles,
  entityHash,
  flush,
  openLog,
  tempAuditDir,
} from './audit-fixtures.js';

/** 120 records over several files: access records for entities 0..49, a flush every 10th. */
async function sample(): Promise<string> {
  const dir = await tempAuditDir();
  const log = await openLog(dir, { rotateBytes: 8 * 1024, checkpointEvery: 25 });
  for (let i = 1; i <= 120; i++) await log.append(i % 10 === 0 ? flush(i) : access(i));
  await log.close();
  return dir;
}

async function everything(dir: string, filter: Omit<AuditFilter, 'limit' | 'cursor'>, limit: number) {
  const items: AuditRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await readAudit(dir, { ...filter, limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 1000);
  return { items, pages };
}

describe('readAudit', () => {
  it('returns the newest records first, bounded by limit, across files', async () => {
    const dir = await sample();
    expect((await auditFiles(dir)).length).toBeGreaterThan(2);
    const all = await allRecords(dir);
    const page = await readAudit(dir, { limit: 5 });
    expect(page.items.map((r) => r.seq)).toEqual(
      all
        .slice(-5)
        .reverse()
        .map((r) => r.seq),
    );
    expect(page.nextCursor).toBe(String(all.at(-5)!.seq));
  });

  it('pages through everything with the cursor, each record once', async () => {
    const dir = await sample();
    const all = await allRecords(dir);
    const { items, pages } = await everything(dir, {}, 7);
    expect(items.map((r) => r.seq)).toEqual(all.map((r) => r.seq).reverse());
    expect(pages).toBeGreaterThan(10);
  });

  it('filters by entity hash across access and flush records', async () => {
    const dir = await sample();
    const entity = entityHash('11');
    const { items } = await everything(dir, { entity }, 4);
    const expected = (await allRecords(dir)).filter(
      (r) =>
        (r.kind === 'access' && r.entity === entity) || (r.kind === 'flush' && r.entities.includes(entity)),
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(items.map((r) => r.seq)).toEqual(expected.map((r) => r.seq).reverse());
  });

  it('filters by kind, principal and product', async () => {
    const dir = await sample();
    const flushes = await everything(dir, { kind: 'flush' }, 100);
    expect(flushes.items.map((r) => r.kind)).toEqual(Array(12).fill('flush'));
    const bob = await everything(dir, { principal: 'analyst-bob', kind: 'access' }, 100);
    expect(bob.items.length).toBeGreaterThan(0);
    expect(bob.items.every((r) => r.kind === 'access' && r.principal === 'analyst-bob')).toBe(true);
    expect((await readAudit(dir, { product: 'other', limit: 10 })).items).toEqual([]);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const dir = await sample();
    const all = await allRecords(dir);
    const pivot = all[60]!.at;
    const since = await everything(dir, { since: pivot }, 50);
    expect(since.items.every((r) => r.at >= pivot)).toBe(true);
    expect(since.items.length).toBe(all.filter((r) => r.at >= pivot).length);
    const until = await everything(dir, { until: pivot }, 50);
    expect(until.items.length).toBe(all.filter((r) => r.at < pivot).length);
  });

  it('skips an incomplete last line (a write in progress)', async () => {
    const dir = await sample();
    const files = await auditFiles(dir);
    await appendFile(join(dir, files.at(-1)!), '{"seq":99');
    const page = await readAudit(dir, { limit: 1 });
    expect(page.items[0]).toMatchObject({ kind: 'checkpoint', cause: 'close' });
  });

  it('refuses an invalid query', async () => {
    const dir = await sample();
    const bad: AuditFilter[] = [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1, cursor: 'abc' },
      { limit: 1, entity: 'customer-42' },
      { limit: 1, since: 'yesterday' },
      { limit: 1, kind: 'nope' as 'access' },
    ];
    for (const filter of bad) {
      await expect(readAudit(dir, filter)).rejects.toSatisfy((e) =>
        isCellarError(e, 'CELLAR_ERR_AUDIT_QUERY_INVALID'),
      );
    }
  });

  it('refuses a damaged line with a pointer to verify', async () => {
    const dir = await sample();
    const files = await auditFiles(dir);
    await appendFile(join(dir, files.at(-1)!), 'garbage\n');
    await expect(readAudit(dir, { limit: 5 })).rejects.toSatisfy((e) =>
      isCellarError(e, 'CELLAR_ERR_AUDIT_CORRUPT'),
    );
  });
});
