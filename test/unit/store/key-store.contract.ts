import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCellarError } from '../../../src/errors.js';
import type { KeyStore, WrappedKey } from '../../../src/store/key-store.js';

/** What a backend's test gives the suite: a fresh, empty key store and a way to reopen its data. */
export interface KeyStoreFixture {
  readonly store: KeyStore;
  /** A new store over the same data, after the suite closed `store`. */
  readonly reopen: () => Promise<KeyStore>;
  readonly cleanup: () => Promise<void>;
}

function wrapped(n: number, masterVersion = 1): WrappedKey {
  return {
    id: n.toString(16).padStart(64, '0'),
    masterVersion,
    wrapped: Uint8Array.from({ length: 72 }, (_, i) => (n + i) & 0xff),
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** The behaviour every {@link KeyStore} backend must show. */
export function describeKeyStore(name: string, factory: () => Promise<KeyStoreFixture>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let fixture: KeyStoreFixture;
    let store: KeyStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    it('stores keys and returns them, with missing ids undefined or absent', async () => {
      await store.putMany([wrapped(1), wrapped(2), { ...wrapped(3), id: 'system:index' }]);
      const one = await store.get(wrapped(1).id);
      expect(one?.id).toBe(wrapped(1).id);
      expect(one?.masterVersion).toBe(1);
      expect([...(one?.wrapped ?? [])]).toEqual([...wrapped(1).wrapped]);
      expect((await store.get('system:index'))?.id).toBe('system:index');
      expect(await store.get(wrapped(9).id)).toBeUndefined();
      const many = await store.getMany([wrapped(1).id, wrapped(9).id, 'system:index']);
      expect([...many.keys()].sort()).toEqual([wrapped(1).id, 'system:index'].sort());
      expect((await store.getMany([])).size).toBe(0);
      await store.putMany([]);
    });

    it('replaces a key with the same id, idempotently', async () => {
      await store.putMany([wrapped(1)]);
      const replacement = { ...wrapped(7, 2), id: wrapped(1).id };
      await store.putMany([replacement]);
      await store.putMany([replacement]);
      const got = await store.get(wrapped(1).id);
      expect(got?.masterVersion).toBe(2);
      expect([...(got?.wrapped ?? [])]).toEqual([...replacement.wrapped]);
    });

    it('deletes keys, and deleting a missing key succeeds', async () => {
      await store.putMany([wrapped(1), wrapped(2)]);
      await store.delete(wrapped(1).id);
      await store.delete(wrapped(1).id);
      await store.delete(wrapped(9).id);
      expect(await store.get(wrapped(1).id)).toBeUndefined();
      expect(await store.get(wrapped(2).id)).toBeDefined();
    });

    it('scans every key exactly once, page by page', async () => {
      const keys = [4, 1, 5, 2, 3].map((n) => wrapped(n));
      await store.putMany(keys);
      const seen: string[] = [];
      for await (const key of store.scan(2)) seen.push(key.id);
      expect(seen.sort()).toEqual(keys.map((k) => k.id).sort());
      const all: string[] = [];
      for await (const key of store.scan()) all.push(key.id);
      expect(all.length).toBe(5);
    });

    it('records check values per master key version', async () => {
      expect(await store.getCheck(1)).toBeUndefined();
      await store.putCheck(1, Uint8Array.of(1, 2, 3));
      await store.putCheck(2, Uint8Array.of(9));
      expect([...((await store.getCheck(1)) ?? [])]).toEqual([1, 2, 3]);
      expect([...((await store.getCheck(2)) ?? [])]).toEqual([9]);
    });

    it('keeps keys and checks across close and reopen', async () => {
      await store.putMany([wrapped(1)]);
      await store.putCheck(1, Uint8Array.of(4));
      await store.close();
      store = await fixture.reopen();
      expect((await store.get(wrapped(1).id))?.masterVersion).toBe(1);
      expect([...((await store.getCheck(1)) ?? [])]).toEqual([4]);
    });

    it('rejects every call with CELLAR_ERR_STORE_CLOSED once closed', async () => {
      await store.close();
      await store.close();
      const calls: Promise<unknown>[] = [
        store.get(wrapped(1).id),
        store.getMany([wrapped(1).id]),
        store.putMany([wrapped(1)]),
        store.delete(wrapped(1).id),
        store.getCheck(1),
        store.putCheck(1, Uint8Array.of(1)),
        (async () => {
          for await (const _ of store.scan()) break;
        })(),
      ];
      for (const call of calls) {
        expect(isCellarError(await rejection(call), 'CELLAR_ERR_STORE_CLOSED')).toBe(true);
      }
    });
  });
}
