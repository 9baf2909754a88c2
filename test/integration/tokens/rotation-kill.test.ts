import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../../config/samples/generate.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { unwrapKeyInto } from '../../../src/crypto/key-wrap.js';
import { loadMasterKey } from '../../../src/crypto/master-key.js';
import { openRuntime } from '../../../src/runtime/runtime.js';
import { SqliteKeyStore } from '../../../src/store/sqlite/key-store.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { dumpEntities } from '../../support/dump-entities.js';

const DIE = fileURLToPath(new URL('./fixtures/rotate-and-die.ts', import.meta.url));

function workspace(lines: readonly string[]): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-rotate-'));
  mkdirSync(join(dir, 'products'));
  mkdirSync(join(dir, 'samples'));
  copyFileSync(join(REPO_ROOT, 'config/products/customer360.yaml'), join(dir, 'products/customer360.yaml'));
  writeFileSync(join(dir, 'samples/customer360.jsonl'), `${lines.join('\n')}\n`);
  const config = join(dir, 'cellar.yaml');
  writeFileSync(
    config,
    'dataDir: ./data\nmasterKey: { file: ./data/master.key, createIfMissing: true }\nproducts: [./products]\n',
  );
  return { dir, config };
}

async function entities(config: string): Promise<Map<string, unknown>> {
  const runtime = await openRuntime(loadConfig(config, {}), {});
  try {
    return await dumpEntities(runtime, 'customer360');
  } finally {
    await runtime.close();
  }
}

/** Runs the dying rotation; returns the signal it ended with. */
function rotateAndDie(config: string, steps: number, reencrypt: boolean): NodeJS.Signals | null {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', DIE, config, String(steps), ...(reencrypt ? ['--reencrypt'] : [])],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, CELLAR_MASTER_KEY: '' },
      timeout: 120_000,
    },
  );
  if (run.signal === null) throw new Error(`the rotation was not killed: ${run.stdout}${run.stderr}`);
  return run.signal;
}

async function versions(dir: string): Promise<{ counts: Map<number, number>; phase: string | undefined }> {
  const keys = SqliteKeyStore.open(join(dir, 'data', 'keys.db'));
  try {
    return { counts: await keys.countByMasterVersion(), phase: (await keys.getRotation())?.phase };
  } finally {
    await keys.close();
  }
}

describe('key rotation killed with SIGKILL', () => {
  const sample = generateSample({ customers: 400, transactions: 200, seed: 11 });
  const ws = workspace(sample.lines);
  let before: Map<string, unknown>;
  beforeAll(async () => {
    const sync = runCli(['sync', '--config', ws.config], { CELLAR_MASTER_KEY: '' });
    expect(sync.status, sync.stderr).toBe(0);
    before = await entities(ws.config);
    expect(before.size).toBe(sample.expected.size);
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('re-wrapping, killed mid-way, leaves every entity readable; restarted, it completes', async () => {
    expect(rotateAndDie(ws.config, 20, false)).toBe('SIGKILL');
    const mid = await versions(ws.dir);
    expect(mid.phase).toBe('rewrap');
    expect(mid.counts.get(1)).toBeGreaterThan(0);
    expect(mid.counts.get(2)).toBeGreaterThan(0);
    expect(await entities(ws.config)).toEqual(before);

    const done = runCli(['keys', 'rotate', '--config', ws.config], { CELLAR_MASTER_KEY: '' });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/finished: every key is wrapped by master key version 2/);
    expect([...(await versions(ws.dir)).counts.keys()]).toEqual([2]);
    expect(await entities(ws.config)).toEqual(before);
  });

  it('re-encrypting, killed mid-way, resumes to new data keys for every entity; then v1 retires and opens nothing', async () => {
    // A rotation to version 3 with --reencrypt, killed among the entities.
    expect(rotateAndDie(ws.config, 70, true)).toBe('SIGKILL');
    expect((await versions(ws.dir)).phase).toBe('reencrypt');
    expect(await entities(ws.config)).toEqual(before);
    const done = runCli(['keys', 'rotate', '--config', ws.config], { CELLAR_MASTER_KEY: '' });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/entities re-encrypted/);
    expect(await entities(ws.config)).toEqual(before);

    const status = runCli(['keys', 'status', '--config', ws.config], { CELLAR_MASTER_KEY: '' });
    expect(status.stdout).toMatch(/version 3: wraps \d+ key/);
    for (const version of [1, 2]) {
      const retired = runCli(['keys', 'retire', '--version', String(version), '--config', ws.config], {
        CELLAR_MASTER_KEY: '',
      });
      expect(retired.status, retired.stderr).toBe(0);
    }
    const refused = runCli(['keys', 'retire', '--version', '3', '--config', ws.config], {
      CELLAR_MASTER_KEY: '',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/CELLAR_ERR_KEY_RETIRE_REFUSED/);

    // The retired keys open nothing the key store holds; the runtime no longer needs them.
    const keys = SqliteKeyStore.open(join(ws.dir, 'data', 'keys.db'));
    try {
      for (const file of ['master.key', 'master.v2.key']) {
        const old = loadMasterKey(
          { env: 'UNSET', file: join(ws.dir, 'data', file), createIfMissing: false },
          {},
        );
        let opened = 0;
        for await (const stored of keys.scan()) {
          try {
            unwrapKeyInto(old.key, stored.id, stored.wrapped, Buffer.alloc(32));
            opened += 1;
          } catch {
            // expected: every wrap is under version 3 now
          }
        }
        old.key.dispose();
        expect(opened, file).toBe(0);
      }
    } finally {
      await keys.close();
    }
    rmSync(join(ws.dir, 'data', 'master.key'));
    rmSync(join(ws.dir, 'data', 'master.v2.key'));
    expect(await entities(ws.config)).toEqual(before);
    expect(existsSync(join(ws.dir, 'data', 'master.key'))).toBe(false);
  });
});
