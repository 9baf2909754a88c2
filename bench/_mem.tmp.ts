import Database from 'better-sqlite3';
import { MicroDb } from '../src/microdb/micro-db.js';
import { fixtureEntity } from '../test/unit/microdb/fixture-entity.js';
import { customer360 } from '../test/unit/microdb/fixture-product.js';
const image = fixtureEntity().serialize();
const N = 2000;
const mode = process.argv[2];
const f: Record<string, () => unknown> = {
  bare: () => new Database(image),
  query: () => { const d = new Database(image); d.prepare('select count(*) from orders').get(); return d; },
  querySmallCache: () => { const d = new Database(image); d.exec('PRAGMA cache_size = 8'); d.prepare('select count(*) from orders').get(); return d; },
  microdb: () => { const d = MicroDb.open(customer360, image); d.readJson(); d.upsert('orders', { id: 5n, status: 'x' }); d.watermark('crm'); return d; },
};
global.gc?.(); const b = process.memoryUsage().rss; const keep = []; for (let i=0;i<N;i++) keep.push(f[mode!]!()); global.gc?.();
console.log(mode, ((process.memoryUsage().rss - b)/N/1024).toFixed(1), 'KB');
