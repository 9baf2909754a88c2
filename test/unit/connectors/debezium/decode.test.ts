import { describe, expect, it } from 'vitest';
import { type DecodeResult, decodeDebezium } from '../../../../src/connectors/debezium/decode.js';
import { tableLookup } from '../../../../src/connectors/debezium/table-lookup.js';
import { envelopeSchema, fixture, fixtureNames } from './fixtures.js';

const tableFor = tableLookup(
  new Map([
    ['inventory.customers', 'customers'],
    ['public.customers', 'customers'],
    ['orderline', 'order_lines'],
    ['purchaseorder', 'purchase_orders'],
    ['inventory.products', 'products'],
    ['crm.public.a', 'a'],
  ]),
);
const decode = (value: unknown, topic?: string): DecodeResult =>
  decodeDebezium(value, { format: 'debezium', tableFor, ...(topic === undefined ? {} : { topic }) });

function event(result: DecodeResult) {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** Every fixture in the folder and the kind it must decode to; a new fixture fails until listed. */
const EXPECTED_KIND: Record<string, 'event' | 'skip' | 'error' | 'per-part'> = {
  '01': 'event',
  '02': 'event',
  '03': 'event',
  '04': 'event',
  '05': 'event',
  '06': 'event',
  '08': 'event',
  '09': 'event',
  '10': 'event',
  '11': 'per-part',
  '12': 'error',
  '13': 'skip',
  '14': 'per-part',
  '15': 'per-part',
  '16': 'event',
  '17': 'event',
  '18': 'event',
  '19': 'event',
};

describe('decodeDebezium on the shared fixtures', () => {
  it('knows every fixture in the folder', () => {
    const prefixes = fixtureNames().map((n) => n.slice(0, 2));
    expect(prefixes.length).toBeGreaterThanOrEqual(18);
    expect(prefixes.sort()).toEqual(Object.keys(EXPECTED_KIND).sort());
  });

  it.each(Object.entries(EXPECTED_KIND).filter(([, kind]) => kind !== 'per-part'))(
    'fixture %s decodes to %s',
    (prefix, kind) => {
      expect(decode(fixture(prefix)).kind).toBe(kind);
    },
  );

  it('01: a bare snapshot read', () => {
    expect(event(decode(fixture('01')))).toEqual({
      op: 'r',
      table: 'customers',
      before: null,
      after: { id: 1001, first_name: 'Sally', last_name: 'Thomas', email: 'sally.thomas@acme.com' },
      ts: 1582540780807,
      txId: '596',
    });
  });

  it('02: {schema, payload} whose schema is a placeholder string gives no hints', () => {
    const e = event(decode(fixture('02')));
    expect(e).toMatchObject({ op: 'c', table: 'customers', before: null, ts: 1733906311010, txId: '767' });
    expect(e.after).toEqual({ id: 1005, first_name: 'Bob', last_name: 'Marley', email: 'bob@marley.com' });
    expect(e.hints).toBeUndefined();
  });

  it('03: {key, value} takes the value; a base64 decimal passes through untouched', () => {
    const e = event(decode(fixture('03')));
    expect(e).toMatchObject({ op: 'c', table: 'order_lines', ts: 1610716846989, txId: '608' });
    expect(e.after?.totalprice).toBe('D54=');
    expect(e.after?.order_id).toBe(1);
    expect(e.hints).toBeUndefined(); // schemas.enable=false: the column's own scale decides
  });

  it('03 with its Decimal schema: totalprice gets the Decimal semantic and scale 2', () => {
    const value = (fixture('03') as { value: Record<string, unknown> }).value;
    const totalprice = {
      type: 'bytes',
      optional: true,
      name: 'org.apache.kafka.connect.data.Decimal',
      version: 1,
      parameters: { scale: '2', 'connect.decimal.precision': '7' },
      field: 'totalprice',
    };
    const schema = envelopeSchema([{ type: 'int32', optional: false, field: 'id' }, totalprice]);
    const e = event(decode({ schema, payload: value }));
    expect(e.after?.totalprice).toBe('D54=');
    expect(e.hints).toEqual({ totalprice: { semantic: 'org.apache.kafka.connect.data.Decimal', scale: 2 } });
  });

  it('04: an update with before null (REPLICA IDENTITY DEFAULT)', () => {
    const e = event(decode(fixture('04')));
    expect(e).toMatchObject({ op: 'u', table: 'order_lines', before: null, txId: '609' });
    expect(e.after).toMatchObject({ id: 2, status: 'CANCELLED', totalprice: 'C7c=' });
  });

  it('05: a MicroTimestamp passes through as the raw microseconds; with its schema it is hinted', () => {
    const value = (fixture('05') as { value: Record<string, unknown> }).value;
    const bare = event(decode(fixture('05')));
    expect(bare.table).toBe('purchase_orders');
    expect(bare.after?.orderdate).toBe(1548936781000000);
    const schema = envelopeSchema([
      { type: 'int32', optional: false, field: 'id' },
      {
        type: 'int64',
        optional: false,
        name: 'io.debezium.time.MicroTimestamp',
        version: 1,
        field: 'orderdate',
      },
    ]);
    const hinted = event(decode({ schema, payload: value }));
    expect(hinted.hints?.orderdate?.semantic).toBe('io.debezium.time.MicroTimestamp');
    expect(hinted.hints?.orderdate?.scale).toBeUndefined();
    expect(hinted.hints?.id).toBeUndefined();
  });

  it('06: a full JsonConverter schema without semantic types gives no hints', () => {
    const e = event(decode(fixture('06')));
    expect(e).toMatchObject({ op: 'c', table: 'customers', before: null, ts: 1559033904863, txId: '555' });
    expect(e.after).toEqual({
      id: 1,
      first_name: 'Anne',
      last_name: 'Kretchmar',
      email: 'annek@noanswer.org',
    });
    expect(e.hints).toBeUndefined();
  });

  it('08: an update whose before holds only the primary key', () => {
    const e = event(decode(fixture('08')));
    expect(e).toMatchObject({ op: 'u', table: 'customers', before: { id: 1 }, txId: '556' });
    expect(e.after?.first_name).toBe('Anne Marie');
  });

  it('09: a delete with before = primary key, after null', () => {
    expect(event(decode(fixture('09')))).toEqual({
      op: 'd',
      table: 'customers',
      before: { id: 1 },
      after: null,
      ts: 1559033904863,
      txId: '556',
    });
  });

  it('10: a truncate has no row images', () => {
    expect(event(decode(fixture('10')))).toEqual({
      op: 't',
      table: 'customers',
      before: null,
      after: null,
      ts: 1559033904863,
      txId: '556',
    });
  });

  it('11: BEGIN and END transaction metadata are skipped', () => {
    const parts = fixture('11') as unknown[];
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(decode(part)).toEqual({ kind: 'skip', why: 'transaction metadata' });
  });

  it('12: an event without source needs a topic to find its table', () => {
    const noTopic = decode(fixture('12'));
    expect(noTopic).toMatchObject({ kind: 'error', code: 'CELLAR_ERR_EVENT_UNKNOWN_TABLE' });
    expect(noTopic.kind === 'error' && noTopic.reason).toContain('no source table');
    const e = event(decode(fixture('12'), 'crm.public.a'));
    expect(e).toEqual({ op: 'c', table: 'a', before: null, after: { pk: '2', aa: '1' }, ts: 1580390884335 });
  });

  it('13: a logical decoding message is skipped', () => {
    expect(decode(fixture('13'))).toEqual({ kind: 'skip', why: 'logical decoding message' });
  });

  it('14: tombstones in every shape are skipped', () => {
    const f = fixture('14') as Record<string, unknown>;
    expect(decode(f.value_as_shown_in_tutorial)).toEqual({ kind: 'skip', why: 'tombstone' });
    expect(decode(f.value_on_the_wire_with_current_JsonConverter)).toEqual({
      kind: 'skip',
      why: 'tombstone',
    });
    expect(decode({ key: f.key, value: null })).toEqual({ kind: 'skip', why: 'tombstone' });
    expect(decode({ key: f.key, value: f.value_as_shown_in_tutorial })).toEqual({
      kind: 'skip',
      why: 'tombstone',
    });
  });

  it('15: flattened rows are not envelopes: in the debezium format they have no op', () => {
    const f = fixture('15') as Record<string, unknown>;
    expect(decode(f.delete_rewrite_value)).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_DECODE',
      reason: 'the event has no op field',
    });
  });

  it('16: a snapshot read with schema: source-struct semantic names do not become hints', () => {
    const e = event(decode(fixture('16')));
    expect(e).toMatchObject({ op: 'r', table: 'products', before: null, ts: 1596001099434, txId: '601' });
    expect(e.after).toEqual({ id: 101, name: 'scooter', description: 'Small 2-wheel scooter', weight: 3.14 });
    expect(e.hints).toBeUndefined();
  });

  it('17: an update with the full before image (REPLICA IDENTITY FULL)', () => {
    const e = event(decode(fixture('17')));
    expect(e.op).toBe('u');
    expect(e.before).toMatchObject({ id: 106, description: "16oz carpenter's hammer" });
    expect(e.after).toMatchObject({ id: 106, description: '18oz carpenter hammer' });
  });

  it('18: a delete with the full before image', () => {
    const e = event(decode(fixture('18')));
    expect(e).toMatchObject({ op: 'd', table: 'products', after: null, txId: '608', ts: 1596010988168 });
    expect(e.before).toEqual({ id: 111, name: 'scooter', description: 'Big 2-wheel scooter ', weight: 5.17 });
  });

  it('19: the unchanged-TOAST placeholder column is dropped from after, the rest kept', () => {
    const e = event(decode(fixture('19')));
    expect(e.after).toEqual({
      id: 1004,
      first_name: 'Dana',
      last_name: 'Kretchmar',
      email: 'annek@noanswer.org',
    });
    expect(e.after && 'biography' in e.after).toBe(false);
  });
});
