import { describe, expect, it } from 'vitest';
import { type DecodeResult, decodeDebezium } from '../../../../src/connectors/debezium/decode.js';
import { tableLookup } from '../../../../src/connectors/debezium/table-lookup.js';
import { UNAVAILABLE_VALUE, UNAVAILABLE_VALUE_BASE64 } from '../../../../src/connectors/debezium/toast.js';

const tableFor = tableLookup(new Map([['public.customers', 'customers']]));
const decode = (value: unknown): DecodeResult => decodeDebezium(value, { format: 'debezium', tableFor });
const source = {
  connector: 'postgresql',
  schema: 'public',
  table: 'customers',
  ts_ms: 1700000000000,
  txId: 9,
};
/** A secret value that must never appear in an error reason. */
const SECRET = 'ssn-078-05-1120';

function decodeErrorOf(value: unknown) {
  const result = decode(value);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${result.kind}`);
  expect(result.reason).not.toContain(SECRET);
  return result;
}

describe('decodeDebezium on malformed input', () => {
  it.each([
    [42, 'expected a JSON object, got a number'],
    ['text', 'expected a JSON object, got a string'],
    [[{ op: 'c' }], 'expected a JSON object, got an array'],
    [true, 'expected a JSON object, got a boolean'],
    [{}, 'the event has no op field'],
    [{ op: null, after: { id: 1 }, source }, 'the event has no op field'],
    [{ op: 5, after: { id: 1 }, source }, 'field op must be a string, got a number'],
    [{ op: 'x', after: { id: 1 }, source }, 'unknown op "x"; expected one of r, c, u, d, t, m'],
    [{ op: 'c', after: null, source }, 'op "c" needs an after image, but after is absent or null'],
    [{ op: 'u', source }, 'op "u" needs an after image, but after is absent or null'],
    [{ op: 'r', after: SECRET, source }, 'field after must be an object or null, got a string'],
    [{ op: 'c', after: [SECRET], source }, 'field after must be an object or null, got an array'],
    [
      { op: 'u', before: 7, after: { id: 1 }, source },
      'field before must be an object or null, got a number',
    ],
    [{ op: 'c', after: { ssn: SECRET }, source: SECRET }, 'field source must be an object, got a string'],
  ])('%j → CELLAR_ERR_EVENT_DECODE: %s', (value, reason) => {
    expect(decodeErrorOf(value)).toEqual({ kind: 'error', code: 'CELLAR_ERR_EVENT_DECODE', reason });
  });

  it('a delete without a before image names the likely cause', () => {
    const result = decodeErrorOf({ op: 'd', before: null, after: null, source });
    expect(result.code).toBe('CELLAR_ERR_EVENT_DECODE');
    expect(result.reason).toContain('op "d" needs a before image');
    expect(result.reason).toContain('REPLICA IDENTITY NOTHING');
  });

  it('a long unknown op is cut short in the reason', () => {
    const result = decodeErrorOf({ op: `z${'x'.repeat(100)}`, after: { id: 1 }, source });
    expect(result.reason.length).toBeLessThan(80);
  });

  it('an unmapped source table is CELLAR_ERR_EVENT_UNKNOWN_TABLE naming the table, not the values', () => {
    const result = decodeErrorOf({
      op: 'c',
      after: { id: 1, ssn: SECRET },
      source: { ...source, schema: 'sales', table: 'leads' },
    });
    expect(result).toEqual({
      kind: 'error',
      code: 'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
      reason: 'source table sales.leads is not mapped to a table of the product',
    });
  });

  it('maps by table name alone when the map has no schema-qualified entry', () => {
    const byName = tableLookup(new Map([['customers', 'people']]));
    const result = decodeDebezium(
      { op: 'c', after: { id: 1 }, source },
      { format: 'debezium', tableFor: byName },
    );
    expect(result.kind === 'event' && result.event.table).toBe('people');
  });

  it('falls back to the topic when the map is keyed by topics', () => {
    const byTopic = tableLookup(new Map([['crm.public.customers', 'customers']]));
    const result = decodeDebezium(
      { op: 'c', after: { id: 1 }, source },
      { format: 'debezium', tableFor: byTopic, topic: 'crm.public.customers' },
    );
    expect(result.kind === 'event' && result.event.table).toBe('customers');
  });
});

describe('decodeDebezium edge cases', () => {
  it('drops the TOAST placeholder in its text, bytea (base64) and array forms', () => {
    const result = decode({
      op: 'u',
      before: null,
      after: {
        id: 1,
        bio: UNAVAILABLE_VALUE,
        photo: UNAVAILABLE_VALUE_BASE64,
        tags: [UNAVAILABLE_VALUE],
        note: 'kept',
      },
      source,
    });
    expect(result.kind === 'event' && result.event.after).toEqual({ id: 1, note: 'kept' });
    expect(UNAVAILABLE_VALUE_BASE64).toBe('X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==');
  });

  it('keeps null columns (null is a value, absence means unchanged)', () => {
    const result = decode({ op: 'u', after: { id: 1, email: null }, source });
    expect(result.kind === 'event' && result.event.after).toEqual({ id: 1, email: null });
  });

  it('takes ts from source.ts_ms, then the envelope ts_ms, else 0; txId only when present', () => {
    const noSourceTs = decode({
      op: 'c',
      after: { id: 1 },
      source: { table: 'customers', schema: 'public' },
      ts_ms: 5,
    });
    expect(noSourceTs.kind === 'event' && noSourceTs.event.ts).toBe(5);
    const noTs = decode({
      op: 'c',
      after: { id: 1 },
      source: { table: 'customers', schema: 'public', txId: null },
    });
    expect(noTs.kind === 'event' && noTs.event).toEqual({
      op: 'c',
      table: 'customers',
      before: null,
      after: { id: 1 },
      ts: 0,
    });
  });

  it('keeps a 64-bit transaction id exactly', () => {
    const result = decode({ op: 'c', after: { id: 1 }, source: { ...source, txId: 9223372036854775807n } });
    expect(result.kind === 'event' && result.event.txId).toBe('9223372036854775807');
  });

  it('reads an envelope wrapped in {key, value: {schema, payload}}', () => {
    const result = decode({
      key: { id: 1 },
      value: { schema: null, payload: { op: 'c', after: { id: 1 }, source } },
    });
    expect(result.kind === 'event' && result.event.after).toEqual({ id: 1 });
  });

  it('a truncate ignores any row images and schema', () => {
    const result = decode({ op: 't', after: { id: 1 }, source });
    expect(result.kind === 'event' && [result.event.before, result.event.after, result.event.hints]).toEqual([
      null,
      null,
      undefined,
    ]);
  });
});
