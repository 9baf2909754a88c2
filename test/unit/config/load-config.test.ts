// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} references themselves
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../../src/config/document-error.js';
import { loadConfig } from '../../../src/config/load-config.js';
import {
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_CACHE_MAX_ENTITIES,
  DEFAULT_CHANGE_HISTORY_LIMIT,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_DIRTY_ENTITIES,
  DEFAULT_ORPHAN_WAIT_MS,
  DEFAULT_SERVER_PORT,
} from '../../../src/config/types.js';
import { isCellarError } from '../../../src/errors.js';
import { useTempDir } from './temp-files.js';

const tmp = useTempDir();
tmp.write('products/a.yaml', 'product: a\n');
tmp.write('products/b.yml', 'product: b\n');
tmp.write('products/notes.txt', 'not a spec\n');
tmp.write('empty-folder/.keep', '');

/** The InvalidDocumentError loadConfig throws for `text`. */
function configErrors(text: string, env: Record<string, string> = {}): InvalidDocumentError {
  const file = tmp.write(`bad-${Math.random().toString(36).slice(2)}.yaml`, text);
  try {
    loadConfig(file, env);
  } catch (err) {
    if (err instanceof InvalidDocumentError) {
      expect(err.code).toBe('CELLAR_ERR_CONFIG_INVALID');
      expect(err.errors.every((e) => e.file === file)).toBe(true);
      return err;
    }
    throw err;
  }
  throw new Error('expected the configuration to be invalid');
}

describe('loadConfig defaults', () => {
  it('fills every default for an empty file, with paths beside the file', () => {
    const file = tmp.write('empty.yaml', '');
    const config = loadConfig(file, {});
    const dataDir = join(tmp.dir, 'data');
    expect(config).toEqual({
      file,
      dataDir,
      store: { type: 'sqlite', path: join(dataDir, 'cellar.db'), keysPath: join(dataDir, 'keys.db') },
      masterKey: { env: 'CELLAR_MASTER_KEY', file: undefined, createIfMissing: false },
      products: [],
      cache: { maxEntities: DEFAULT_CACHE_MAX_ENTITIES, maxBytes: DEFAULT_CACHE_MAX_BYTES },
      sync: {
        flushIntervalMs: DEFAULT_FLUSH_INTERVAL_MS,
        maxDirtyEntities: DEFAULT_MAX_DIRTY_ENTITIES,
        orphanWaitMs: DEFAULT_ORPHAN_WAIT_MS,
        changeHistoryLimit: DEFAULT_CHANGE_HISTORY_LIMIT,
      },
      server: { host: '127.0.0.1', port: DEFAULT_SERVER_PORT },
      extra: {},
    });
  });

  it('puts store files under a configured dataDir', () => {
    const config = loadConfig(tmp.write('datadir.yaml', 'dataDir: ./state\n'), {});
    expect(config.dataDir).toBe(join(tmp.dir, 'state'));
    expect(config.store.path).toBe(join(tmp.dir, 'state', 'cellar.db'));
    expect(config.store.keysPath).toBe(join(tmp.dir, 'state', 'keys.db'));
  });
});

