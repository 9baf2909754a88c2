import { describe, expect, it } from 'vitest';
import { newDataKeys } from '../../../src/crypto/data-key-batch.js';
import { KeyArena } from '../../../src/crypto/key-arena.js';
import { unwrapKeyInto, WRAPPED_KEY_BYTES } from '../../../src/crypto/key-wrap.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';
import { CellarError } from '../../../src/errors.js';
import type { EntityKey } from '../../../src/store/blob-store.js';

const master = { key: SecureKey.random(), version: 3 };
const ids = ['aa'.repeat(32), 'bb'.repeat(32), 'ünïcode-id'] as EntityKey[];

describe('newDataKeys', () => {
  it('makes one key per id, each wrapped (nonce ‖ ciphertext ‖ tag) so that it unwraps to itself', () => {
    const arena = new KeyArena(2); // more keys than a slab holds
    const made = newDataKeys(arena, master, ids);
    expect(made.map((m) => m.wrapped.id)).toEqual(ids);
    expect(made.every((m) => m.wrapped.masterVersion === 3)).toBe(true);
    for (const { key, wrapped } of made) {
      expect(wrapped.wrapped.length).toBe(WRAPPED_KEY_BYTES);
      const out = Buffer.alloc(32);
      unwrapKeyInto(master.key, wrapped.id, wrapped.wrapped, out);
      expect(key.use((bytes) => out.equals(bytes))).toBe(true);
      expect(key.use((bytes) => Buffer.from(wrapped.wrapped).includes(bytes))).toBe(false);
    }
    expect(arena.liveKeys).toBe(3);
  });

  it('draws distinct keys and distinct nonces', () => {
    const made = newDataKeys(new KeyArena(), master, ids);
    const keys = new Set(made.map((m) => m.key.use((b) => b.toString('hex'))));
    const nonces = new Set(made.map((m) => Buffer.from(m.wrapped.wrapped.subarray(0, 24)).toString('hex')));
    expect([keys.size, nonces.size]).toEqual([3, 3]);
  });

  it('binds each wrap to its id: under another id it fails authentication', () => {
    const [first] = newDataKeys(new KeyArena(), master, ids);
    const code = (() => {
      try {
        unwrapKeyInto(master.key, ids[1]!, first!.wrapped.wrapped, Buffer.alloc(32));
        return 'none';
      } catch (err) {
        return err instanceof CellarError ? err.code : 'other';
      }
    })();
    expect(code).toBe('CELLAR_ERR_KEY_CORRUPT');
  });

  it('makes nothing for no ids, and frees every slot when the master key is unusable', () => {
    const arena = new KeyArena();
    expect(newDataKeys(arena, master, [])).toEqual([]);
    const disposed = SecureKey.random();
    disposed.dispose();
    expect(() => newDataKeys(arena, { key: disposed, version: 1 }, ids)).toThrow(CellarError);
    expect(arena.liveKeys).toBe(0);
  });
});
