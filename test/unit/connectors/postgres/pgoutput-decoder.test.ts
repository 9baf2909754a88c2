import { describe, expect, it } from 'vitest';
import { decodePgoutput } from '../../../../src/connectors/postgres-cdc/pgoutput-decoder.js';
import { PgoutputWriter, pgMicros, relationMessage } from './pg-fixtures.js';

const AT = Date.UTC(2024, 1, 29, 23, 59, 59, 123);

describe('decodePgoutput', () => {
  it('decodes Begin and Commit with their LSNs, commit time and transaction id', () => {
    const begin = new PgoutputWriter()
      .byte('B')
      .int64(0x1_0000_0010n)
      .int64(pgMicros(AT))
      .int32(4_000_000_000)
      .build();
    expect(decodePgoutput(begin)).toEqual({
      tag: 'begin',
      finalLsn: 0x1_0000_0010n,
      commitTimeMs: AT,
      xid: 4_000_000_000,
    });
    const commit = new PgoutputWriter()
      .byte('C')
      .byte(0)
      .int64(0x1_0000_0010n)
      .int64(0x1_0000_0040n)
      .int64(pgMicros(AT))
      .build();
    expect(decodePgoutput(commit)).toEqual({
      tag: 'commit',
      commitLsn: 0x1_0000_0010n,
      endLsn: 0x1_0000_0040n,
      commitTimeMs: AT,
    });
  });

  it('decodes a Relation with key flags and type oids, and a Type', () => {
    expect(
      decodePgoutput(
        relationMessage(16384, 'public', 'orders', 'd', [
          ['id', 20, true],
          ['note', 25, false],
        ]),
      ),
    ).toEqual({
      tag: 'relation',
      relationId: 16384,
      schema: 'public',
      name: 'orders',
      replicaIdentity: 'd',
      columns: [
        { name: 'id', isKey: true, typeOid: 20 },
        { name: 'note', isKey: false, typeOid: 25 },
      ],
    });
    const type = new PgoutputWriter().byte('Y').int32(70_000).cstring('public').cstring('mood').build();
    expect(decodePgoutput(type)).toEqual({ tag: 'type', typeOid: 70_000, schema: 'public', name: 'mood' });
  });

  it('keeps tuple values as text, NULL as null and an unchanged TOAST value as undefined', () => {
    const insert = new PgoutputWriter()
      .byte('I')
      .int32(16384)
      .byte('N')
      .tuple(['12345678901234567890', null, 'é ✓'])
      .build();
    expect(decodePgoutput(insert)).toEqual({
      tag: 'insert',
      relationId: 16384,
      newTuple: ['12345678901234567890', null, 'é ✓'],
    });
    const update = new PgoutputWriter()
      .byte('U')
      .int32(7)
      .byte('K')
      .tuple(['1', null])
      .byte('N')
      .tuple(['2', undefined])
      .build();
    expect(decodePgoutput(update)).toEqual({
      tag: 'update',
      relationId: 7,
      oldKind: 'K',
      oldTuple: ['1', null],
      newTuple: ['2', undefined],
    });
    const plain = new PgoutputWriter().byte('U').int32(7).byte('N').tuple(['2', 'x']).build();
    expect(decodePgoutput(plain)).toEqual({
      tag: 'update',
      relationId: 7,
      oldKind: undefined,
      oldTuple: undefined,
      newTuple: ['2', 'x'],
    });
    const del = new PgoutputWriter().byte('D').int32(7).byte('O').tuple(['1', 'x']).build();
    expect(decodePgoutput(del)).toEqual({ tag: 'delete', relationId: 7, oldKind: 'O', oldTuple: ['1', 'x'] });
  });

  it('decodes a Truncate of several relations', () => {
    const truncate = new PgoutputWriter().byte('T').int32(2).byte(1).int32(10).int32(11).build();
    expect(decodePgoutput(truncate)).toEqual({ tag: 'truncate', relationIds: [10, 11] });
  });

  it('never throws: malformed bytes become an undecodable message', () => {
    expect(decodePgoutput(Buffer.from('Z'))).toEqual({
      tag: 'undecodable',
      reason: 'unknown pgoutput message type "Z"',
    });
    expect(
      decodePgoutput(new PgoutputWriter().byte('I').int32(1).byte('N').int16(1).byte('t').int32(10).build()),
    ).toMatchObject({
      tag: 'undecodable',
      reason: 'the message ends early',
    });
    expect(
      decodePgoutput(new PgoutputWriter().byte('I').int32(1).byte('N').int16(1).byte('b').build()),
    ).toMatchObject({ tag: 'undecodable' });
    expect(decodePgoutput(new PgoutputWriter().byte('R').int32(1).build())).toMatchObject({
      tag: 'undecodable',
    });
    expect(decodePgoutput(Buffer.alloc(0))).toMatchObject({ tag: 'undecodable' });
  });
});
