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

    it('lists and deletes check versions', async () => {
      expect(await store.checkVersions()).toEqual([]);
      await store.putCheck(2, Uint8Array.of(2));
      await store.putCheck(1, Uint8Array.of(1));
      expect(await store.checkVersions()).toEqual([1, 2]);
      await store.deleteCheck(1);
      await store.deleteCheck(1);
      expect(await store.checkVersions()).toEqual([2]);
      expect(await store.getCheck(1)).toBeUndefined();
    });

    it('counts keys per master key version', async () => {
      await store.putMany([wrapped(1), wrapped(2), wrapped(3, 2)]);
      expect(await store.countByMasterVersion()).toEqual(
        new Map([
          [1, 2],
          [2, 1],
        ]),
      );
    });

    it('re-wraps only keys still stored exactly as read, deletes, and records the rotation', async () => {
      await store.putMany([wrapped(1), wrapped(2), wrapped(3), { ...wrapped(4), id: 'next:4' }]);
      // Key 2 changed after it was read, key 3 was erased: neither swap applies.
      const stale = wrapped(2);
      await store.putMany([{ ...wrapped(20), id: stale.id }]);
      await store.delete(wrapped(3).id);
      const to = (n: number) => ({ ...wrapped(n + 100, 2), id: wrapped(n).id });
      const rotation = {
        target: 2,
        phase: 'rewrap' as const,
        reencrypt: false,
        cursor: wrapped(3).id,
        rewrapped: 1,
        reencrypted: 0,
        startedAt: 7,
        finishedAt: undefined,
      };
      const applied = await store.rewrapMany(
        [
          { from: wrapped(1), to: to(1) },
          { from: stale, to: to(2) },
          { from: wrapped(3), to: to(3) },
        ],
        { deletes: ['next:4'], rotation },
      );
      expect(applied).toBe(1);
      expect(await store.get(wrapped(1).id)).toMatchObject({ masterVersion: 2 });
      expect([...((await store.get(wrapped(1).id))?.wrapped ?? [])]).toEqual([...to(1).wrapped]);
      expect([...((await store.get(wrapped(2).id))?.wrapped ?? [])]).toEqual([...wrapped(20).wrapped]);
      expect(await store.get(wrapped(3).id)).toBeUndefined();
      expect(await store.get('next:4')).toBeUndefined();
      expect(await store.getRotation()).toEqual(rotation);
      // Applying the same swaps again changes nothing: they are idempotent.
      expect(await store.rewrapMany([{ from: wrapped(1), to: to(1) }])).toBe(0);
    });

    it('erases a key and suppresses its entity at once, idempotently; lifts suppressions per product', async () => {
      await store.putMany([wrapped(1), wrapped(2)]);
      const suppression = { product: 'p', key: wrapped(1).id, at: 5 };
      await store.erase(suppression);
      await store.erase(suppression);
      await store.erase({ product: 'q', key: wrapped(3).id, at: 6 }); // no key: suppressed all the same
      expect(await store.get(wrapped(1).id)).toBeUndefined();
      expect(await store.get(wrapped(2).id)).toBeDefined();
      expect(await store.suppressed('p', [wrapped(1).id, wrapped(2).id])).toEqual(new Set([wrapped(1).id]));
      expect(await store.suppressed('q', [wrapped(1).id, wrapped(3).id])).toEqual(new Set([wrapped(3).id]));
      expect((await store.suppressed('p', [])).size).toBe(0);
      expect(await store.unsuppress({ product: 'p', key: wrapped(1).id })).toBe(true);
      expect(await store.unsuppress({ product: 'p', key: wrapped(1).id })).toBe(false);
      expect((await store.suppressed('p', [wrapped(1).id])).size).toBe(0);
      expect((await store.suppressed('q', [wrapped(3).id])).size).toBe(1);
    });

    it('stores the rotation state and keeps it across reopen', async () => {
      expect(await store.getRotation()).toBeUndefined();
      const state = {
        target: 3,
        phase: 'done' as const,
        reencrypt: true,
        cursor: '',
        rewrapped: 10,
        reencrypted: 4,
        startedAt: 1,
        finishedAt: 2,
      };
      await store.putRotation(state);
      await store.close();
      store = await fixture.reopen();
      expect(await store.getRotation()).toEqual(state);
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
        store.checkVersions(),
        store.deleteCheck(1),
        store.countByMasterVersion(),
        store.rewrapMany([]),
        store.getRotation(),
        store.erase({ product: 'p', key: wrapped(1).id, at: 1 }),
        store.suppressed('p', [wrapped(1).id]),
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
