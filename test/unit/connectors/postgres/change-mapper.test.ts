import { describe, expect, it } from 'vitest';
import { pgSourceOptions } from '../../../../src/connectors/postgres-cdc/cdc-options.js';
import { ChangeMapper } from '../../../../src/connectors/postgres-cdc/change-mapper.js';
import { decodePgoutput } from '../../../../src/connectors/postgres-cdc/pgoutput-decoder.js';
import type { PgoutputMessage } from '../../../../src/connectors/postgres-cdc/pgoutput-messages.js';
import { isCellarError } from '../../../../src/errors.js';
import { testProduct } from '../test-product.js';
import { PgoutputWriter, pgSource, relationMessage } from './pg-fixtures.js';

type Change = Extract<PgoutputMessage, { tag: 'insert' | 'update' | 'delete' | 'truncate' }>;

function mapper(): ChangeMapper {
  const product = testProduct();
  const m = new ChangeMapper(
    product,
    pgSourceOptions(product, pgSource()),
    new Map([
      [20, 'int8'],
      [25, 'text'],
      [1700, 'numeric'],
    ]),
  );
  // orders: id (key), customer_id, legacy (not in the spec), total, status
  m.relation(
    decodePgoutput(
      relationMessage(1, 'public', 'orders', 'd', [
        ['id', 20, true],
        ['customer_id', 20, false],
        ['legacy', 25, false],
        ['total', 1700, false],
        ['status', 25, false],
      ]),
    ) as Extract<PgoutputMessage, { tag: 'relation' }>,
  );
  m.relation(
    decodePgoutput(relationMessage(2, 'public', 'audit', 'd', [['id', 20, true]])) as Extract<
      PgoutputMessage,
      { tag: 'relation' }
    >,
  );
  return m;
}

function change(buf: Buffer): Change {
  return decodePgoutput(buf) as Change;
}

describe('ChangeMapper', () => {
  it('maps an insert to the product table, spec columns only, with type hints', () => {
    const [event] = mapper().changes(
      change(
        new PgoutputWriter().byte('I').int32(1).byte('N').tuple(['10', '1', 'old', '9.99', null]).build(),
      ),
    );
    expect(event).toEqual({
      op: 'c',
      table: 'orders',
      before: null,
      after: { id: '10', customer_id: '1', total: '9.99', status: null },
      hints: {
        id: { pgType: 'int8' },
        customer_id: { pgType: 'int8' },
        total: { pgType: 'numeric' },
        status: { pgType: 'text' },
      },
    });
  });

  it('keeps only key columns of an old key tuple, all columns of an old row, and drops unchanged TOAST values', () => {
    const m = mapper();
    const [pkChange] = m.changes(
      change(
        new PgoutputWriter()
          .byte('U')
          .int32(1)
          .byte('K')
          .tuple(['10', null, null, null, null])
          .byte('N')
          .tuple(['11', '1', 'x', '1.00', undefined])
          .build(),
      ),
    );
    expect(pkChange).toMatchObject({
      op: 'u',
      before: { id: '10' },
      after: { id: '11', customer_id: '1', total: '1.00' },
    });
    expect(Object.keys(pkChange?.after ?? {})).not.toContain('status');
    const [full] = m.changes(
      change(
        new PgoutputWriter().byte('D').int32(1).byte('O').tuple(['10', '1', 'x', '1.00', 'new']).build(),
      ),
    );
    expect(full).toMatchObject({
      op: 'd',
      before: { id: '10', customer_id: '1', total: '1.00', status: 'new' },
      after: null,
    });
    const [key] = m.changes(
      change(new PgoutputWriter().byte('D').int32(1).byte('K').tuple(['10', null, null, null, null]).build()),
    );
    expect(key?.before).toEqual({ id: '10' });
  });

  it('ignores tables the source does not map, and maps each mapped table of a truncate', () => {
    const m = mapper();
    expect(m.changes(change(new PgoutputWriter().byte('I').int32(2).byte('N').tuple(['1']).build()))).toEqual(
      [],
    );
    expect(
      m.changes(change(new PgoutputWriter().byte('T').int32(2).byte(0).int32(1).int32(2).build())),
    ).toEqual([{ op: 't', table: 'orders', before: null, after: null, hints: {} }]);
  });

  it('learns type names from Type messages and refuses a relation the server never described', () => {
    const m = mapper();
    m.type(99_999, 'mood');
    m.relation(
      decodePgoutput(
        relationMessage(3, 'public', 'customers', 'f', [
          ['id', 20, true],
          ['first_name', 99_999, true],
        ]),
      ) as Extract<PgoutputMessage, { tag: 'relation' }>,
    );
    const [event] = m.changes(
      change(new PgoutputWriter().byte('I').int32(3).byte('N').tuple(['1', 'happy']).build()),
    );
    expect(event?.hints).toEqual({ id: { pgType: 'int8' }, first_name: { pgType: 'mood' } });
    let err: unknown;
    try {
      m.changes(change(new PgoutputWriter().byte('I').int32(404).byte('N').tuple(['1']).build()));
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toContain('relation 404');
  });
});
