import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAuditCommands, runAuditVerify } from '../../../src/cli/audit.js';
import type { Output } from '../../../src/cli/output.js';
import { AuditLog } from '../../../src/governance/audit/audit-log.js';

const SEED = new Uint8Array(32).fill(5);
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(`err: ${l}`) };
}

async function logIn(dir: string, count: number): Promise<string> {
  const log = await AuditLog.open({ dir, signingSeed: SEED, groupCommitMs: 0, checkpointIntervalMs: 0 });
  for (let i = 0; i < count; i++) {
    await log.append({
      kind: 'access',
      requestId: `r${i}`,
      principal: 'p',
      roles: ['support'],
      action: 'read',
      outcome: 'allowed',
    });
  }
  await log.close();
  return log.publicKey;
}

async function tempBase(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'cellar-cli-audit-'));
  dirs.push(base);
  return base;
}

describe('cellar audit verify', () => {
  it('prints intact and returns 0 for a good log (--dir)', async () => {
    const dir = join(await tempBase(), 'audit');
    await logIn(dir, 4);
    const out = capture();
    expect(await runAuditVerify({ dir }, {}, out)).toBe(0);
    expect(out.lines).toEqual(['intact: 5 records in 1 files, last seq 5']);
  });

  it('prints where it breaks and returns 2', async () => {
    const dir = join(await tempBase(), 'audit');
    await logIn(dir, 4);
    await writeFile(join(dir, 'audit-000001.jsonl'), 'not json\n', { flag: 'a' });
    const out = capture();
    expect(await runAuditVerify({ dir }, {}, out)).toBe(2);
    expect(out.lines).toEqual(['broken: audit-000001.jsonl:6 seq ?: unparseable line']);
  });

  it('finds the directory and pinned key through --config', async () => {
    const base = await tempBase();
    const publicKey = await logIn(join(base, 'data', 'audit'), 2);
    await writeFile(
      join(base, 'cellar.yaml'),
      `dataDir: ./data\naudit:\n  publicKey: "${'ab'.repeat(32)}"\n`,
    );
    const out = capture();
    expect(await runAuditVerify({ config: join(base, 'cellar.yaml') }, {}, out)).toBe(2);
    expect(out.lines[0]).toMatch(/^broken: audit-000001\.jsonl:3 seq 3: untrusted checkpoint key/);
    // A key given on the command line overrides the configured one.
    const ok = capture();
    expect(await runAuditVerify({ config: join(base, 'cellar.yaml'), publicKey: [publicKey] }, {}, ok)).toBe(
      0,
    );
  });

  it('is registered as `audit verify` and sets the exit code', async () => {
    const dir = join(await tempBase(), 'audit');
    await logIn(dir, 1);
    const out = capture();
    const program = new Command().exitOverride();
    registerAuditCommands(program, out);
    await program.parseAsync(['audit', 'verify', '--dir', dir, '--json'], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(JSON.parse(out.lines.join('\n'))).toMatchObject({ dir, ok: true, records: 2, lastSeq: 2 });
  });
});
