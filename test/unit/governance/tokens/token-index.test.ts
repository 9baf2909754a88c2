import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenIndex } from '../../../../src/governance/tokens/token-index.js';
import { SqliteBlobStore } from '../../../../src/store/sqlite/blob-store.js';
import { batch, hexKey } from '../../store/store-fixtures.js';

let store: SqliteBlobStore;
beforeEach(() => {
  store = SqliteBlobStore.open(':memory:');
});
afterEach(async () => store.close());

const owner = (n: number, product = 'p') => ({ product, entity: hexKey(n) });

describe('TokenIndex', () => {
  it('knows nothing until fetched, then owners and free hashes', async () => {
    await store.commit(batch({ tokens: [{ token: 'h1', owner: owner(1) }] }));
    const index = new TokenIndex(store);
    expect(index.lookup('h1')).toBeUndefined();
    await index.fetch(['h1', 'h2']);
    expect(index.lookup('h1')).toEqual(owner(1));
    expect(index.lookup('h2')).toBeNull();
  });

  it('layers claims over the store until they are committed', async () => {
    const index = new TokenIndex(store);
    index.claim('h1', owner(1));
    await index.fetch(['h1']); // a claim is never overwritten by what the store says
    expect(index.lookup('h1')).toEqual(owner(1));
    const entries = index.pendingEntries();
    expect(entries).toEqual([{ token: 'h1', owner: owner(1) }]);
    await store.commit(batch({ tokens: entries }));
    index.committed(entries);
    expect(index.pendingEntries()).toEqual([]);
    expect(index.lookup('h1')).toEqual(owner(1));
  });

  it("forgets an entity's claims and remembered entries, and only that entity's", async () => {
    await store.commit(
      batch({
        tokens: [
          { token: 'h1', owner: owner(1) },
          { token: 'h2', owner: owner(2) },
        ],
      }),
    );
    const index = new TokenIndex(store);
    await index.fetch(['h1', 'h2']);
    index.claim('h3', owner(1));
    index.claim('h4', owner(1, 'q'));
    index.dropEntity('p', hexKey(1));
    expect(index.lookup('h1')).toBeUndefined();
    expect(index.lookup('h3')).toBeUndefined();
    expect(index.lookup('h2')).toEqual(owner(2));
    expect(index.lookup('h4')).toEqual(owner(1, 'q'));
  });

  it('remembers a bounded number of committed entries', async () => {
    const index = new TokenIndex(store, 2);
    await index.fetch(['a', 'b', 'c']);
    expect(['a', 'b', 'c'].map((h) => index.lookup(h))).toEqual([undefined, null, null]);
  });
});
