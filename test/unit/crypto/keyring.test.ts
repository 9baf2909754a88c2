import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keyring } from '../../../src/crypto/keyring.js';
import { isCellarError } from '../../../src/errors.js';
import type { SqliteKeyStore } from '../../../src/store/sqlite/key-store.js';
import { failure, master, tempKeyStore } from './keyring-fixtures.js';

describe('Keyring', () => {
  let path: string;
  let store: SqliteKeyStore;
  let remove: () => Promise<void>;
  beforeEach(() => {
    ({ path, store, remove } = tempKeyStore());
  });
  afterEach(async () => remove());

  describe('master key check', () => {
    it('records the check on first use and accepts the same master key later', async () => {
      const m = master(7);
      expect(await store.getCheck(1)).toBeUndefined();
      (await Keyring.open(m, store)).close();
      expect((await store.getCheck(1))?.length).toBe(32);
      (await Keyring.open(master(7), store)).close();
    });

    it('refuses another master key on an existing key store, naming where it is', async () => {
      (await Keyring.open(master(7), store, { location: path })).close();
      const err = await failure(Keyring.open(master(8), store, { location: path }));
      expect(err.code).toBe('CELLAR_ERR_KEY_MASTER_WRONG');
      expect(err.message).toBe(`the master key does not match the key store at ${path}`);
    });
  });

  describe('keyed hashes', () => {
    it('gives stable 64-hex entity keys that survive a restart and depend on product, id and master', async () => {
      const first = await Keyring.open(master(1), store);
      const a = first.entityKey('customer360', '42');
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(first.entityKey('customer360', '42')).toBe(a);
      expect(first.entityKey('customer360', '43')).not.toBe(a);
      expect(first.entityKey('orders', '42')).not.toBe(a);
      // Field boundaries are unambiguous.
      expect(first.entityKey('ab', 'c')).not.toBe(first.entityKey('a', 'bc'));
      first.close();

      const restarted = await Keyring.open(master(1), store);
      expect(restarted.entityKey('customer360', '42')).toBe(a);
      restarted.close();

      const otherStore = tempKeyStore();
      const other = await Keyring.open(master(1), otherStore.store);
      expect(other.entityKey('customer360', '42')).not.toBe(a); // another system:index key
      other.close();
      await otherStore.remove();
    });

    it('normalizes primary-key values so that every encoding of a key hashes alike', async () => {
      const ring = await Keyring.open(master(), store);
      const k = (pk: unknown[]) => ring.rowKey('p', 'orders', pk);
      expect(k([42])).toBe(k(['42']));
      expect(k([42n])).toBe(k(['42']));
      expect(k([1e21])).toBe(k([1000000000000000000000n]));
      expect(k([Uint8Array.of(0xde, 0xad)])).toBe(k(['dead']));
      expect(k([1, 2])).not.toBe(k(['1\u00002']));
      expect(k([1, 2])).not.toBe(k([12]));
      expect(ring.rowKey('p', 'orders', [1])).not.toBe(ring.rowKey('p', 'items', [1]));
      expect(ring.parentKey('p', 'orders', [7])).toBe(ring.rowKey('p', 'orders', [7]));
      ring.close();
    });

    it('uses separate keys for entity keys, row keys and audit hashes', async () => {
      const ring = await Keyring.open(master(), store);
      const entity = ring.entityKey('p', '1');
      expect(ring.hashForAudit('p', '1')).toMatch(/^[0-9a-f]{64}$/);
      expect(ring.hashForAudit('p', '1')).not.toBe(entity);
      expect(ring.rowKey('p', '1', [])).not.toBe(entity);
      ring.close();
    });
  });

  describe('system sealing', () => {
    it('seals and opens records per purpose, with a key that survives a restart', async () => {
      const ring = await Keyring.open(master(9), store);
      const plaintext = Buffer.from('{"raw":"ssn 123-45-6789"}');
      const sealed = await ring.sealSystem('dead-letter', plaintext);
      expect(Buffer.from(sealed).includes(plaintext)).toBe(false);
      expect(Buffer.from(sealed).includes(Buffer.from('123-45-6789'))).toBe(false);
      expect((await ring.openSystem('dead-letter', sealed)).equals(plaintext)).toBe(true);
      expect(await store.get('system:dead-letter')).toBeDefined();
      ring.close();

      const restarted = await Keyring.open(master(9), store);
      expect((await restarted.openSystem('dead-letter', sealed)).equals(plaintext)).toBe(true);
      restarted.close();
    });

    it('refuses a record opened for another purpose, altered, or truncated', async () => {
      const ring = await Keyring.open(master(), store);
      const sealed = Buffer.from(await ring.sealSystem('dead-letter', Buffer.from('payload')));
      expect((await failure(ring.openSystem('parked', sealed))).code).toBe('CELLAR_ERR_CODEC_TAMPERED');
      for (let i = 0; i < sealed.length; i += 1) {
        const altered = Buffer.from(sealed);
        altered[i] = (altered[i] ?? 0) ^ 0x80;
        expect((await failure(ring.openSystem('dead-letter', altered))).code).toBe(
          'CELLAR_ERR_CODEC_TAMPERED',
        );
      }
      const truncated = sealed.subarray(0, sealed.length - 1);
      expect((await failure(ring.openSystem('dead-letter', truncated))).code).toBe(
        'CELLAR_ERR_CODEC_TAMPERED',
      );
      ring.close();
    });

    it('refuses the reserved index key and malformed names', async () => {
      const ring = await Keyring.open(master(), store);
      for (const name of ['index', 'Dead Letter', '', '../x']) {
        expect(
          isCellarError(await failure(ring.sealSystem(name, Uint8Array.of(1))), 'CELLAR_ERR_INTERNAL'),
        ).toBe(true);
      }
      ring.close();
    });
  });

  it('refuses every call once closed and zeroes the keys it handed out', async () => {
    const ring = await Keyring.open(master(), store);
    const a = ring.entityKey('p', 'a');
    const key = (await ring.dataKeys([a], true)).get(a)!;
    ring.close();
    ring.close();
    expect(key.disposed).toBe(true);
    expect(() => ring.entityKey('p', 'a')).toThrowError(/keyring is closed/);
    expect((await failure(ring.dataKeys([a], true))).code).toBe('CELLAR_ERR_INTERNAL');
    expect((await failure(ring.sealSystem('dead-letter', Uint8Array.of(1)))).code).toBe(
      'CELLAR_ERR_INTERNAL',
    );
  });
});
