import {
  CONFORMANCE_COLUMNS,
  type ConformanceTable,
  describeConnectorConformance,
  type RowChange,
} from '../connectors/conformance.js';
import { quoteIdentifier, sourceDb } from './support/source-db.js';

const TABLES = Object.keys(CONFORMANCE_COLUMNS) as ConformanceTable[];

function statement(change: RowChange): [string, unknown[]] {
  const table = quoteIdentifier(change.table);
  const columns = Object.keys(change.row);
  const values = Object.values(change.row);
  if (change.op === 'insert') {
    return [
      `insert into ${table} (${columns.map(quoteIdentifier).join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    ];
  }
  if (change.op === 'update') {
    return [
      `update ${table} set ${columns.map((c, i) => `${quoteIdentifier(c)} = $${i + 1}`).join(', ')} where id = $${columns.length + 1}`,
      [...values, change.row.id],
    ];
  }
  return [`delete from ${table} where id = $1`, [change.row.id]];
}

/** The postgres-cdc source under the conformance suite: the source system is a real database. */
describeConnectorConformance('postgres-cdc', {
  async open() {
    const db = await sourceDb('conformance');
    await db.sql(
      TABLES.map(
        (t) =>
          `create table ${t} (${CONFORMANCE_COLUMNS[t].map(([c, type]) => `${c} ${type}${c === 'id' ? ' primary key' : ''}`).join(', ')});`,
      ).join('\n'),
    );
    const write = async (changes: readonly RowChange[]) => {
      const client = await db.client();
      try {
        await client.query('begin');
        for (const change of changes) await client.query(...statement(change));
        await client.query('commit');
      } finally {
        await client.end();
      }
    };
    return {
      spec: `{ type: postgres-cdc, url: ${JSON.stringify(db.url)}, slot: ${db.name}, tables: { public.customers: customers, public.orders: orders, public.order_items: order_items } }`,
      snapshot: write,
      changes: write,
      async badInput() {
        await db.sql(`
          insert into orders (id, customer_id, total, status) values (902, null, 1.00, 'new');   -- names no entity
          alter table orders alter column total type text;
          insert into orders values (901, 1, 'twelve', 'new');                                  -- not a decimal
          delete from orders where id in (901, 902);
          alter table orders alter column total type numeric(12,2) using total::numeric(12,2);`);
        return 2;
      },
      async close() {},
    };
  },
});
