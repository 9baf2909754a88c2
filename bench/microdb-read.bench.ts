/**
 * Micro-DB read timings for the fixture entity (customer360, 3 tables, 15 rows): warm `readJson`
 * on an open connection, and a cold-ish open-from-image + `readJson` (the decrypt/decompress
 * steps of a real cold read are not included). Prints p50/p99 in µs.
 *
 * Run: npx tsx bench/microdb-read.bench.ts
 */
import { MicroDb } from '../src/microdb/micro-db.js';
import { fixtureEntity } from '../test/unit/microdb/fixture-entity.js';
import { customer360 } from '../test/unit/microdb/fixture-product.js';

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

function measure(name: string, iterations: number, fn: () => unknown): void {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const { p50, p99 } = percentiles(samples);
  console.log(
    `${name.padEnd(34)} p50 ${p50.toFixed(2).padStart(8)} µs   p99 ${p99.toFixed(2).padStart(8)} µs`,
  );
}

const db = fixtureEntity();
const image = db.serialize();
console.log(`fixture entity: ${db.allRows('order_items').length + 4} rows, image ${image.length} bytes`);

measure('warm readJson (all tables)', 50_000, () => db.readJson());
measure('warm readJson (orders only)', 50_000, () => db.readJson(['orders']));
measure('warm read (readJson + JSON.parse)', 50_000, () => db.read());
measure('open from image', 5_000, () => MicroDb.open(customer360, image).close());
measure('open from image + readJson', 5_000, () => {
  const copy = MicroDb.open(customer360, image);
  copy.readJson();
  copy.close();
});
measure('create + upsert root + serialize', 5_000, () => {
  const fresh = MicroDb.create(customer360, '1');
  fresh.upsert('customers', { id: 1n, email: 'a@b.c' });
  fresh.serialize();
  fresh.close();
});
db.close();

// Resident memory of open micro-DBs (what the entity cache holds), against byteSize()'s estimate.
{
  const count = 1000;
  const held: MicroDb[] = [];
  const before = process.memoryUsage().rss;
  for (let i = 0; i < count; i++) {
    const copy = MicroDb.open(customer360, image);
    copy.readJson();
    copy.upsert('orders', { id: 500n, status: 'x' });
    held.push(copy);
  }
  const perEntity = (process.memoryUsage().rss - before) / count / 1024;
  const estimate = (held[0]?.byteSize() ?? 0) / 1024;
  console.log(
    `resident per open micro-DB ≈ ${perEntity.toFixed(1)} KiB RSS (byteSize() estimate ${estimate.toFixed(1)} KiB)`,
  );
  for (const copy of held) copy.close();
}
