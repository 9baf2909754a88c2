import { describe, expect, it } from 'vitest';
import type { CellarConfig } from '../../../../src/config/types.js';
import {
  describeSource,
  masterKeySource,
  versionedFile,
} from '../../../../src/crypto/rotation/master-key-sources.js';
import { isCellarError } from '../../../../src/errors.js';

function config(extra: Record<string, unknown> = {}, file: string | null = '/data/master.key'): CellarConfig {
  return {
    file: '/etc/cellar/cellar.yaml',
    dataDir: '/data',
    store: { type: 'sqlite', path: '/data/cellar.db', keysPath: '/data/keys.db' },
    masterKey: { env: 'CELLAR_MASTER_KEY', file: file ?? undefined, createIfMissing: true },
    products: [],
    cache: { maxEntities: 1, maxBytes: 1 },
    sync: { flushIntervalMs: 1, maxDirtyEntities: 1, orphanWaitMs: 1, changeHistoryLimit: 1 },
    server: { host: '127.0.0.1', port: 0 },
    extra,
  };
}

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('master key sources', () => {
  it('takes version 1 from the masterKey section, unchanged', () => {
    expect(masterKeySource(config(), 1)).toEqual(config().masterKey);
  });

  it('takes version N from <env>_V<N> or the file with .v<N> before its extension, never creating it', () => {
    expect(masterKeySource(config(), 2)).toEqual({
      env: 'CELLAR_MASTER_KEY_V2',
      file: '/data/master.v2.key',
      createIfMissing: false,
    });
    expect(versionedFile('/keys/cellar', 3)).toBe('/keys/cellar.v3');
    expect(masterKeySource(config({}, null), 2).file).toBeUndefined();
    expect(describeSource(masterKeySource(config(), 2))).toBe(
      'environment variable CELLAR_MASTER_KEY_V2 or key file /data/master.v2.key',
    );
  });

  it('lets the masterKeys section say where a version comes from, relative to the config file', () => {
    const cfg = config({ masterKeys: { 2: { file: 'secrets/v2.key' }, 3: { env: 'VAULT_KEY_3' } } });
    expect(masterKeySource(cfg, 2)).toMatchObject({
      env: 'CELLAR_MASTER_KEY_V2',
      file: '/etc/cellar/secrets/v2.key',
    });
    expect(masterKeySource(cfg, 3)).toEqual({ env: 'VAULT_KEY_3', file: undefined, createIfMissing: false });
  });

  it('refuses a malformed masterKeys section, naming the path', () => {
    for (const [extra, path] of [
      [{ masterKeys: [] }, 'masterKeys'],
      [{ masterKeys: { 1: { env: 'X' } } }, 'masterKeys.1'],
      [{ masterKeys: { two: { env: 'X' } } }, 'masterKeys.two'],
      [{ masterKeys: { 2: { path: 'x' } } }, 'masterKeys.2.path'],
      [{ masterKeys: { 2: {} } }, 'masterKeys.2'],
      [{ masterKeys: { 2: { env: '' } } }, 'masterKeys.2.env'],
    ] as const) {
      const err = failure(() => masterKeySource(config(extra), 2));
      expect(isCellarError(err, 'CELLAR_ERR_CONFIG_INVALID'), path).toBe(true);
      expect((err as Error).message).toContain(`: ${path}:`);
    }
  });
});
