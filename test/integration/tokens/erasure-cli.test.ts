import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../../config/samples/generate.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';

const ENV = { CELLAR_MASTER_KEY: '' };

/** The demo product over a small sample, with its file source, in a fresh folder. */
function workspace(lines: readonly string[]): { dir: string; config: string; sample: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-erase-'));
  mkdirSync(join(dir, 'products'));
  mkdirSync(join(dir, 'samples'));
  copyFileSync(join(REPO_ROOT, 'config/products/customer360.yaml'), join(dir, 'products/customer360.yaml'));
  const sample = join(dir, 'samples/customer360.jsonl');
  writeFileSync(sample, `${lines.join('\n')}\n`);
  const config = join(dir, 'cellar.yaml');
  writeFileSync(
    config,
    'dataDir: ./data\nmasterKey: { file: ./data/master.key, createIfMissing: true }\nproducts: [./products]\n',
  );
  return { dir, config, sample };
}

/** A Debezium update of Ada's row, as the CRM would send it after the erasure. */
function adaUpdate(firstLine: string): string {
  const event = JSON.parse(firstLine) as { after: Record<string, unknown>; op: string; before: unknown };
  return JSON.stringify({
    ...event,
    op: 'u',
    before: event.after,
    after: { ...event.after, last_name: 'King' },
  });
}

describe('cellar entity erase', () => {
  const sample = generateSample({ customers: 30, transactions: 30, seed: 5 });
  const ws = workspace(sample.lines);
  const get = (id: string) =>
    runCli(['entity', 'get', 'customer360', id, '--role', 'dpo', '--config', ws.config], ENV);
  beforeAll(() => {
    const sync = runCli(['sync', '--config', ws.config], ENV);
    expect(sync.status, sync.stderr).toBe(0);
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('crypto-shreds the entity: gone, a restored blob store cannot open it, later events do not bring it back', () => {
    expect(get('1001').status).toBe(0);
    copyFileSync(join(ws.dir, 'data', 'cellar.db'), join(ws.dir, 'backup.db'));

    const erased = runCli(['entity', 'erase', 'customer360', '1001', '--config', ws.config], ENV);
    expect(erased.status, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/^erased: /);
    const gone = get('1001');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/CELLAR_ERR_ENTITY_NOT_FOUND/);
    expect(get('1002').status).toBe(0);

    // A later CDC event for Ada: dropped, not applied.
    appendFileSync(ws.sample, `${adaUpdate(sample.lines[0] ?? '')}\n`);
    const sync = runCli(['sync', '--config', ws.config], ENV);
    expect(sync.status, sync.stderr).toBe(0);
    expect(get('1001').status).toBe(1);

    // The whole blob store restored from the backup taken before the erasure: unreadable.
    copyFileSync(join(ws.dir, 'backup.db'), join(ws.dir, 'data', 'cellar.db'));
    for (const name of readdirSync(join(ws.dir, 'data'))) {
      if (name.startsWith('cellar.db-')) rmSync(join(ws.dir, 'data', name));
    }
    const restored = get('1001');
    expect(restored.status).toBe(1);
    expect(restored.stderr).toMatch(/CELLAR_ERR_KEY_NOT_FOUND/);
    expect(restored.stdout).not.toMatch(/Lovelace/);
    // The restored store replays the source from its older position: Ada's events stay dropped.
    const replay = runCli(['sync', '--config', ws.config], ENV);
    expect(replay.status, replay.stderr).toBe(0);
    expect(get('1001').stderr).toMatch(/CELLAR_ERR_KEY_NOT_FOUND/);
    expect(get('1002').status).toBe(0);
  });

  it('records erasure and unsuppression in an intact audit log, by entity hash only', () => {
    const again = runCli(['entity', 'unsuppress', 'customer360', '1001', '--config', ws.config], ENV);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^unsuppressed/);
    const verify = runCli(['audit', 'verify', '--config', ws.config], ENV);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const dir = join(ws.dir, 'data', 'audit');
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const actions = records.filter((r) => r.kind === 'access').map((r) => [r.action, r.outcome]);
    expect(actions).toEqual([
      ['erase', 'allowed'],
      ['unsuppress', 'allowed'],
    ]);
    for (const r of records.filter((x) => x.kind === 'access')) expect(r.entity).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toMatch(/Lovelace|078-05-1120/);
  });
});
