import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteBlobStore } from '../../../src/store/sqlite/blob-store.js';
import { RouteTable } from '../../../src/sync/route-table.js';
import { batch, hexKey } from '../store/store-fixtures.js';

let store: SqliteBlobStore;
beforeEach(() => {
  store = SqliteBlobStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

describe('RouteTable', () => {
  it('answers from pending changes first, a pending removal included, then from the store', async () => {
    await store.commit(batch({ routes: [{ row: 'r1', entity: hexKey(1) }] }));
    const routes = new RouteTable(store);
    expect(routes.lookup('r1')).toBeUndefined(); // not fetched yet
    await routes.fetch(['r1', 'r2']);
    expect(routes.lookup('r1')).toBe(hexKey(1));
    expect(routes.lookup('r2')).toBeNull(); // fetched: known absent
    routes.set('r1', null); // the row was deleted: the stored entry no longer counts
    expect(routes.lookup('r1')).toBeNull();
    routes.set('r2', hexKey(2));
    expect(routes.lookup('r2')).toBe(hexKey(2));
    const pending = routes.pendingEntries();
    await store.commit(batch({ routes: pending }));
    routes.committed(pending);
    expect(routes.pendingEntries()).toEqual([]);
    expect([routes.lookup('r1'), routes.lookup('r2')]).toEqual([null, hexKey(2)]);
  });
});
