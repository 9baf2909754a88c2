import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MasterKeyConfig } from '../../../src/config/types.js';
import { loadMasterKey } from '../../../src/crypto/master-key.js';
import { CellarError, isCellarError } from '../../../src/errors.js';

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 200 - i));
const ENV = 'CELLAR_MASTER_KEY';

function config(parts: Partial<MasterKeyConfig> = {}): MasterKeyConfig {
  return { env: ENV, file: undefined, createIfMissing: false, ...parts };
}

function failure(run: () => unknown): CellarError {
  try {
    run();
  } catch (err) {
    if (err instanceof CellarError) return err;
    throw err;
  }
  throw new Error('expected a CellarError');
}

describe('loadMasterKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cellar-master-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the key from the environment, base64 or hex', () => {
    for (const text of [KEY.toString('base64'), KEY.toString('hex')]) {
      const master = loadMasterKey(config(), { [ENV]: text });
      expect(master.source).toBe('env');
      expect(master.version).toBe(1);
      expect(master.key.use((b) => Buffer.from(b).equals(KEY))).toBe(true);
    }
  });

  it('prefers the environment over the key file', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, Buffer.alloc(32, 1).toString('base64'), { mode: 0o600 });
    const master = loadMasterKey(config({ file }), { [ENV]: KEY.toString('hex') });
    expect(master.source).toBe('env');
    expect(master.key.use((b) => Buffer.from(b).equals(KEY))).toBe(true);
  });

  it('names the variable but never echoes a malformed key', () => {
    const secret = 'hunter2-is-not-a-key-but-it-is-still-secret';
    const err = failure(() => loadMasterKey(config(), { [ENV]: secret }));
    expect(err.code).toBe('CELLAR_ERR_KEY_MASTER_INVALID');
    expect(err.message).toContain(`environment variable ${ENV}`);
    const everything = `${err.message} ${err.hint ?? ''} ${JSON.stringify(err)} ${String(err.stack)}`;
    expect(everything).not.toContain('hunter2');
  });

  it('reads a 0600 key file, and treats an empty variable as unset', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, `${KEY.toString('base64')}\n`, { mode: 0o600 });
    const master = loadMasterKey(config({ file }), { [ENV]: '' });
    expect(master.source).toBe('file');
    expect(master.key.use((b) => Buffer.from(b).equals(KEY))).toBe(true);
  });

  it('refuses a key file that group or others can read', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, KEY.toString('base64'));
    chmodSync(file, 0o644);
    const err = failure(() => loadMasterKey(config({ file }), {}));
    expect(err.code).toBe('CELLAR_ERR_KEY_MASTER_INSECURE');
    expect(err.message).toContain('0644');
    expect(err.hint).toContain(`chmod 600 ${file}`);
  });

  it('names a malformed key file without echoing its content', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, 'correct-horse-battery-staple', { mode: 0o600 });
    const err = failure(() => loadMasterKey(config({ file }), {}));
    expect(err.code).toBe('CELLAR_ERR_KEY_MASTER_INVALID');
    expect(err.message).toContain(file);
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain('horse');
  });

  it('reports a missing key with a hint on how to set one', () => {
    const none = failure(() => loadMasterKey(config(), {}));
    expect(none.code).toBe('CELLAR_ERR_KEY_MASTER_MISSING');
    expect(none.hint).toContain(ENV);
    const file = join(dir, 'absent.key');
    const absent = failure(() => loadMasterKey(config({ file }), {}));
    expect(absent.code).toBe('CELLAR_ERR_KEY_MASTER_MISSING');
    expect(absent.message).toContain(file);
    expect(absent.hint).toContain('0600');
  });

  it('creates a 0600 key file in new 0700 folders when allowed, and reads the same key next time', () => {
    const file = join(dir, 'state', 'keys', 'master.key');
    const created = loadMasterKey(config({ file, createIfMissing: true }), {});
    expect(created.source).toBe('created');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'state', 'keys')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'ascii');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);

    const again = loadMasterKey(config({ file, createIfMissing: true }), {});
    expect(again.source).toBe('file');
    const same = created.key.use((a) => again.key.use((b) => Buffer.from(a).equals(b)));
    expect(same).toBe(true);
  });

  it('keeps the failure typed when the file cannot be created', () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    expect(
      isCellarError(
        failure(() =>
          loadMasterKey(config({ file: join(blocker, 'master.key'), createIfMissing: true }), {}),
        ),
      ),
    ).toBe(true);
  });
});
