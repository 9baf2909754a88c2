import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keyring } from '../../../src/crypto/keyring.js';
import type { SqliteKeyStore } from '../../../src/store/sqlite/key-store.js';
import { bytes, CountingKeyStore, failure, master, tempKeyStore } from './keyring-fixtures.js';

describe('Keyring data keys', () => {
  let store: SqliteKeyStore;
  let remove: () => Promise<void>;
  beforeEach(() => {
    ({ store, remove } = tempKeyStore());
  });
  afterEach(async () => remove());

  it('leaves missing keys absent unless asked to create them, then keeps them pending until stored', async () => {
    const ring = await Keyring.open(master(3), store);
    const [a, b] = [ring.entityKey('p', 'a'), ring.entityKey('p', 'b')];
    expect((await ring.dataKeys([a], false)).size).toBe(0);

    const created = await ring.dataKeys([a, b, a], true);
    expect([...created.keys()].sort()).toEqual([a, b].sort());
    expect(bytes(created.get(a))).not.toBe(bytes(created.get(b)));
    const pending = ring.pendingKeys();
    expect(pending.map((w) => w.id).sort()).toEqual([a, b].sort());
    expect(pending.every((w) => w.masterVersion === 1 && w.wrapped.length === 72)).toBe(true);
    expect(await store.get(a)).toBeUndefined(); // nothing stored until the flusher writes it

    // Asking again returns the same pending key, not a new one.
    expect(bytes((await ring.dataKeys([a], true)).get(a))).toBe(bytes(created.get(a)));

    await store.putMany(pending);
    ring.clearPending(pending);
    expect(ring.pendingKeys()).toEqual([]);
    const expected = bytes(created.get(a));
    ring.close();

    const restarted = await Keyring.open(master(3), store);
    expect(bytes((await restarted.dataKeys([a], false)).get(a))).toBe(expected);
    restarted.close();
  });

  it('clears only the pending wraps it is given', async () => {
    const ring = await Keyring.open(master(), store);
    const [a, b] = [ring.entityKey('p', 'a'), ring.entityKey('p', 'b')];
    await ring.dataKeys([a], true);
    const written = ring.pendingKeys();
    await ring.dataKeys([b], true); // created while the flusher was writing
    ring.clearPending(written);
    expect(ring.pendingKeys().map((w) => w.id)).toEqual([b]);
    ring.clearPending();
    expect(ring.pendingKeys()).toEqual([]);
    ring.close();
  });

  it('creates one key when concurrent calls ask for the same missing entity', async () => {
    const ring = await Keyring.open(master(), store);
    const a = ring.entityKey('p', 'a');
    const [x, y] = await Promise.all([ring.dataKeys([a], true), ring.dataKeys([a], true)]);
    expect(bytes(x.get(a))).toBe(bytes(y.get(a)));
    expect(ring.pendingKeys().length).toBe(1);
    ring.close();
  });

  it('serves recently used keys from its cache, bounded by cacheSize', async () => {
    const counting = new CountingKeyStore(store);
    const ring = await Keyring.open(master(), counting, { cacheSize: 2 });
    const ids = ['a', 'b', 'c'].map((id) => ring.entityKey('p', id));
    await ring.dataKeys(ids, true);
    await store.putMany(ring.pendingKeys());
    ring.clearPending();
    const before = counting.reads;
    await ring.dataKeys([ids[2]!, ids[1]!], false);
    expect(counting.reads).toBe(before); // both cached
    const reloaded = await ring.dataKeys([ids[0]!], false); // evicted: back to the store
    expect(counting.reads).toBe(before + 1);
    expect(reloaded.size).toBe(1);
    ring.close();
  });

  it('forgets a key at once, and a load already in flight does not bring it back', async () => {
    const ring = await Keyring.open(master(), store);
    const a = ring.entityKey('p', 'a');
    const key = (await ring.dataKeys([a], true)).get(a)!;
    await store.putMany(ring.pendingKeys());
    ring.clearPending();

    ring.forget(a);
    expect(key.disposed).toBe(true);
    const loading = ring.dataKeys([a], false); // reads the store before the key is deleted…
    ring.forget(a); // …while the erasure forgets it
    await store.delete(a);
    expect((await loading).size).toBe(0);
    expect((await ring.dataKeys([a], false)).size).toBe(0);
    ring.close();
  });

  it('rejects a wrapped key that was altered or moved to another entity', async () => {
    const ring = await Keyring.open(master(5), store);
    const [a, b, c] = [ring.entityKey('p', 'a'), ring.entityKey('p', 'b'), ring.entityKey('p', 'c')];
    await ring.dataKeys([a], true);
    const [wrap] = ring.pendingKeys();
    ring.close();

    const flipped = Buffer.from(wrap!.wrapped);
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    await store.putMany([
      { ...wrap!, wrapped: flipped },
      { ...wrap!, id: b },
      { ...wrap!, id: c, masterVersion: 2 },
    ]);
    const reopened = await Keyring.open(master(5), store);
    expect((await failure(reopened.dataKeys([a], false))).code).toBe('CELLAR_ERR_KEY_CORRUPT');
    expect((await failure(reopened.dataKeys([b], false))).code).toBe('CELLAR_ERR_KEY_CORRUPT');
    const wrongVersion = await failure(reopened.dataKeys([c], false));
    expect(wrongVersion.code).toBe('CELLAR_ERR_KEY_MASTER_WRONG');
    expect(wrongVersion.message).toContain('version 2');
    reopened.close();
  });
});
