import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecureKey } from '../../../../src/crypto/secure-buffer.js';
import { isCellarError } from '../../../../src/errors.js';
import { hash } from '../../../../src/governance/masking/mask-functions.js';
import { loadMaskHashKeys, maskHashKeysFrom } from '../../../../src/governance/masking/mask-keys.js';
import type { SqliteKeyStore } from '../../../../src/store/sqlite/key-store.js';
import { master, tempKeyStore } from '../../crypto/keyring-fixtures.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('maskHashKeysFrom', () => {
  it('derives a stable 32-byte key per product, different between products and roots', () => {
    const a = maskHashKeysFrom(SecureKey.copyOf(Buffer.alloc(32, 1)));
    const b = maskHashKeysFrom(SecureKey.copyOf(Buffer.alloc(32, 2)));
    const c360 = hex(a.keyFor('customer360'));
    expect(a.keyFor('customer360')).toHaveLength(32);
    expect(hex(a.keyFor('customer360'))).toBe(c360);
    expect(hex(a.keyFor('devices'))).not.toBe(c360);
    expect(hex(b.keyFor('customer360'))).not.toBe(c360);
    expect(c360).not.toBe('01'.repeat(32));
    a.dispose();
    b.dispose();
  });

  it('refuses to hand out keys once disposed', () => {
    const keys = maskHashKeysFrom(SecureKey.copyOf(Buffer.alloc(32, 1)));
    const key = keys.keyFor('customer360');
    keys.dispose();
    keys.dispose();
    expect(() => keys.keyFor('customer360')).toThrow(/disposed/);
    // A key kept past dispose is emptied, so a hash with it fails instead of using zeros.
    try {
      hash('x', 'text', key);
      expect.unreachable();
    } catch (err) {
      expect(isCellarError(err, 'CELLAR_ERR_INTERNAL')).toBe(true);
    }
  });
});

describe('loadMaskHashKeys', () => {
  let store: SqliteKeyStore;
  let remove: () => Promise<void>;
  beforeEach(() => {
    ({ store, remove } = tempKeyStore());
  });
  afterEach(async () => remove());

  it('creates system:mask once and gives the same product keys after a restart', async () => {
    const first = await loadMaskHashKeys(master(5), store);
    const key = hex(first.keyFor('customer360'));
    first.dispose();
    expect(await store.get('system:mask')).toBeDefined();
    const second = await loadMaskHashKeys(master(5), store);
    expect(hex(second.keyFor('customer360'))).toBe(key);
    second.dispose();
  });
});
