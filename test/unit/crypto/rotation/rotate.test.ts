import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resealBlob } from '../../../../src/codec/blob-codec.js';
import { unwrapKeyInto, wrapKey } from '../../../../src/crypto/key-wrap.js';
import { loadMasterKey } from '../../../../src/crypto/master-key.js';
import { loadMasterKeys } from '../../../../src/crypto/rotation/load-master-keys.js';
import { nextKeyId } from '../../../../src/crypto/rotation/reencrypt.js';
import { retireMasterKeyVersion } from '../../../../src/crypto/rotation/retire.js';
import { rotateMasterKey } from '../../../../src/crypto/rotation/rotate.js';
import { SecureKey } from '../../../../src/crypto/secure-buffer.js';
import { isCellarError } from '../../../../src/errors.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';
import { contextOf, populated, shopState } from './rotation-fixtures.js';

let temp: TempRuntime;
afterEach(() => temp?.cleanup());

async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await temp.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

const v1File = () => join(temp.dir, 'data', 'master.key');
const v2File = () => join(temp.dir, 'data', 'master.v2.key');

describe('rotateMasterKey', () => {
  it('re-wraps every data and system key under a new version; everything stays readable', async () => {
    temp = await populated(20);
    const before = await shopState(temp);
    const report = await withRuntime((runtime) => rotateMasterKey(contextOf(runtime)));
    expect(report).toMatchObject({ target: 2, resumed: false, created: true, reencrypted: 0 });
    expect(report.rewrapped).toBeGreaterThanOrEqual(21); // 20 data keys and system:index at least
    expect(statSync(v2File()).mode & 0o777).toBe(0o600);
    await withRuntime(async (runtime) => {
      expect(await runtime.keys.countByMasterVersion()).toEqual(new Map([[2, report.rewrapped]]));
      expect(await runtime.keys.checkVersions()).toEqual([1, 2]);
      expect(runtime.keyring.masterVersion).toBe(2);
    });
    expect(await shopState(temp)).toEqual(before);
  });

  it('retires the old version only when nothing needs it; then that key opens nothing', async () => {
    temp = await populated(5);
    const before = await shopState(temp);
    await withRuntime(async (runtime) => {
      const refused = await rejection(retireMasterKeyVersion(runtime.keys, 1));
      expect(isCellarError(refused, 'CELLAR_ERR_KEY_RETIRE_REFUSED')).toBe(true);
      expect((refused as Error).message).toContain('newest');
      await rotateMasterKey(contextOf(runtime));
      expect(
        isCellarError(
          await rejection(retireMasterKeyVersion(runtime.keys, 2)),
          'CELLAR_ERR_KEY_RETIRE_REFUSED',
        ),
      ).toBe(true);
      expect(await retireMasterKeyVersion(runtime.keys, 1)).toEqual({ version: 1, remaining: [2] });
      expect(
        isCellarError(
          await rejection(retireMasterKeyVersion(runtime.keys, 1)),
          'CELLAR_ERR_KEY_RETIRE_REFUSED',
        ),
      ).toBe(true);

      const old = loadMasterKey({ env: 'NONE', file: v1File(), createIfMissing: false }, {});
      try {
        let opened = 0;
        let keys = 0;
        for await (const stored of runtime.keys.scan()) {
          keys += 1;
          try {
            unwrapKeyInto(old.key, stored.id, stored.wrapped, Buffer.alloc(32));
            opened += 1;
          } catch (err) {
            expect(isCellarError(err, 'CELLAR_ERR_KEY_CORRUPT')).toBe(true);
          }
        }
        expect(keys).toBeGreaterThan(5);
        expect(opened).toBe(0);
      } finally {
        old.key.dispose();
      }
    });
    // Version 1 is no longer loaded at all: its key file can be destroyed.
    rmSync(v1File());
    expect(await shopState(temp)).toEqual(before);
    expect(existsSync(v1File())).toBe(false); // not re-created on start
  });

  it('resumes after stopping mid-way: keys of both versions stay readable meanwhile', async () => {
    temp = await populated(12);
    const before = await shopState(temp);
    let batches = 0;
    const stopped = await withRuntime((runtime) =>
      rejection(
        rotateMasterKey(contextOf(runtime), {
          batchKeys: 3,
          afterBatch: () => {
            batches += 1;
            if (batches === 2) throw new Error('killed');
          },
        }),
      ),
    );
    expect((stopped as Error).message).toBe('killed');
    await withRuntime(async (runtime) => {
      const counts = await runtime.keys.countByMasterVersion();
      expect(counts.get(1)).toBeGreaterThan(0);
      expect(counts.get(2)).toBe(6);
      expect((await runtime.keys.getRotation())?.phase).toBe('rewrap');
    });
    expect(await shopState(temp)).toEqual(before);
    const report = await withRuntime((runtime) => rotateMasterKey(contextOf(runtime), { batchKeys: 3 }));
    expect(report).toMatchObject({ target: 2, resumed: true, created: false });
    await withRuntime(async (runtime) => {
      expect([...(await runtime.keys.countByMasterVersion()).keys()]).toEqual([2]);
      expect((await runtime.keys.getRotation())?.phase).toBe('done');
    });
    expect(await shopState(temp)).toEqual(before);
  });

  it('lets a process started before the rotation keep reading, and wrap new keys with the new version', async () => {
    temp = await populated(4);
    const before = await shopState(temp);
    await withRuntime(async (early) => {
      expect(early.keyring.masterVersion).toBe(1);
      const other = await temp.open(); // "another process" rotates meanwhile
      try {
        await rotateMasterKey(contextOf(other));
      } finally {
        await other.close();
      }
      const product = early.products.get('shop');
      const handle = await early.repo.find(product, early.keyring.entityKey('shop', '3'));
      expect(handle?.db.read()).toEqual(before.get('3'));
      expect(early.keyring.masterVersion).toBe(2);
      const [created] = (await early.keyring.dataKeys([early.keyring.entityKey('shop', 'new')], true)).keys();
      expect(early.keyring.pendingKeys().find((k) => k.id === created)?.masterVersion).toBe(2);
    });
  });

  it('with reencrypt, replaces every data key and rewrites every blob, resuming after a stop', async () => {
    temp = await populated(6);
    const before = await shopState(temp);
    const wraps = await withRuntime(async (runtime) => {
      const out = new Map<string, string>();
      for await (const key of runtime.keys.scan()) out.set(key.id, Buffer.from(key.wrapped).toString('hex'));
      return out;
    });
    let entities = 0;
    const stopped = await withRuntime((runtime) =>
      rejection(
        rotateMasterKey(contextOf(runtime), {
          reencrypt: true,
          products: ['shop'],
          afterBatch: async () => {
            if ((await runtime.keys.getRotation())?.phase === 'reencrypt' && ++entities === 3)
              throw new Error('killed');
          },
        }),
      ),
    );
    expect((stopped as Error).message).toBe('killed');
    expect(await shopState(temp)).toEqual(before);
    const report = await withRuntime((runtime) =>
      rotateMasterKey(contextOf(runtime), { products: ['shop'] }),
    );
    expect(report).toMatchObject({ target: 2, resumed: true, reencrypted: 3 });
    await withRuntime(async (runtime) => {
      for await (const blob of runtime.blobs.scan('shop')) expect(blob.version).toBe(2);
      for await (const key of runtime.keys.scan()) {
        expect(key.id.startsWith('next:')).toBe(false);
        expect(Buffer.from(key.wrapped).toString('hex')).not.toBe(wraps.get(key.id));
      }
    });
    expect(await shopState(temp)).toEqual(before);
  });
});

