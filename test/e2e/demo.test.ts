import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../config/samples/generate.js';
import { loadConfig } from '../../src/config/load-config.js';
import { openRuntime } from '../../src/runtime/runtime.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { dumpEntities } from '../support/dump-entities.js';

/**
 * The embedded demo as a new user runs it: the shipped config, product and sample, synced by the
 * CLI into a fresh data directory.
 */
describe('embedded demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-demo-'));
  const config = join(dir, 'config', 'cellar.yaml');
  const sample = generateSample();

  beforeAll(() => {
    // The shipped config says `dataDir: ../data`: copied, the data lands in the temp folder.
    cpSync(join(REPO_ROOT, 'config'), join(dir, 'config'), { recursive: true });
    const sync = runCli(['sync', '--config', config]);
    expect(sync.status, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/events applied/);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints Ada Lovelace with `cellar entity get customer360 1001 --role dpo`', () => {
    const got = runCli(['entity', 'get', 'customer360', '1001', '--role', 'dpo', '--config', config]);
    expect(got.status, got.stderr).toBe(0);
    const doc = JSON.parse(got.stdout) as { id: string; data: { customers: Record<string, unknown> } };
    expect(doc.id).toBe('1001');
    // dpo is a clear role: the tokenized SSN shows as its value.
    expect(doc.data.customers).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada.lovelace@example.com',
      ssn: '078-05-1120',
    });
  });

  it('masks `cellar entity get --role` as the server does (support: email masked; analyst: stable hash)', () => {
    const customers = (role: string) => {
      const got = runCli(['entity', 'get', 'customer360', '1001', '--role', role, '--config', config]);
      expect(got.status, got.stderr).toBe(0);
      expect(got.stdout).not.toContain('Lovelace');
      expect(got.stdout).not.toContain('078-05-1120');
      return (JSON.parse(got.stdout) as { data: { customers: Record<string, unknown> } }).data.customers;
    };
    expect(customers('support')).toMatchObject({ first_name: 'A**', email: 'a***@example.com', ssn: '****' });
    const hashed = customers('analyst').email;
    expect(hashed).toMatch(/^[0-9a-f]{32}$/);
    expect(customers('analyst').email).toBe(hashed);
  });

  it('stores a format-preserving token in place of the SSN', () => {
    const got = runCli(['entity', 'get', 'customer360', '1001', '--config', config]);
    expect(got.status, got.stderr).toBe(0);
    const { ssn } = (JSON.parse(got.stdout) as { data: { customers: { ssn: string } } }).data.customers;
    expect(ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(ssn).not.toBe('078-05-1120');
  });

  it('ends with exactly the state the sample describes', async () => {
    const runtime = await openRuntime(loadConfig(config, {}));
    try {
      const actual = await dumpEntities(runtime, 'customer360');
      expect([...actual.keys()].sort()).toEqual([...sample.expected.keys()].sort());
      for (const [id, expected] of sample.expected)
        expect(actual.get(id), `customer ${id}`).toEqual(expected);
    } finally {
      await runtime.close();
    }
  });

  it('leaves none of the sample personal data in plain text anywhere under the data directory', () => {
    const secrets = new Set<string>([
      'Lovelace',
      'ada.lovelace@example.com',
      '078-05-1120',
      '+44 20 7946 0018',
      '1815-12-10',
    ]);
    for (const entity of [...sample.expected.values()].slice(0, 200)) {
      secrets.add(entity.customers.email);
      secrets.add(entity.customers.ssn);
      secrets.add(entity.customers.last_name);
    }
    const dataDir = join(dir, 'data');
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['cellar.db', 'keys.db', 'master.key']));
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name)).toString('latin1');
      for (const secret of secrets)
        expect(text.includes(secret), `${file.name} holds "${secret}"`).toBe(false);
    }
  });
});
