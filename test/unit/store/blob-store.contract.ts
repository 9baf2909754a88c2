import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCellarError } from '../../../src/errors.js';
import type { BlobStore } from '../../../src/store/blob-store.js';
import { batch, blob, hexKey, letter, rejection } from './store-fixtures.js';

/** What a backend's test gives the suite: a fresh, empty store and a way to reopen its data. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** A new store over the same data, after the suite closed `store`. */
  readonly reopen: () => Promise<BlobStore>;
  /** Removes whatever the fixture created. */
  readonly cleanup: () => Promise<void>;
}

/**
 * The behaviour every {@link BlobStore} backend must show. Run it from the backend's own test file:
 * `describeBlobStore('SqliteBlobStore', async () => ({ store, reopen, cleanup }))`.
 */
export function describeBlobStore(name: string, factory: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    it('returns undefined and absent entries for keys it does not hold', async () => {
      await store.commit(batch({ puts: [blob('p', 1)] }));
      expect(await store.get('p', hexKey(2))).toBeUndefined();
      expect(await store.get('other', hexKey(1))).toBeUndefined();
      const many = await store.getMany('p', [hexKey(1), hexKey(2), hexKey(3)]);
      expect([...many.keys()]).toEqual([hexKey(1)]);
      expect((await store.getMany('p', [])).size).toBe(0);
    });

    it('round-trips blobs byte for byte, per product, and replaces on a newer put', async () => {
      await store.commit(batch({ puts: [blob('p', 1), blob('p', 2), blob('q', 1, 7)] }));
      const got = await store.get('p', hexKey(1));
      expect(got).toMatchObject({ product: 'p', key: hexKey(1), version: 1, updatedAt: 1_001 });
      expect([...(got?.data ?? [])]).toEqual([1, 1, 0, 255]);
      expect((await store.get('q', hexKey(1)))?.version).toBe(7);

      await store.commit(batch({ puts: [blob('p', 1, 2, 5_000)] }));
      const replaced = await store.get('p', hexKey(1));
      expect(replaced).toMatchObject({ version: 2, updatedAt: 5_000 });
      expect([...(replaced?.data ?? [])]).toEqual([1, 2, 0, 255]);
      const many = await store.getMany('p', [hexKey(1), hexKey(2)]);
      expect(many.get(hexKey(1))?.version).toBe(2);
      expect(many.get(hexKey(2))?.version).toBe(1);
    });

    it('deletes blobs, and deleting a missing one succeeds', async () => {
      await store.commit(batch({ puts: [blob('p', 1), blob('p', 2)] }));
      await store.commit(
        batch({
          deletes: [
            { product: 'p', key: hexKey(1) },
            { product: 'p', key: hexKey(9) },
          ],
        }),
      );
      expect(await store.get('p', hexKey(1))).toBeUndefined();
      expect(await store.get('p', hexKey(2))).toBeDefined();
    });

    it('applies deletes before puts and parks before unparks within one batch', async () => {
      await store.commit(batch({ puts: [blob('p', 1)] }));
      await store.commit(
        batch({
          deletes: [{ product: 'p', key: hexKey(1) }],
          puts: [blob('p', 1, 2)],
          park: [{ waitsFor: 'w', seq: 1, payload: Uint8Array.of(1), expiresAt: 10 }],
          unpark: [{ waitsFor: 'w', seq: 1 }],
        }),
      );
      expect((await store.get('p', hexKey(1)))?.version).toBe(2);
      expect(await store.parked(['w'])).toEqual([]);
    });

    it('commits a batch atomically: a failing entry leaves nothing of the batch', async () => {
      await store.commit(batch({ puts: [blob('p', 1)], positions: new Map([['crm', '0/1']]) }));
      const broken = batch({
        puts: [blob('p', 1, 2), blob('p', 2)],
        deletes: [],
        routes: [{ row: 'r1', entity: hexKey(1) }],
        positions: new Map([['crm', '0/2']]),
        deadLetters: [letter(1)],
        // Invalid on purpose: a parked event must carry a payload.
        park: [
          { waitsFor: 'w', seq: 1, payload: Uint8Array.of(1), expiresAt: 10 },
          { waitsFor: 'w', seq: 2, payload: null as unknown as Uint8Array, expiresAt: 10 },
        ],
      });
      const err = await rejection(store.commit(broken));
      expect(isCellarError(err)).toBe(true);
      expect((await store.get('p', hexKey(1)))?.version).toBe(1);
      expect(await store.get('p', hexKey(2))).toBeUndefined();
      expect((await store.routes(['r1'])).size).toBe(0);
      expect(await store.positions()).toEqual(new Map([['crm', '0/1']]));
      expect((await store.deadLetters(10)).total).toBe(0);
      expect(await store.parked(['w'])).toEqual([]);
    });

    it('stores and updates resume positions', async () => {
      expect((await store.positions()).size).toBe(0);
      await store.commit(
        batch({
          positions: new Map([
            ['crm', '0/10'],
            ['events/t/0', '5'],
          ]),
        }),
      );
      await store.commit(batch({ positions: new Map([['crm', '0/20']]) }));
      expect(await store.positions()).toEqual(
        new Map([
          ['crm', '0/20'],
          ['events/t/0', '5'],
        ]),
      );
    });

    it('sets, moves and removes routing-index entries', async () => {
      await store.commit(
        batch({
          routes: [
            { row: 'r1', entity: hexKey(1) },
            { row: 'r2', entity: hexKey(1) },
          ],
        }),
      );
      await store.commit(
        batch({
          routes: [
            { row: 'r1', entity: hexKey(2) },
            { row: 'r2', entity: null },
            { row: 'r3', entity: hexKey(3) },
            { row: 'r3', entity: hexKey(4) }, // the last entry for a row wins
          ],
        }),
      );
      const found = await store.routes(['r1', 'r2', 'r3', 'r9']);
      expect(found).toEqual(
        new Map([
          ['r1', hexKey(2)],
          ['r3', hexKey(4)],
        ]),
      );
      expect((await store.routes([])).size).toBe(0);
    });

    it('lists dead letters newest first, limited, with their total', async () => {
      await store.commit(batch({ deadLetters: [letter(1), letter(2)] }));
      await store.commit(batch({ deadLetters: [letter(3)] }));
      const { total, items } = await store.deadLetters(2);
      expect(total).toBe(3);
      expect(items.map((d) => d.token)).toEqual(['0/3', '0/2']);
      expect(items[0]).toMatchObject({
        stream: 'crm',
        code: 'CELLAR_ERR_EVENT_DECODE',
        reason: 'bad event 3',
        at: 3,
      });
      expect([...(items[0]?.payload ?? [])]).toEqual([3]);
      expect((await store.deadLetters(0)).items).toEqual([]);
    });

    it('parks events, finds them by parent oldest first and by expiry, and unparks them', async () => {
      const park = [
        { waitsFor: 'a', seq: 3, payload: Uint8Array.of(3), expiresAt: 300 },
        { waitsFor: 'a', seq: 1, payload: Uint8Array.of(1), expiresAt: 100 },
        { waitsFor: 'b', seq: 2, payload: Uint8Array.of(2), expiresAt: 200 },
        { waitsFor: 'c', seq: 4, payload: Uint8Array.of(4), expiresAt: 400 },
      ];
      await store.commit(batch({ park }));
      const waiting = await store.parked(['a', 'b', 'zz']);
      expect(waiting.map((e) => [e.waitsFor, e.seq])).toEqual([
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ]);
      expect([...(waiting[0]?.payload ?? [])]).toEqual([1]);
      expect(waiting[0]?.expiresAt).toBe(100);
      expect((await store.expiredParked(200)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.expiredParked(99)).toEqual([]);

      await store.commit(
        batch({
          unpark: [
            { waitsFor: 'a', seq: 1 },
            { waitsFor: 'x', seq: 9 },
          ],
        }),
      );
      expect((await store.parked(['a'])).map((e) => e.seq)).toEqual([3]);
      expect(await store.parked([])).toEqual([]);
    });

    it('scans a product in key order, page by page, without other products', async () => {
      const order = [5, 1, 7, 3, 2, 6, 4];
      await store.commit(batch({ puts: [...order.map((n) => blob('p', n)), blob('q', 8)] }));
      const seen: string[] = [];
      for await (const b of store.scan('p', 3)) {
        expect(b.product).toBe('p');
        seen.push(b.key);
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7].map(hexKey));
      const all: string[] = [];
      for await (const b of store.scan('p')) all.push(b.key);
      expect(all).toEqual(seen);
      for await (const b of store.scan('none', 2)) throw new Error(`unexpected ${b.key}`);
    });

    it('reports entity counts and the newest write per product', async () => {
      expect(await store.stats('p')).toEqual({ entities: 0, lastWriteAt: 0 });
      await store.commit(batch({ puts: [blob('p', 1, 1, 50), blob('p', 2, 1, 70), blob('q', 3, 1, 90)] }));
      expect(await store.stats('p')).toEqual({ entities: 2, lastWriteAt: 70 });
    });

    it('is idempotent: committing the same batch twice gives the state of committing it once', async () => {
      const same = batch({
        puts: [blob('p', 1)],
        routes: [{ row: 'r1', entity: hexKey(1) }],
        positions: new Map([['crm', '0/5']]),
        deadLetters: [letter(1), letter(2)],
        park: [{ waitsFor: 'w', seq: 1, payload: Uint8Array.of(1), expiresAt: 10 }],
      });
      await store.commit(same);
      await store.commit(same);
      expect((await store.deadLetters(10)).total).toBe(2);
      expect((await store.parked(['w'])).length).toBe(1);
      expect(await store.stats('p')).toEqual({ entities: 1, lastWriteAt: 1_001 });
      expect(await store.positions()).toEqual(new Map([['crm', '0/5']]));
    });

    it('keeps committed data across close and reopen', async () => {
      await store.commit(
        batch({ puts: [blob('p', 1)], positions: new Map([['crm', '0/7']]), deadLetters: [letter(1)] }),
      );
      await store.close();
      store = await fixture.reopen();
      expect((await store.get('p', hexKey(1)))?.version).toBe(1);
      expect(await store.positions()).toEqual(new Map([['crm', '0/7']]));
      expect((await store.deadLetters(5)).total).toBe(1);
    });

    it('sets, moves and removes token-index entries, and drops every token of an entity', async () => {
      await store.commit(
        batch({
          tokens: [
            { token: 't1', owner: { product: 'p', entity: hexKey(1) } },
            { token: 't2', owner: { product: 'p', entity: hexKey(1) } },
            { token: 't3', owner: { product: 'p', entity: hexKey(2) } },
            { token: 't4', owner: { product: 'q', entity: hexKey(1) } },
          ],
        }),
      );
      expect(await store.tokenOwners(['t1', 't3', 't9'])).toEqual(
        new Map([
          ['t1', { product: 'p', entity: hexKey(1) }],
          ['t3', { product: 'p', entity: hexKey(2) }],
        ]),
      );
      await store.commit(
        batch({
          tokens: [
            { token: 't2', owner: null },
            { token: 't3', owner: { product: 'p', entity: hexKey(3) } },
            { token: 't5', owner: { product: 'p', entity: hexKey(1) } },
          ],
          // Dropping comes after the entries of the same batch: t5 goes too.
          dropTokens: [{ product: 'p', key: hexKey(1) }],
        }),
      );
      const owners = await store.tokenOwners(['t1', 't2', 't3', 't4', 't5']);
      expect(owners).toEqual(
        new Map([
          ['t3', { product: 'p', entity: hexKey(3) }],
          ['t4', { product: 'q', entity: hexKey(1) }],
        ]),
      );
      expect((await store.tokenOwners([])).size).toBe(0);
    });

    it('drops every routing-index entry of an entity, after the routes of the same batch', async () => {
      await store.commit(
        batch({
          routes: [
            { row: 'r1', entity: hexKey(1) },
            { row: 'r2', entity: hexKey(2) },
          ],
        }),
      );
      await store.commit(batch({ routes: [{ row: 'r3', entity: hexKey(1) }], dropRoutes: [hexKey(1)] }));
      expect(await store.routes(['r1', 'r2', 'r3'])).toEqual(new Map([['r2', hexKey(2)]]));
    });

    it('commits an erasure atomically with the rest of its batch', async () => {
      await store.commit(
        batch({
          puts: [blob('p', 1)],
          routes: [{ row: 'r1', entity: hexKey(1) }],
          tokens: [{ token: 't1', owner: { product: 'p', entity: hexKey(1) } }],
        }),
      );
      const broken = batch({
        deletes: [{ product: 'p', key: hexKey(1) }],
        dropRoutes: [hexKey(1)],
        dropTokens: [{ product: 'p', key: hexKey(1) }],
        // Invalid on purpose: a token's owner needs a product.
        tokens: [{ token: 't2', owner: { product: null as unknown as string, entity: hexKey(2) } }],
      });
      expect(isCellarError(await rejection(store.commit(broken)))).toBe(true);
      expect(await store.get('p', hexKey(1))).toBeDefined();
      expect((await store.routes(['r1'])).size).toBe(1);
      expect((await store.tokenOwners(['t1'])).size).toBe(1);
    });

    it('rejects every call with CELLAR_ERR_STORE_CLOSED once closed, and closes idempotently', async () => {
      await store.close();
      await store.close();
      const calls: Promise<unknown>[] = [
        store.get('p', hexKey(1)),
        store.getMany('p', [hexKey(1)]),
        store.stats('p'),
        store.commit(batch()),
        store.positions(),
        store.routes(['r']),
        store.parked(['w']),
        store.expiredParked(0),
        store.deadLetters(1),
        store.tokenOwners(['t']),
        (async () => {
          for await (const _ of store.scan('p')) break;
        })(),
      ];
      for (const call of calls) {
        const err = await rejection(call);
        expect(isCellarError(err, 'CELLAR_ERR_STORE_CLOSED')).toBe(true);
      }
    });
  });
}
