import { afterAll, describe, expect, it } from 'vitest';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { storedRows, syncOnce } from './support/cdc-runtime.js';
import { type SourceDb, sourceDb } from './support/source-db.js';

const DDL = `
create table kinds (
  id bigint primary key,
  big int8,
  small int4,
  amount numeric(30,10),
  at timestamp(6),
  atz timestamptz,
  day date,
  uid uuid,
  doc jsonb,
  raw bytea,
  tags text[],
  counts int8[],
  flag boolean,
  ratio float8,
  label text
);`;

const VALUES = `
  9007199254740993, -2147483648, 12345678901234567890.0123456789,
  '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.000001+05:30', '1999-12-31',
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"n": 12345678901234567890123, "s": "x\\"y", "a": [1, 2.50]}',
  '\\xdeadbeef00', ARRAY['a', 'b c', NULL, 'q"uote', 'back\\slash'], ARRAY[9223372036854775807, -1],
  true, 1.5e300, 'plain'`;

function spec(url: string, slot: string): string {
  return `
product: kinds
version: 1.0.0
title: Kinds
owner: tests
description: one entity per row of every value type
entity: { name: kind }
tables:
  kinds:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id: { type: integer }
      big: { type: integer }
      small: { type: integer }
      amount: { type: decimal, scale: 10 }
      at: { type: timestamp }
      atz: { type: timestamptz }
      day: { type: date }
      uid: { type: uuid }
      doc: { type: json }
      raw: { type: bytes }
      tags: { type: json }
      counts: { type: json }
      flag: { type: boolean }
      ratio: { type: real }
      label: { type: text }
sources:
  crm: { type: postgres-cdc, url: ${JSON.stringify(url)}, slot: ${slot}, tables: { public.kinds: kinds } }
access:
  support: { read: true }
`;
}

const EXPECTED = {
  big: 9007199254740993n,
  small: -2147483648n,
  amount: '12345678901234567890.0123456789',
  at: '2024-02-29T23:59:59.123456',
  atz: '2024-02-29T18:29:59.000001Z',
  day: '1999-12-31',
  uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  doc: '{"a":[1,2.50],"n":12345678901234567890123,"s":"x\\"y"}',
  raw: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]),
  tags: '["a","b c",null,"q\\"uote","back\\\\slash"]',
  counts: '[9223372036854775807,-1]',
  flag: 1n,
  ratio: 1.5e300,
  label: 'plain',
};

const NULLS = Object.fromEntries(Object.keys(EXPECTED).map((k) => [k, null]));

describe('postgres-cdc values', () => {
  let db: SourceDb;
  let temp: TempRuntime;
  afterAll(() => temp?.cleanup());

  it('keeps every value type exact, from the snapshot and from the stream alike', async () => {
    db = await sourceDb('cdc_values');
    await db.sql(DDL);
    await db.sql(`insert into kinds values (1, ${VALUES}); insert into kinds (id) values (2);`);
    temp = tempRuntime({ spec: spec(db.url, db.name) });
    await syncOnce(temp); // snapshot
    await db.sql(`insert into kinds values (3, ${VALUES}); insert into kinds (id) values (4);`);
    await syncOnce(temp); // stream

    for (const [id, expected] of [
      ['1', EXPECTED],
      ['2', NULLS],
      ['3', EXPECTED],
      ['4', NULLS],
    ] as const) {
      const rows = await storedRows(temp, 'kinds', id, 'kinds');
      expect(rows, `entity ${id}`).toHaveLength(1);
      const { id: stored, ...values } = rows?.[0] ?? {};
      expect(stored).toBe(BigInt(id));
      expect(values, `entity ${id}`).toEqual(expected);
    }
  });
});
