/**
 * Entity reads: warm (micro-DB open in the cache) and cold (store → decrypt → decompress → open →
 * read), for a 15-row customer, and the codec's share of a cold read (decodeBlob alone: decrypt,
 * inflate, rebuild the image from its page delta). Reference: a prepared SQLite point read of one
 * JSON row from an in-memory table, measured in the same process, so ratios cancel the machine's
 * speed.
 */
import Database from 'better-sqlite3';
import { decodeBlob } from '../../src/codec/blob-codec.js';
import { batch, MemoryConnector } from '../../src/connectors/memory/memory-connector.js';
import { microDbTemplate } from '../../src/microdb/template.js';
import { openSync } from '../../src/runtime/open-sync.js';
import { benchRuntime } from '../support/bench-runtime.js';
import { EventBuilder, entityEvents } from '../support/entity-events.js';
import { report, summarize, timeEachMicros } from '../support/stats.js';

const ENTITIES = 2000;

function referencePointRead(): number {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 1000; i++) insert.run(i, `a${i}`, `b${i}`, `c${i}`);
  const read = db.prepare("SELECT json_object('id', id, 'a', a, 'b', b, 'c', c) FROM t WHERE id = ?").pluck();
  return timeEachMicros((i) => read.get(i % 1000), 50_000).p50;
}

const { runtime, cleanup } = await benchRuntime();
try {
  const product = runtime.products.get('customer360');
  const e = new EventBuilder('bench');
  const events = [];
  for (let id = 1; id <= ENTITIES; id++) events.push(...entityEvents(e, id));
  const { engine } = await openSync(runtime);
  await engine.run([{ product, connector: new MemoryConnector('bench', [batch(...events)]) }], {
    follow: false,
  });

  const keys = Array.from({ length: ENTITIES }, (_, i) => runtime.repo.entityKey(product, String(i + 1)));
  const warmHandle = await runtime.repo.find(product, keys[0] ?? '');
  if (!warmHandle) throw new Error('benchmark entity missing');
  const warm = timeEachMicros(() => warmHandle.db.readJson(), 50_000);

  // Cold: each read finds nothing in the cache (and no unwrapped data key in the keyring); the
  // eviction itself happens outside the timed part.
  runtime.repo.cache.clear();
  const coldSamples: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const key of keys) {
      runtime.repo.cache.delete(key);
      runtime.keyring.forget(key);
      const t0 = process.hrtime.bigint();
      const handle = await runtime.repo.find(product, key);
      handle?.db.readJson();
      coldSamples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  const cold = summarize(coldSamples);

  // The codec alone, on the same blobs with their data keys already unwrapped.
  const blobs = await runtime.blobs.getMany(product.name, keys);
  const dataKeys = await runtime.keyring.dataKeys(keys, false);
  const template = microDbTemplate(product);
  const stored = keys.map((key) => {
    const blob = blobs.get(key);
    const dataKey = dataKeys.get(key);
    if (!blob || !dataKey) throw new Error('benchmark blob or key missing');
    return { blob, dataKey };
  });
  const decode = timeEachMicros((i) => {
    const { blob, dataKey } = stored[i % stored.length] ?? (stored[0] as (typeof stored)[number]);
    decodeBlob({
      product: product.name,
      key: blob.key,
      expectedVersion: blob.version,
      blob: blob.data,
      dataKey,
      dictionary: template,
    }).fill(0);
  }, 3 * ENTITIES);

  const reference = referencePointRead();
  report({
    case: 'reads',
    warm_read_p50_us: warm.p50,
    warm_read_p99_us: warm.p99,
    cold_read_p50_us: cold.p50,
    cold_read_p99_us: cold.p99,
    decode_p50_us: decode.p50,
    blob_bytes: stored.reduce((sum, s) => sum + s.blob.data.byteLength, 0) / stored.length,
    ref_point_read_p50_us: reference,
    warm_read_ratio: warm.p50 / reference,
    cold_read_ratio: cold.p50 / reference,
    rows_per_entity: 15,
  });
} finally {
  await cleanup();
}