describe('rotateMasterKey --reencrypt after a crash between its steps', () => {
  it('finishes a swap whose blob was rewritten, and undoes one whose blob was not', async () => {
    temp = await populated(3);
    const before = await shopState(temp);
    await withRuntime(async (runtime) => {
      await rotateMasterKey(contextOf(runtime));
      const masters = await loadMasterKeys(runtime.config, runtime.keys, {});
      try {
        const v2 = masters.current;
        // Entity 1: the replacement key is stored and the blob rewritten under it, then "crash".
        const one = runtime.keyring.entityKey('shop', '1');
        const main = (await runtime.keys.get(one))!;
        const oldKey = SecureKey.fill((out) => unwrapKeyInto(v2.key, main.id, main.wrapped, out));
        const newKey = SecureKey.random();
        await runtime.keys.putMany([
          { id: nextKeyId(one), masterVersion: 2, wrapped: wrapKey(v2.key, nextKeyId(one), newKey) },
        ]);
        const blob = (await runtime.blobs.get('shop', one))!;
        const data = resealBlob({
          product: 'shop',
          key: one,
          blob: blob.data,
          expectedVersion: blob.version,
          dataKey: oldKey,
          newDataKey: newKey,
          newVersion: blob.version + 1,
          keyVersion: 2,
        });
        await runtime.blobs.commit({
          puts: [{ ...blob, version: blob.version + 1, data }],
          deletes: [],
          routes: [],
          positions: new Map(),
          deadLetters: [],
          park: [],
          unpark: [],
        });
        // Entity 2: only the replacement key was stored before the "crash".
        const two = runtime.keyring.entityKey('shop', '2');
        await runtime.keys.putMany([
          { id: nextKeyId(two), masterVersion: 2, wrapped: wrapKey(v2.key, nextKeyId(two), newKey) },
        ]);
        oldKey.dispose();
        newKey.dispose();
        const state = (await runtime.keys.getRotation())!;
        await runtime.keys.putRotation({
          ...state,
          phase: 'reencrypt',
          reencrypt: true,
          cursor: '',
          finishedAt: undefined,
        });
      } finally {
        masters.dispose();
      }
      const report = await rotateMasterKey(contextOf(runtime), { products: ['shop'] });
      expect(report).toMatchObject({ resumed: true, reencrypted: 3 });
      for await (const key of runtime.keys.scan()) expect(key.id.startsWith('next:')).toBe(false);
    });
    expect(await shopState(temp)).toEqual(before);
  });
});

describe('rotateMasterKey after a process wrapped keys with the old version', () => {
  it('finishes the last rotation instead of starting a new one, then lets the old version retire', async () => {
    temp = await populated(2);
    await withRuntime(async (runtime) => {
      await rotateMasterKey(contextOf(runtime));
      // A process that never learnt of version 2 stores a key wrapped by version 1.
      const v1 = loadMasterKey({ env: 'NONE', file: v1File(), createIfMissing: false }, {});
      const id = runtime.keyring.entityKey('shop', 'late');
      const key = SecureKey.random();
      await runtime.keys.putMany([{ id, masterVersion: 1, wrapped: wrapKey(v1.key, id, key) }]);
      key.dispose();
      v1.key.dispose();
      const refused = await rejection(retireMasterKeyVersion(runtime.keys, 1));
      expect((refused as Error).message).toContain('1 key(s) are still wrapped by it');
      const report = await rotateMasterKey(contextOf(runtime));
      expect(report).toMatchObject({ target: 2, resumed: true, created: false, rewrapped: 1 });
      expect(await runtime.keys.checkVersions()).toEqual([1, 2]);
      expect((await retireMasterKeyVersion(runtime.keys, 1)).remaining).toEqual([2]);
    });
  });
});
