import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMask } from '../../../../src/governance/masking/mask-functions.js';
import { installedHashKeys, installMasking } from '../../../../src/governance/masking/mask-install.js';
import { maskTransform, maskTransformFor } from '../../../../src/governance/masking/mask-sql.js';
import { toJsonValue } from '../../../../src/microdb/column-values.js';
import type { MicroDb } from '../../../../src/microdb/micro-db.js';
import type { JsonValue, StoredValue } from '../../../../src/microdb/stored-value.js';
import type { MaskPlan, Product } from '../../../../src/product/types.js';
import { ada, kindsEntity, loadCustomer360, loadKinds, testKey } from './fixtures.js';

const KEYS: Record<string, Uint8Array> = { customer360: testKey(3), kinds: testKey(4) };
const keyFor = (product: string): Uint8Array => {
  const key = KEYS[product];
  if (key === undefined) throw new Error(`no test key for ${product}`);
  return key;
};

let uninstall: () => void;
beforeAll(() => {
  uninstall = installMasking(keyFor);
});
afterAll(() => uninstall());

/** A masked value in its JSON form (what a reader gets). */
function maskedJson(value: StoredValue): JsonValue {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) throw new Error('a mask returned bytes');
  return value;
}

/** The entity as `plan` shows it, computed in JavaScript from the stored rows. */
function expectedRead(product: Product, db: MicroDb, plan: MaskPlan): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const table of product.tables) {
    const rows = db.allRows(table.name).map((row) => {
      const object: Record<string, JsonValue> = {};
      for (const column of table.columns) {
        const stored = row[column.name] ?? null;
        const mask = plan.tables[table.name]?.[column.name] ?? null;
        object[column.name] =
          mask === null
            ? toJsonValue(column, stored)
            : maskedJson(applyMask(mask, stored, column.type, keyFor(product.name)));
      }
      return object;
    });
    out[table.name] = table.root ? (rows[0] ?? null) : rows;
  }
  return out;
}

describe('maskTransform', () => {
  const customer360 = loadCustomer360();
  const kinds = loadKinds();
  const cases: [Product, (p: Product) => MicroDb][] = [
    [customer360, ada],
    [kinds, kindsEntity],
  ];

  it('reads, for every role of both products, what the mask functions give on the stored rows', () => {
    let compared = 0;
    for (const [product, make] of cases) {
      const db = make(product);
      for (const plan of Object.values(product.maskPlans)) {
        const transform = maskTransformFor(product, plan);
        const read = JSON.parse(db.readJson(undefined, transform)) as Record<string, JsonValue>;
        expect(read, `${product.name} as ${plan.role}`).toEqual(expectedRead(product, db, plan));
        compared += 1;
      }
      db.close();
    }
    expect(compared).toBe(8);
  });

  it('shows Ada to support as the demo promises', () => {
    const db = ada(customer360);
    const support = customer360.maskPlans.support as MaskPlan;
    const read = db.read(undefined, maskTransform(customer360, support)) as {
      customers: Record<string, JsonValue>;
    };
    expect(read.customers).toEqual({
      id: 1001,
      first_name: 'A**',
      last_name: 'L*******',
      email: 'a***@example.com',
      ssn: '****',
      phone: '************0018',
      birth_date: '****',
      created_at: '2015-08-06T19:30:10.183411',
    });
    db.close();
  });

  it('gives each masked value its JSON type', () => {
    const db = kindsEntity(kinds);
    const viewer = kinds.maskPlans.viewer as MaskPlan;
    const text = db.readJson(undefined, maskTransform(kinds, viewer));
    // year → number, round(-2) of int64 max → text (beyond 2^53), null → null, redact → string.
    expect(text).toContain('"born":1,');
    expect(text).toContain('"qty":"9223372036854775800"');
    expect(text).toContain('"flag":null');
    expect(text).toContain('"blob":"****"');
    expect(text).toContain('"amount":"-1234.6"');
    expect(text).toContain('"ratio":2.68');
    db.close();
  });

  it('reads only the named tables, masked', () => {
    const db = ada(customer360);
    const analyst = customer360.maskPlans.analyst as MaskPlan;
    const read = db.read(['customers'], maskTransform(customer360, analyst)) as {
      customers: Record<string, JsonValue>;
    };
    expect(Object.keys(read)).toEqual(['customers']);
    expect(read.customers.birth_date).toBe(1815);
    expect(read.customers.email).toMatch(/^[0-9a-f]{32}$/);
    db.close();
  });

  it('masks one table read with limit and offset the same way', () => {
    const db = kindsEntity(kinds);
    const viewer = kinds.maskPlans.viewer as MaskPlan;
    const rows = JSON.parse(db.readTableJson('events', 2, 1, maskTransform(kinds, viewer)));
    expect(rows).toEqual([
      { id: 2, thing_id: 7, body: null, big: 50 },
      { id: 3, thing_id: 7, body: '****', big: null },
    ]);
    db.close();
  });

  it('has one id per product and role, and one transform object per plan', () => {
    const support = customer360.maskPlans.support as MaskPlan;
    expect(maskTransform(customer360, support).id).toBe('mask:customer360:support');
    expect(maskTransform(customer360, support)).toBe(maskTransform(customer360, support));
  });

  it('reads plans that mask nothing without a transform, and clear roles only detokenizing', () => {
    // customer360 tokenizes ssn: a clear role sees values, through the detokenizing transform.
    expect(maskTransformFor(customer360, null)?.id).toBe('clear:customer360');
    expect(maskTransformFor(customer360, customer360.maskPlans.dpo as MaskPlan)).toBeUndefined();
    expect(maskTransformFor(customer360, customer360.maskPlans.support as MaskPlan)).toBeDefined();
  });

  it('leaves unmasked columns to the default JSON expression', () => {
    const transform = maskTransform(customer360, customer360.maskPlans.support as MaskPlan);
    const orders = customer360.tablesByName.get('orders');
    const total = orders?.columnsByName.get('total');
    if (orders === undefined || total === undefined) throw new Error('customer360 changed');
    expect(transform.expr(orders, total, 'DEFAULT_JSON', '"total"')).toBe('DEFAULT_JSON');
  });

  it('fails a masked read, never shows clear values, on a connection opened without masking', () => {
    const keys = installedHashKeys();
    uninstall();
    try {
      const db = ada(customer360);
      const support = customer360.maskPlans.support as MaskPlan;
      expect(() => db.readJson(undefined, maskTransform(customer360, support))).toThrow(/no such function/);
      db.close();
    } finally {
      uninstall = installMasking(keys ?? keyFor);
    }
  });
});
