import { describe, expect, it } from 'vitest';
import { tableLookup } from '../../../../src/connectors/debezium/table-lookup.js';
import { RecordDecoder } from '../../../../src/connectors/kafka/record-decoder.js';
import { testProduct } from '../test-product.js';

const position = { stream: 'customer360/events/t/0', token: '7', order: 7n };
const tableFor = tableLookup(new Map([['crm.public.customers', 'customers']]));
const envelope = new RecordDecoder(testProduct(), { format: 'debezium', tableFor });
const unwrapped = new RecordDecoder(testProduct(), { format: 'debezium-unwrapped', tableFor });
const record = (key: unknown, value: unknown) => ({
  key: key === null ? null : Buffer.from(typeof key === 'string' ? key : JSON.stringify(key)),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

describe('RecordDecoder', () => {
  it('decodes an envelope, naming the table through the topic, and adds the position', () => {
    const decoded = envelope.decode(
      'crm.public.customers',
      record({ id: 1 }, { op: 'c', after: { id: 1 } }),
      position,
    );
    expect(decoded).toEqual({
      kind: 'event',
      event: { op: 'c', table: 'customers', before: null, after: { id: 1 }, ts: 0, position },
    });
  });

  it('skips tombstones in both forms and transaction markers', () => {
    expect(envelope.decode('crm.public.customers', record({ id: 1 }, null), position)).toEqual({
      kind: 'skip',
      why: 'tombstone',
    });
    expect(
      envelope.decode('crm.public.customers', record(null, { schema: null, payload: null }), position).kind,
    ).toBe('skip');
    expect(
      envelope.decode('crm.public.customers', record(null, { status: 'BEGIN', id: '1:2' }), position),
    ).toEqual({
      kind: 'skip',
      why: 'transaction metadata',
    });
  });

  it('rejects invalid JSON with the value as text, never quoting it in the reason', () => {
    const decoded = envelope.decode(
      'crm.public.customers',
      record(null, '{"op": "c", "after": {"ssn": "078-05'),
      position,
    );
    expect(decoded).toEqual({
      kind: 'rejected',
      rejected: {
        position,
        raw: '{"op": "c", "after": {"ssn": "078-05',
        code: 'CELLAR_ERR_EVENT_DECODE',
        reason: expect.stringMatching(/^not valid JSON: expected/),
      },
    });
    expect(decoded.kind === 'rejected' && decoded.rejected.reason).not.toContain('078');
  });

  it('keeps 64-bit integers exact', () => {
    const decoded = envelope.decode(
      'crm.public.customers',
      record(null, '{"op":"c","after":{"id":9007199254740993}}'),
      position,
    );
    expect(decoded.kind === 'event' && decoded.event.after?.id).toBe(9007199254740993n);
  });

  it('fills a flattened delete’s missing key columns from the record key, bare or with its schema', () => {
    const bare = unwrapped.decode(
      'crm.public.customers',
      record({ id: 5 }, { email: null, __deleted: 'true' }),
      position,
    );
    expect(bare).toMatchObject({
      kind: 'event',
      event: { op: 'd', table: 'customers', before: { id: 5, email: null } },
    });
    const withSchema = unwrapped.decode(
      'crm.public.customers',
      record({ schema: { type: 'struct', fields: [] }, payload: { id: 6 } }, { id: null, __deleted: 'true' }),
      position,
    );
    expect(withSchema).toMatchObject({ event: { before: { id: 6 } } });
    // A row that has its key keeps it; the record key is not even parsed.
    const whole = unwrapped.decode(
      'crm.public.customers',
      record('not json', { id: 7, __deleted: 'true' }),
      position,
    );
    expect(whole).toMatchObject({ event: { before: { id: 7 } } });
  });
});
