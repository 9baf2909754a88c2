import { describe, expect, it } from 'vitest';
import { formatLsn, maxLsn, parseLsn, reachableLsn } from '../../../../src/connectors/postgres-cdc/lsn.js';
import { isCellarError } from '../../../../src/errors.js';

describe('LSNs', () => {
  it('parse the server text form to exact 64-bit values and format them back', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('ffffffff/ffffffff')).toBe((1n << 64n) - 1n);
    expect(formatLsn(0x16b374d848n)).toBe('16/B374D848');
    expect(formatLsn(0x10n)).toBe('0/00000010');
    for (const text of ['0/1', 'A/0', '1234ABCD/EF'] as const)
      expect(parseLsn(formatLsn(parseLsn(text)))).toBe(parseLsn(text));
    expect(maxLsn(3n, 7n)).toBe(7n);
  });

  it('refuses text that is not an LSN, with a source configuration error', () => {
    for (const bad of ['', '16B374D848', '1/2/3', 'x/1', '123456789/0']) {
      let err: unknown;
      try {
        parseLsn(bad, 'stored LSN');
      } catch (e) {
        err = e;
      }
      expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG'), bad).toBe(true);
      expect((err as Error).message).toContain('stored LSN');
    }
    expect(() => formatLsn(-1n)).toThrow(/unsigned 64-bit/);
  });

  it('steps back over a page header the insert position points past', () => {
    const page = 8192n;
    const segment = 16n * 1024n * 1024n;
    expect(reachableLsn(5n * page + 24n, page, segment)).toBe(5n * page);
    expect(reachableLsn(3n * segment + 40n, page, segment)).toBe(3n * segment);
    expect(reachableLsn(5n * page + 48n, page, segment)).toBe(5n * page + 48n);
    expect(reachableLsn(5n * page + 40n, page, segment), 'a long header only opens a segment').toBe(
      5n * page + 40n,
    );
  });
});
