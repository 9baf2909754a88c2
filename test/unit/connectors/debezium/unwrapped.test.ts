import { describe, expect, it } from 'vitest';
import { type DecodeResult, decodeDebezium } from '../../../../src/connectors/debezium/decode.js';
import { tableLookup } from '../../../../src/connectors/debezium/table-lookup.js';
import { UNAVAILABLE_VALUE } from '../../../../src/connectors/debezium/toast.js';
import { fixture } from './fixtures.js';

const tableFor = tableLookup(
  new Map([
    ['MY_TABLE', 'my_table'],
    ['crm.public.customers', 'customers'],
    ['public.customers', 'customers'],
  ]),
);
const decode = (value: unknown, topic?: string): DecodeResult =>
  decodeDebezium(value, {
    format: 'debezium-unwrapped',
    tableFor,
    ...(topic === undefined ? {} : { topic }),
  });

function event(result: DecodeResult) {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

describe('decodeDebezium, debezium-unwrapped (ExtractNewRecordState)', () => {
  const f = fixture('15') as Record<string, Record<string, unknown>>;

  it('15: a rewritten delete (__deleted "true") is a delete whose before is the row', () => {
    expect(event(decode(f.delete_rewrite_value, 'crm.public.customers'))).toEqual({
      op: 'd',
      table: 'customers',
      before: { pk: 2, cola: null },
      after: null,
      ts: 0,
    });
  });

  it('15: add.fields metadata gives op, table and time, and is stripped from the row', () => {
    const e = event(decode({ id: 7, name: 'x', ...f.add_fields_op_table_lsn_source_ts_ms_value_excerpt }));
    expect(e).toEqual({
      op: 'c',
      table: 'my_table',
      before: null,
      after: { id: 7, name: 'x' },
      ts: 123456789,
    });
  });

  it('15: the add.fields excerpt alone has no columns: a decode error', () => {
    expect(decode(f.add_fields_op_table_lsn_source_ts_ms_value_excerpt)).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_DECODE',
      reason: 'the flattened row has no columns besides __ metadata fields',
    });
  });

  it('without __op a row is a create (upsert), and __deleted "false" changes nothing', () => {
    expect(event(decode({ id: 1, __deleted: 'false' }, 'crm.public.customers'))).toMatchObject({
      op: 'c',
      before: null,
      after: { id: 1 },
    });
  });

  it('__op u and r are kept; __op d is a delete', () => {
    expect(event(decode({ id: 1, __op: 'u', __table: 'MY_TABLE' })).op).toBe('u');
    expect(event(decode({ id: 1, __op: 'r', __table: 'MY_TABLE' })).op).toBe('r');
    expect(event(decode({ id: 1, __op: 'd', __table: 'MY_TABLE' }))).toMatchObject({
      op: 'd',
      before: { id: 1 },
      after: null,
    });
  });

  it('__schema + __table map as schema.table; __txId and __source_ts_ms are read', () => {
    const e = event(
      decode({ id: 1, __schema: 'public', __table: 'customers', __txId: 77, __source_ts_ms: 1700000000123 }),
    );
    expect(e).toEqual({
      op: 'c',
      table: 'customers',
      before: null,
      after: { id: 1 },
      ts: 1700000000123,
      txId: '77',
    });
  });

  it('a {schema, payload} row gives hints from its struct schema', () => {
    const schema = {
      type: 'struct',
      name: 'crm.public.customers.Value',
      fields: [
        { type: 'int64', optional: false, field: 'id' },
        {
          type: 'int64',
          optional: true,
          name: 'io.debezium.time.MicroTimestamp',
          version: 1,
          field: 'created_at',
        },
      ],
    };
    const e = event(decode({ schema, payload: { id: 1, created_at: 1, __table: 'MY_TABLE' } }));
    expect(e.hints).toEqual({ created_at: { semantic: 'io.debezium.time.MicroTimestamp' } });
  });

  it('drops TOAST placeholders from the row', () => {
    expect(event(decode({ id: 1, bio: UNAVAILABLE_VALUE, __table: 'MY_TABLE' })).after).toEqual({ id: 1 });
  });

  it('tombstones are skipped', () => {
    expect(decode(null)).toEqual({ kind: 'skip', why: 'tombstone' });
    expect(decode({ key: { id: 1 }, value: null })).toEqual({ kind: 'skip', why: 'tombstone' });
  });

  it('rejects non-objects, bad __op and unmapped tables precisely', () => {
    expect(decode([1])).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_DECODE',
      reason: 'expected a JSON object (a row), got an array',
    });
    expect(decode({ id: 1, __op: 't', __table: 'MY_TABLE' })).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_DECODE',
      reason: 'unknown __op "t"; expected one of r, c, u, d',
    });
    expect(decode({ id: 1, __op: 3, __table: 'MY_TABLE' })).toMatchObject({
      reason: 'field __op must be a string, got a number',
    });
    expect(decode({ id: 1 })).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
      reason: 'the flattened row names no table (no __table field) and no topic was given',
    });
    expect(decode({ id: 1, __table: 'leads' }, 'crm.public.leads')).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
      reason: 'source table leads, topic crm.public.leads is not mapped to a table of the product',
    });
  });
});
