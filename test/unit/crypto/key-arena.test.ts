import { describe, expect, it } from 'vitest';
import { KeyArena } from '../../../src/crypto/key-arena.js';
import { isCellarError } from '../../../src/errors.js';

describe('KeyArena', () => {
  it('holds more keys than one guarded allocation per key would allow', () => {
    // One sodium_malloc per key aborts the process at ~16 000 keys (the kernel's map count limit).
    const arena = new KeyArena();
    const keys = Array.from({ length: 40_000 }, () => arena.random());
    expect(arena.liveKeys).toBe(40_000);
    expect(arena.slabCount).toBe(Math.ceil(40_000 / 1024));
    const first = keys[0]!.use((b) => Buffer.from(b).toString('hex'));
    const last = keys.at(-1)!.use((b) => Buffer.from(b).toString('hex'));
    expect(first).not.toBe(last);
    arena.destroy();
  });

  it('gives each key its own slot, and reuses a disposed slot after zeroing it', () => {
    const arena = new KeyArena(4);
    const a = arena.allocate((slot) => slot.fill(1));
    const b = arena.allocate((slot) => slot.fill(2));
    expect(a.use((x) => [...x])).toEqual(new Array(32).fill(1));
    expect(b.use((x) => [...x])).toEqual(new Array(32).fill(2));
    a.dispose();
    expect(arena.liveKeys).toBe(1);
    const c = arena.allocate((slot) => {
      expect([...slot]).toEqual(new Array(32).fill(0)); // zeroed before reuse
      slot.fill(3);
    });
    expect(c.use((x) => x[0])).toBe(3);
    expect(b.use((x) => x[0])).toBe(2);
    arena.destroy();
  });

  it('unmaps a surplus empty slab but keeps the last one', () => {
    const arena = new KeyArena(2);
    const keys = [arena.random(), arena.random(), arena.random()];
    expect(arena.slabCount).toBe(2);
    keys[2]!.dispose();
    expect(arena.slabCount).toBe(1);
    keys[0]!.dispose();
    keys[1]!.dispose();
    expect(arena.slabCount).toBe(1);
    expect(arena.liveKeys).toBe(0);
    arena.destroy();
  });

  it('releases the slot when init throws', () => {
    const arena = new KeyArena(2);
    expect(() =>
      arena.allocate(() => {
        throw new Error('unwrap failed');
      }),
    ).toThrowError('unwrap failed');
    expect(arena.liveKeys).toBe(0);
    arena.destroy();
  });

  it('makes held keys unusable once destroyed', () => {
    const arena = new KeyArena();
    const key = arena.random();
    arena.destroy();
    let err: unknown;
    try {
      key.use((b) => b[0]);
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_INTERNAL')).toBe(true);
    key.dispose(); // harmless after destroy
  });
});
