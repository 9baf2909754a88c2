import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { quoteIdentifier, STORAGE_CLASS, tableDdl } from '../../../src/product/ddl.js';
import type { ColumnDef, ColumnType } from '../../../src/product/types.js';
import { COLUMN_TYPES } from '../../../src/product/types.js';

function column(name: string, type: ColumnType): ColumnDef {
  return { name, type, scale: undefined, pii: false, tokenize: undefined, deterministic: false, masks: {} };
}

describe('tableDdl', () => {
  it('creates a WITHOUT ROWID table with storage classes and the primary key', () => {
    const ddl = tableDdl('customers', [column('id', 'integer'), column('name', 'text')], ['id'], {
      kind: 'root',
      column: 'id',
    });
    expect(ddl).toBe(
      'CREATE TABLE "customers" ("id" INTEGER, "name" TEXT, PRIMARY KEY ("id")) WITHOUT ROWID',
    );
  });

  it('indexes the routing column of child tables after the CREATE TABLE', () => {
    const cols = [column('id', 'integer'), column('customer_id', 'integer'), column('total', 'decimal')];
    expect(tableDdl('orders', cols, ['id'], { kind: 'column', column: 'customer_id' })).toBe(
      'CREATE TABLE "orders" ("id" INTEGER, "customer_id" INTEGER, "total" TEXT, PRIMARY KEY ("id")) WITHOUT ROWID;\n' +
        'CREATE INDEX "orders.customer_id" ON "orders" ("customer_id")',
    );
    const items = [column('id', 'integer'), column('order_id', 'integer')];
    expect(
      tableDdl('order_items', items, ['id'], { kind: 'parent', table: 'orders', key: 'order_id' }),
    ).toContain(';\nCREATE INDEX "order_items.order_id" ON "order_items" ("order_id")');
  });

  it('skips the index when the routing column leads the primary key', () => {
    const cols = [column('order_id', 'integer'), column('line', 'integer')];
    const ddl = tableDdl('lines', cols, ['order_id', 'line'], {
      kind: 'parent',
      table: 'orders',
      key: 'order_id',
    });
    expect(ddl).not.toContain('CREATE INDEX');
    expect(ddl).toContain('PRIMARY KEY ("order_id", "line")');
  });

  it('maps every column type to a storage class SQLite accepts', () => {
    const cols = COLUMN_TYPES.map((t) => column(`c_${t}`, t));
    const ddl = tableDdl('everything', [column('id', 'integer'), ...cols], ['id'], {
      kind: 'column',
      column: 'c_text',
    });
    const db = new Database(':memory:');
    try {
      for (const statement of ddl.split(';\n')) db.exec(statement);
      const info = db.prepare('SELECT name, type FROM pragma_table_info(?)').all('everything') as {
        name: string;
        type: string;
      }[];
      for (const t of COLUMN_TYPES)
        expect(info.find((c) => c.name === `c_${t}`)?.type).toBe(STORAGE_CLASS[t]);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as {
        name: string;
      }[];
      expect(indexes.map((i) => i.name)).toEqual(['everything.c_text']);
    } finally {
      db.close();
    }
  });

  it('quotes identifiers, doubling quotes', () => {
    expect(quoteIdentifier('order')).toBe('"order"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
