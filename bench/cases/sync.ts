/**
 * Sync throughput, events → durable blobs (the final commit included), for two workloads:
 * `batched` (snapshot of 15-row customers, then updates to them: many events per entity per
 * commit) and `per-entity` (one event per entity: every event creates a new entity). Also the
 * size at rest. Reference: plain SQLite upserts into an in-memory table, same process.
 *
 * Usage: sync.ts batched|per-entity
 */

import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryConnector } from '../../src/connectors/memory/memory-connector.js';
import { openSync } from '../../src/runtime/open-sync.js';
import type { ChangeBatch, ChangeEvent } from '../../src/sync/change-event.js';
import { benchRuntime } from '../support/bench-runtime.js';
import { customerRow, EventBuilder, entityEvents } from '../support/entity-events.js';
import { report } from '../support/stats.js';

const BATCH = 1000;
const workload = process.argv[2] === 'per-entity' ? 'per-entity' : 'batched';

function referenceUpsertsPerSec(): number {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER) WITHOUT ROWID');
  const upsert = db.prepare(
    'INSERT INTO t VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b, c = excluded.c',
  );
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) upsert.run(i % 5000, `a${i}`, `b${i}`, i);
  return n / ((performance.now() - t0) / 1000);
}

function events(): ChangeEvent[] {
  const e = new EventBuilder('bench');
  const out: ChangeEvent[] = [];
  if (workload === 'per-entity') {
    for (let id = 1; id <= Number(process.env.N ?? 50_000); id++)
      out.push(e.create('customers', customerRow(id)));
    return out;
  }
  const customers = 2500; // 37,500 snapshot events
  for (let id = 1; id <= customers; id++) out.push(...entityEvents(e, id));
  for (let n = 0; n < 12_500; n++) {
    const id = (n % customers) + 1;
    out.push(e.update('orders', { id: id * 10 + (n % 4), customer_id: id, status: `s${n}` }));
  }
  return out;
}

function batches(all: readonly ChangeEvent[]): ChangeBatch[] {
  const out: ChangeBatch[] = [];
  for (let i = 0; i < all.length; i += BATCH) out.push({ events: all.slice(i, i + BATCH), rejected: [] });
  return out;
}

const { runtime, dir, cleanup } = await benchRuntime();
try {
  const product = runtime.products.get('customer360');
  const all = events();
  const { engine } = await openSync(runtime);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await engine.run([{ product, connector: new MemoryConnector('bench', batches(all)) }], { follow: false });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time (every thread of the process): steadier than wall time on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const eventsPerSec = all.length / seconds;
  const stats = await runtime.blobs.stats(product.name);
  let blobBytes = 0;
  for await (const blob of runtime.blobs.scan(product.name)) blobBytes += blob.data.byteLength;
  const fileBytes = ['cellar.db', 'cellar.db-wal', 'keys.db', 'keys.db-wal']
    .map((f) => {
      try {
        return statSync(join(dir, 'data', f)).size;
      } catch {
        return 0;
      }
    })
    .reduce((a, b) => a + b, 0);
  const reference = referenceUpsertsPerSec();
  report({
    case: `sync-${workload}`,
    events: all.length,
    entities: stats.entities,
    seconds,
    events_per_sec: eventsPerSec,
    cpu_seconds: cpuSeconds,
    events_per_cpu_sec: all.length / cpuSeconds,
    commits: engine.stats.flushes,
    blob_bytes_per_entity: blobBytes / stats.entities,
    store_bytes_per_entity: fileBytes / stats.entities,
    ref_upserts_per_sec: reference,
    throughput_ratio: eventsPerSec / reference,
  });
} finally {
  await cleanup();
}
