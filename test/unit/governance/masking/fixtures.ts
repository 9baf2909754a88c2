import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowToStored } from '../../../../src/microdb/column-values.js';
import { MicroDb } from '../../../../src/microdb/micro-db.js';
import { loadProducts } from '../../../../src/product/product-registry.js';
import type { Product } from '../../../../src/product/types.js';

/** The real demo spec, config/products/customer360.yaml. */
export const CUSTOMER360_SPEC = fileURLToPath(
  new URL('../../../../config/products/customer360.yaml', import.meta.url),
);

/**
 * A product with a column of every type, masked differently per role: `viewer` gets the
 * type-specific masks, `hasher` hashes almost everything, `owner` reads clear, `blind` may not read.
 * Only spec text is written to disk (a temp folder removed at once), never entity data.
 */
const KINDS_SPEC = `
product: kinds
version: 1.0.0
title: Kinds
owner: tests
description: every column type under every mask
entity: { name: thing }
tables:
  things:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id:      { type: integer }
      name:    { type: text, mask: { viewer: "partial(1,1)", hasher: hash } }
      mail:    { type: text, mask: { viewer: email, hasher: hash } }
      code:    { type: uuid, mask: { viewer: "partial(2,2)", hasher: hash } }
      amount:  { type: decimal, scale: 3, mask: { viewer: "round(1)", hasher: hash } }
      ratio:   { type: real, mask: { viewer: "round(2)", hasher: hash } }
      qty:     { type: integer, mask: { viewer: "round(-2)", hasher: hash } }
      flag:    { type: boolean, mask: { viewer: "null", hasher: hash } }
      born:    { type: date, mask: { viewer: year, hasher: hash } }
      seen:    { type: timestamp, mask: { viewer: year, hasher: redact } }
      seen_tz: { type: timestamptz, mask: { viewer: year, hasher: "null" } }
      doc:     { type: json, mask: { viewer: redact, hasher: hash } }
      blob:    { type: bytes, mask: { viewer: redact, hasher: hash } }
      note:    { type: text }
  events:
    primaryKey: [id]
    entityId: thing_id
    columns:
      id:       { type: integer }
      thing_id: { type: integer }
      body:     { type: text, mask: { default: redact } }
      big:      { type: integer, mask: { viewer: "round(-1)" } }
access:
  viewer: { read: true, query: true, mask: viewer }
  hasher: { read: true, query: true, mask: hasher }
  owner:  { read: true, query: true, clear: true }
  blind:  { read: false }
`;

export function loadCustomer360(): Product {
  return loadProducts([CUSTOMER360_SPEC], {}).get('customer360');
}

export function loadKinds(): Product {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-masking-'));
  try {
    const file = join(dir, 'kinds.yaml');
    writeFileSync(file, KINDS_SPEC);
    return loadProducts([file], {}).get('kinds');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A micro-DB of `product` holding the given source rows (coerced as sync would). */
export function entityWith(
  product: Product,
  id: string,
  rows: Record<string, Record<string, unknown>[]>,
): MicroDb {
  const db = MicroDb.create(product, id);
  for (const [table, list] of Object.entries(rows)) {
    const def = product.tablesByName.get(table);
    if (def === undefined) throw new Error(`no table ${table}`);
    for (const row of list) db.upsert(table, rowToStored(def, row));
  }
  return db;
}

/** Ada, as the demo sample has her, with two orders. */
export function ada(product: Product): MicroDb {
  return entityWith(product, '1001', {
    customers: [
      {
        id: 1001,
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada.lovelace@example.com',
        ssn: '078-05-1120',
        phone: '+44 20 7946 0018',
        birth_date: '1815-12-10',
        created_at: '2015-08-06T19:30:10.183411',
      },
    ],
    orders: [
      { id: 1, customer_id: 1001, total: '120.50', status: 'paid', placed_at: '2024-01-02T03:04:05' },
      { id: 2, customer_id: 1001, total: '9.99', status: 'open', placed_at: '2024-02-03T04:05:06' },
    ],
    order_items: [
      { id: 10, order_id: 1, sku: 'BOOK-1', qty: 2 },
      { id: 11, order_id: 2, sku: 'PEN-7', qty: 1 },
    ],
  });
}

/** Two things with odd values in every column (unicode, empty text, extremes, nulls). */
export function kindsEntity(product: Product): MicroDb {
  return entityWith(product, '7', {
    things: [
      {
        id: 7,
        name: 'Zoë 😀 Ångström',
        mail: 'élodie.martin@exämple.fr',
        code: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
        amount: '-1234.565',
        ratio: 2.675,
        qty: '9223372036854775807',
        flag: true,
        born: '0001-01-01',
        seen: '2024-12-31T23:59:59.999999',
        seen_tz: '2024-12-31T23:30:00-02:00',
        doc: '{"a":[1,2.50,"x"],"big":12345678901234567890}',
        blob: Buffer.from([0, 1, 2, 250]),
        note: 'not masked',
      },
    ],
    events: [
      { id: 1, thing_id: 7, body: '', big: '-9223372036854775808' },
      { id: 2, thing_id: 7, body: null, big: 45 },
      { id: 3, thing_id: 7, body: 'x', big: null },
    ],
  });
}

/** A 32-byte key filled with one byte value. */
export function testKey(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}
