import { describe, expect, it } from 'vitest';
import { readWrappedKeys } from '../../../src/crypto/read-wrapped-keys.js';
import type { WrappedKey } from '../../../src/store/key-store.js';
import { SqliteKeyStore } from '../../../src/store/sqlite/key-store.js';

const wrap = (id: string): WrappedKey => ({ id, masterVersion: 1, wrapped: Buffer.alloc(72, id.length) });

describe('readWrappedKeys', () => {
  it('reads one id with a point read and several with one batched read; absent ids are left out', async () => {
    const inner = SqliteKeyStore.open(':memory:');
    let gets = 0;
    let getManys = 0;
    const store = Object.assign(Object.create(inner) as SqliteKeyStore, {
      get: (id: string) => {
        gets += 1;
        return inner.get(id);
      },
      getMany: (ids: readonly string[]) => {
        getManys += 1;
        return inner.getMany(ids);
      },
    });
    await inner.putMany([wrap('a'), wrap('bb')]);
    expect([...(await readWrappedKeys(store, ['a'])).keys()]).toEqual(['a']);
    expect([gets, getManys]).toEqual([1, 0]);
    expect((await readWrappedKeys(store, ['zz'])).size).toBe(0);
    const both = await readWrappedKeys(store, ['a', 'bb', 'zz']);
    expect([...both.keys()].sort()).toEqual(['a', 'bb']);
    expect(Buffer.from(both.get('bb')?.wrapped ?? []).equals(wrap('bb').wrapped)).toBe(true);
    expect([gets, getManys]).toEqual([2, 1]);
    await inner.close();
  });
});
