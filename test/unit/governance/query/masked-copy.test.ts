import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMasking } from '../../../../src/governance/masking/mask-install.js';
import { maskTransformFor } from '../../../../src/governance/masking/mask-sql.js';
import { buildMaskedCopy } from '../../../../src/governance/query/masked-copy.js';
import { jsonSafe } from '../../../../src/governance/query/query-values.js';
import type { MaskPlan } from '../../../../src/product/types.js';
import { ada, kindsEntity, loadCustomer360, loadKinds, testKey } from '../masking/fixtures.js';

let uninstall: () => void;
beforeAll(() => {
  uninstall = installMasking(() => testKey(9));
});
afterAll(() => uninstall());

function open(image: Buffer): Database.Database {
  const db = new Database(image);
  db.defaultSafeIntegers(true);
  return db;
}

describe('buildMaskedCopy', () => {
  const customer360 = loadCustomer360();
  const kinds = loadKinds();

  it('holds only the product tables, with their column names, and no keys or indexes', () => {
    const entity = ada(customer360);
    const copy = open(buildMaskedCopy(customer360, entity, customer360.maskPlans.support as MaskPlan));
    const objects = copy.prepare('SELECT type, name FROM sqlite_schema ORDER BY name').raw().all();
    expect(objects).toEqual([
      ['table', 'customers'],
      ['table', 'order_items'],
      ['table', 'orders'],
    ]);
    const columns = copy.prepare("SELECT name FROM pragma_table_info('customers')").pluck().all();
    expect(columns).toEqual(customer360.root.columns.map((c) => c.name));
    copy.close();
    entity.close();
  });

  it('holds exactly what the masked read shows, for every role', () => {
    for (const [product, entity] of [
      [customer360, ada(customer360)],
      [kinds, kindsEntity(kinds)],
    ] as const) {
      for (const plan of Object.values(product.maskPlans)) {
        const copy = open(buildMaskedCopy(product, entity, plan));
        const read = entity.read(undefined, maskTransformFor(product, plan));
        for (const table of product.tables) {
          const rows = copy.prepare(`SELECT * FROM "${table.name}"`).all() as Record<string, unknown>[];
          const readRows = (table.root ? [read[table.name]] : read[table.name]) as Record<string, unknown>[];
          expect(rows.length, `${product.name}.${table.name} as ${plan.role}`).toBe(readRows.length);
          rows.forEach((row, i) => {
            for (const column of table.columns) {
              const fromRead = readRows[i]?.[column.name];
              const fromCopy = jsonSafe(row[column.name]);
              // The read shows unmasked booleans and json in their JSON form; the copy as stored.
              const masked = (plan.tables[table.name]?.[column.name] ?? null) !== null;
              if (!masked && column.type === 'boolean') expect(fromCopy).toBe(fromRead ? 1 : 0);
              else if (!masked && column.type === 'json')
                expect(JSON.parse(String(fromCopy))).toEqual(fromRead);
              else expect(fromCopy, `${table.name}.${column.name} as ${plan.role}`).toEqual(fromRead);
            }
          });
        }
        copy.close();
      }
      entity.close();
    }
  });

  it('keeps declared types of unmasked columns and drops them for masked ones', () => {
    const entity = kindsEntity(kinds);
    const copy = open(buildMaskedCopy(kinds, entity, kinds.maskPlans.viewer as MaskPlan));
    const types = Object.fromEntries(
      copy.prepare("SELECT name, type FROM pragma_table_info('things')").raw().all() as [string, string][],
    );
    expect(types.id).toBe('INTEGER');
    expect(types.note).toBe('TEXT');
    expect(types.qty).toBe('');
    expect(copy.prepare('SELECT typeof(qty), typeof(born), typeof(blob) FROM things').raw().get()).toEqual([
      'integer',
      'integer',
      'text',
    ]);
    copy.close();
    entity.close();
  });

  it('copies a clear role as stored, bytes and big integers included', () => {
    const entity = kindsEntity(kinds);
    const copy = open(buildMaskedCopy(kinds, entity, null));
    expect(copy.prepare('SELECT qty, blob, name FROM things').raw().get()).toEqual([
      9223372036854775807n,
      Buffer.from([0, 1, 2, 250]),
      'Zoë 😀 Ångström',
    ]);
    copy.close();
    entity.close();
  });

  it('does not touch the micro-DB', () => {
    const entity = ada(customer360);
    const before = entity.readJson();
    buildMaskedCopy(customer360, entity, customer360.maskPlans.analyst as MaskPlan);
    expect(entity.readJson()).toBe(before);
    expect(entity.changes()).toEqual([]);
    entity.close();
  });
});
