import { describe, expect, it } from 'vitest';
import {
  firstOrderAt,
  parseCdcToken,
  snapshotPosition,
  streamOrder,
  streamPosition,
} from '../../../../src/connectors/postgres-cdc/cdc-position.js';
import { isCellarError } from '../../../../src/errors.js';

describe('postgres-cdc positions', () => {
  it('round-trips stream tokens and derives the same order from the token alone', () => {
    const p = streamPosition('shop/crm', 0x1_6b37_4d48n, 7);
    expect(p).toEqual({ stream: 'shop/crm', token: 'lsn:1/6B374D48:7', order: (0x1_6b37_4d48n << 32n) | 7n });
    expect(parseCdcToken(p.token, 'shop/crm')).toEqual({
      kind: 'stream',
      commitLsn: 0x1_6b37_4d48n,
      index: 7,
      order: p.order,
    });
  });

  it('orders changes by commit LSN, then by index within the transaction', () => {
    const a = streamOrder(1000n, 4_000_000);
    const b = streamOrder(1001n, 0);
    expect(a < b).toBe(true);
    expect(streamOrder(1000n, 0) < streamOrder(1000n, 1)).toBe(true);
    expect(streamOrder(1000n, 0)).toBe(firstOrderAt(1000n));
    expect(() => streamOrder(1n, 2 ** 32)).toThrow(/more than 2\^32 changes/);
  });

  it('keeps snapshot orders below every change streamed after the consistent point', () => {
    const snapshot = snapshotPosition('shop/crm', 123_456n, false);
    expect(snapshot.token).toBe('snapshot:123456');
    expect(snapshotPosition('shop/crm', 9n, true).token).toBe('snapshot-done:9');
    expect(snapshot.order < firstOrderAt(0x100_0000n)).toBe(true);
    expect(parseCdcToken('snapshot-done:9', 's')).toEqual({ kind: 'snapshot', order: 9n, done: true });
    expect(parseCdcToken('snapshot:9', 's')).toEqual({ kind: 'snapshot', order: 9n, done: false });
  });

  it('refuses a token of another kind of source, saying what to do', () => {
    for (const token of ['42', 'lsn:zz:1', 'snapshot:', 'backfill-done']) {
      let err: unknown;
      try {
        parseCdcToken(token, 'shop/crm');
      } catch (e) {
        err = e;
      }
      expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG'), token).toBe(true);
    }
  });
});