describe('loadConfig of a full file', () => {
  const text = `
dataDir: ./data
store: { type: sqlite, path: ./data/blobs.db, keysPath: ./keys/keys.db }
masterKey: { env: MY_KEY, file: ./data/master.key, createIfMissing: true }
products: [./products, ./products/a.yaml]
cache: { maxEntities: 500, maxBytes: 64MiB }
sync: { flushIntervalMs: 20, maxDirtyEntities: 100, orphanWaitMs: 0, changeHistoryLimit: 0 }
server: { host: 0.0.0.0, port: "\${PORT:-9000}" }
auth:
  apiKeys: [{ name: ci, hash: "\${CI_KEY_HASH}" }]
`;

  it('resolves paths against the file, expands product folders and keeps other sections', () => {
    const config = loadConfig(tmp.write('full.yaml', text), { CI_KEY_HASH: 'abc' });
    expect(config.store).toEqual({
      type: 'sqlite',
      path: join(tmp.dir, 'data', 'blobs.db'),
      keysPath: join(tmp.dir, 'keys', 'keys.db'),
    });
    expect(config.masterKey).toEqual({
      env: 'MY_KEY',
      file: join(tmp.dir, 'data', 'master.key'),
      createIfMissing: true,
    });
    // Folder entries list *.yaml and *.yml in name order; a file listed again is kept once.
    expect(config.products).toEqual([
      join(tmp.dir, 'products', 'a.yaml'),
      join(tmp.dir, 'products', 'b.yml'),
    ]);
    expect(config.cache).toEqual({ maxEntities: 500, maxBytes: 64 * 1024 * 1024 });
    expect(config.sync).toEqual({
      flushIntervalMs: 20,
      maxDirtyEntities: 100,
      orphanWaitMs: 0,
      changeHistoryLimit: 0,
    });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.extra).toEqual({ auth: { apiKeys: [{ name: 'ci', hash: 'abc' }] } });
  });

  it('lets CELLAR_PORT, CELLAR_HOST and CELLAR_DATA_DIR override the file', () => {
    const env = {
      CI_KEY_HASH: 'abc',
      CELLAR_PORT: '7001',
      CELLAR_HOST: '10.0.0.1',
      CELLAR_DATA_DIR: '/srv/cellar',
    };
    const config = loadConfig(tmp.write('full-env.yaml', text), env);
    expect(config.server).toEqual({ host: '10.0.0.1', port: 7001 });
    expect(config.dataDir).toBe('/srv/cellar');
    // Paths given explicitly in the file stay as written.
    expect(config.store.path).toBe(join(tmp.dir, 'data', 'blobs.db'));
  });

  it('takes the port from the environment reference and its default', () => {
    const config = loadConfig(tmp.write('full-port.yaml', text), { CI_KEY_HASH: 'x', PORT: '9100' });
    expect(config.server.port).toBe(9100);
  });

  it('is frozen all the way down', () => {
    const config = loadConfig(tmp.write('frozen.yaml', text), { CI_KEY_HASH: 'abc' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.products)).toBe(true);
    expect(Object.isFrozen((config.extra.auth as { apiKeys: unknown[] }).apiKeys[0])).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('loadConfig errors', () => {
  it('throws CELLAR_ERR_CONFIG_NOT_FOUND for a missing file', () => {
    expect(() => loadConfig(join(tmp.dir, 'nope.yaml'), {})).toThrow(
      expect.objectContaining({
        code: 'CELLAR_ERR_CONFIG_NOT_FOUND',
        message: expect.stringContaining('nope.yaml'),
      }),
    );
  });

  it('names the path, line and expectation of a wrong value', () => {
    const err = configErrors('server:\n  port: eighty\ncache:\n  maxBytes: lots\n');
    // Problems come in the order of the schema's sections.
    expect(err.errors).toEqual([
      expect.objectContaining({
        path: ['cache', 'maxBytes'],
        line: 4,
        message: 'expected a byte size: a whole number of bytes, or text like "256MiB" or "64MB"; got "lots"',
      }),
      expect.objectContaining({
        path: ['server', 'port'],
        line: 2,
        column: 9,
        message: 'expected an integer from 0 to 65535; got "eighty"',
      }),
    ]);
    expect(err.message).toContain(':2:9: server.port: expected an integer from 0 to 65535; got "eighty"');
  });

  it('names unknown keys inside known sections', () => {
    const err = configErrors('sync:\n  flushIntervalMS: 10\n');
    expect(err.errors[0]).toMatchObject({
      path: ['sync', 'flushIntervalMS'],
      line: 2,
      column: 3,
      message: expect.stringMatching(/^unknown key "flushIntervalMS"; expected one of flushIntervalMs, /),
    });
  });

  it('names an unset variable and where it is used', () => {
    const err = configErrors('dataDir: ${CELLAR_HOME}/data\n');
    expect(err.errors[0]).toMatchObject({
      path: ['dataDir'],
      line: 1,
      message: expect.stringContaining('environment variable CELLAR_HOME is not set'),
    });
  });

  it('rejects a bad CELLAR_PORT', () => {
    const err = configErrors('server: { port: 80 }\n', { CELLAR_PORT: 'http' });
    expect(err.errors[0]).toMatchObject({
      path: ['server', 'port'],
      message: expect.stringContaining('CELLAR_PORT'),
    });
  });

  it('requires keys apart from blobs, and a file when createIfMissing is set', () => {
    const err = configErrors(
      'store: { path: ./same.db, keysPath: ./same.db }\nmasterKey: { createIfMissing: true }\n',
    );
    expect(err.errors.map((e) => e.path)).toEqual([
      ['store', 'keysPath'],
      ['masterKey', 'createIfMissing'],
    ]);
    expect(err.errors[0]?.message).toContain('apart from store.path');
    expect(err.errors[1]?.message).toContain('needs masterKey.file');
  });

  it('reports missing product files and folders without specs', () => {
    const err = configErrors('products: [./missing.yaml, ./empty-folder]\n');
    expect(err.errors).toEqual([
      expect.objectContaining({
        path: ['products', 0],
        line: 1,
        message: expect.stringContaining('does not exist'),
      }),
      expect.objectContaining({ path: ['products', 1], message: expect.stringContaining('has none') }),
    ]);
  });

  it('reports a top level that is not a map', () => {
    const err = configErrors('- just\n- a list\n');
    expect(err.errors[0]?.message).toMatch(/^expected a map with keys dataDir, store, .*; got a list$/);
    expect(isCellarError(err, 'CELLAR_ERR_CONFIG_INVALID')).toBe(true);
  });
});
