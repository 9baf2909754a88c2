import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnection } from '../../../src/microdb/connection.js';
import { connection } from '../../../src/microdb/deferred-connection.js';
import { buildPendingImage } from '../../../src/microdb/image-builder.js';
import { InternalStore } from '../../../src/microdb/internal-store.js';
import { replayWrites } from '../../../src/microdb/log-replay.js';
import { MicroDb } from '../../../src/microdb/micro-db.js';
import { microDbTemplate } from '../../../src/microdb/template.js';
import { upsertShape } from '../../../src/microdb/upsert-shape.js';
import { VaultStore } from '../../../src/microdb/vault-store.js';
import { WriteLog } from '../../../src/microdb/write-log.js';
import { customer360, orderItems, orders } from './fixture-product.js';

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** Bit masks of the fixture's columns (see upsertShape). */
const ORDER_ALL = 0b11111;
const ORDER_STATUS = 0b01001; // id, status
const ITEM_ALL = 0b1111;

/** Replays `log` one row a statement, or in the given order, into a fresh connection on the template. */
function ownImage(log: WriteLog, inLogOrder = false): Buffer {
  const conn = connection(openConnection(microDbTemplate(customer360)));
  opened.push(conn.db);
  const target = { ...conn, vault: new VaultStore(() => conn.statements) };
  conn.db.transaction(() => {
    if (!inLogOrder) return replayWrites(target, log);
    for (const write of log.writes) {
      if (write.kind === 'meta') conn.internal.setMeta(write.key, write.value);
      else if (write.kind === 'upsert') {
        const sql = `upsert:${write.shape.cacheKey}`;
        const columns = write.shape.columns;
        const names = columns.map((c) => `"${c}"`).join(', ');
        const updates = columns.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`);
        conn.statements
          .get(
            sql,
            () =>
              `INSERT INTO "${write.table.name}" (${names}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT ("id") DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
          )
          .run(write.values);
      } else if (write.kind === 'change') conn.internal.insertChange(write.params, write.limit);
      else target.vault.put(write.entry);
    }
  })();
  return conn.db.serialize();
}

/** A log of many like writes: runs longer than a chunk, shapes changing, keys written twice. */
function busyLog(changeLimit = 100): WriteLog {
  const log = new WriteLog(customer360);
  log.setMeta('entity_id', '7');
  for (let o = 0; o < 21; o++) {
    log.upsert(orders, upsertShape(orders, ORDER_ALL), [700n + BigInt(o), 7n, '1.50', 'paid', null]);
    for (let i = 0; i < 2; i++)
      log.upsert(orderItems, upsertShape(orderItems, ITEM_ALL), [
        BigInt(o * 10 + i),
        700n + BigInt(o),
        'SKU',
        1n,
      ]);
    log.change(
      InternalStore.changeParams({
        op: 'c',
        table: 'orders',
        pk: [BigInt(o)],
        stream: 's',
        token: `${o}`,
        at: 1,
      }),
      changeLimit,
    );
  }
  // Updates of rows written above, and one row written twice within a run.
  for (const [id, status] of [
    [700n, 'shipped'],
    [703n, 'lost'],
    [700n, 'returned'],
  ] as const)
    log.upsert(orders, upsertShape(orders, ORDER_STATUS), [id, status]);
  log.vault({ token: 'tok', column: 'customers.ssn', value: '123', createdAt: 5 });
  log.setMeta('wm:s', '21');
  return log;
}

function read(image: Buffer) {
  const db = MicroDb.open(customer360, image);
  try {
    return { data: db.read(), changes: db.changes(), vault: db.vault.get('tok'), wm: db.watermark('s') };
  } finally {
    db.close();
  }
}

describe('replayWrites', () => {
  it('builds with multi-row statements the image a one-row-a-statement replay makes', () => {
    const log = busyLog();
    const built = buildPendingImage(customer360, log);
    const own = ownImage(log);
    expect(built.length).toBe(own.length);
    expect(built.subarray(100).equals(own.subarray(100))).toBe(true);
  });

  it('holds what replaying in log order holds: rows, later writes winning, changes in order', () => {
    const log = busyLog();
    const grouped = read(buildPendingImage(customer360, log));
    expect(grouped).toEqual(read(ownImage(log, true)));
    const rows = grouped.data.orders as { id: number; status: string }[];
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.id === 700)?.status).toBe('returned');
    expect(rows.find((r) => r.id === 703)?.status).toBe('lost');
    expect(grouped.data.order_items).toHaveLength(42);
    expect(grouped.changes.map((c) => c.token)).toEqual(Array.from({ length: 21 }, (_, i) => `${i}`));
    expect([grouped.vault?.value, grouped.wm]).toEqual(['123', 21n]);
  });

  it('keeps at most the change limit, as a row-by-row replay does', () => {
    const log = busyLog(5);
    const grouped = read(buildPendingImage(customer360, log));
    expect(grouped.changes.map((c) => c.token)).toEqual(['16', '17', '18', '19', '20']);
    expect(grouped.changes.map((c) => c.seq)).toEqual([17, 18, 19, 20, 21]);
    expect(grouped.changes).toEqual(read(ownImage(log, true)).changes);
  });
});
