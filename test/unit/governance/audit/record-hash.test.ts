import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZERO_HASH } from '../../../../src/governance/audit/audit-record.js';
import { canonicalJson } from '../../../../src/governance/audit/canonical-json.js';
import {
  recordHash,
  recordLine,
  sealLine,
  sealRecord,
  type UnsealedRecord,
} from '../../../../src/governance/audit/record-hash.js';
import { blake2b256 } from '../../../../src/governance/audit/sodium.js';
import { access } from './audit-fixtures.js';

function unsealed(i: number, extra: Record<string, unknown> = {}): UnsealedRecord {
  return {
    ...access(i),
    ...extra,
    seq: i + 1,
    at: '2026-01-02T03:04:05.678Z',
    prev: ZERO_HASH,
  } as UnsealedRecord;
}

describe('sealLine', () => {
  it('hashes prev and every other field canonically, as docs/audit.md defines it', () => {
    const { record } = sealLine(unsealed(3));
    const { prev, hash, ...rest } = record;
    const expected = blake2b256(Buffer.from(prev + canonicalJson(rest), 'utf8')).toString('hex');
    expect(hash).toBe(expected);
    expect(recordHash(record)).toBe(hash);
  });

  it('makes the same line as recordLine, hash in its sorted place, for any field values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 5 }),
        fc.string(),
        fc.boolean(),
        fc.option(fc.string(), { nil: undefined }),
        (columns, principal, frozen, product) => {
          const { record, line } = sealLine(
            unsealed(1, { columns: frozen ? Object.freeze([...columns]) : columns, principal, product }),
          );
          expect(line).toBe(recordLine(record));
          expect(line.endsWith('}\n')).toBe(true);
          const parsed = JSON.parse(line) as Record<string, unknown>;
          expect(parsed.hash).toBe(record.hash);
          expect(recordHash(parsed as unknown as UnsealedRecord)).toBe(record.hash);
        },
      ),
    );
  });

  it('leaves undefined fields out of both the hash and the line', () => {
    const withUndefined = sealLine(unsealed(2, { product: undefined, tables: undefined }));
    const { product: _p, tables: _t, ...withoutBase } = access(2);
    const without = sealLine({
      ...withoutBase,
      seq: 3,
      at: '2026-01-02T03:04:05.678Z',
      prev: ZERO_HASH,
    } as UnsealedRecord);
    expect(withUndefined.line).toBe(without.line);
    expect(withUndefined.line).not.toContain('"product"');
  });

  it('seals the object it is given; sealRecord seals a copy', () => {
    const mine = unsealed(4);
    const { record } = sealLine(mine);
    expect(record).toBe(mine);
    expect(Object.isFrozen(record)).toBe(true);
    const theirs = unsealed(4);
    const copy = sealRecord(theirs);
    expect(copy).not.toBe(theirs);
    expect(Object.isFrozen(theirs)).toBe(false);
    expect(copy.hash).toBe(record.hash);
  });
});
