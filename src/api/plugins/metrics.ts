/**
 * Prometheus metrics (prom-client) on a registry of the app's own, served at `GET /metrics`.
 * Request latency is observed per route pattern (never the URL: it names entities); sync, cache
 * and audit figures are read from their owners' counters when scraped. docs/operations.md lists
 * every metric.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets, seconds: from the sub-millisecond warm read to the 1 s query limit. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const FLUSH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A counter that follows an ever-growing total kept elsewhere (read at scrape time). */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const total = read();
      if (total > seen) {
        this.inc(total - seen);
        seen = total;
      }
    },
  });
}

export const metrics = fp(
  async (app: FastifyInstance) => {
    const { runtime, engine, audit } = app.cellar;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'cellar_' });

    const latency = new Histogram({
      name: 'cellar_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern, method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    // A callback hook: an async one costs a promise per request.
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      latency.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });

    const cache = runtime.repo.cache;
    mirroredCounter(registry, 'cellar_cache_hits_total', 'entity cache hits', () => cache.stats.hits);
    mirroredCounter(registry, 'cellar_cache_misses_total', 'entity cache misses', () => cache.stats.misses);
    mirroredCounter(
      registry,
      'cellar_cache_evictions_total',
      'entities evicted from the cache',
      () => cache.stats.evictions,
    );
    new Gauge({
      name: 'cellar_cache_entities',
      help: 'micro-DBs held in memory',
      registers: [registry],
      collect() {
        this.set(cache.size);
      },
    });
    new Gauge({
      name: 'cellar_cache_bytes',
      help: 'estimated bytes of the micro-DBs held in memory',
      registers: [registry],
      collect() {
        this.set(cache.bytes);
      },
    });

    new Gauge({
      name: 'cellar_audit_queue_depth',
      help: 'audit records appended and not yet durable',
      registers: [registry],
      collect() {
        this.set(audit?.queueDepth() ?? 0);
      },
    });

    if (engine !== undefined) {
      const stats = engine.stats;
      mirroredCounter(
        registry,
        'cellar_sync_events_applied_total',
        'change events applied',
        () => stats.applied,
      );
      mirroredCounter(
        registry,
        'cellar_sync_dead_letters_total',
        'inputs sent to the dead-letter store',
        () => stats.rejected,
      );
      mirroredCounter(
        registry,
        'cellar_sync_events_parked_total',
        'child rows parked to wait for their parent',
        () => stats.parked,
      );
      mirroredCounter(registry, 'cellar_sync_flushes_total', 'group commits', () => stats.flushes);
      mirroredCounter(
        registry,
        'cellar_sync_entities_written_total',
        'entity blobs written',
        () => stats.entitiesWritten,
      );
      mirroredCounter(
        registry,
        'cellar_sync_bytes_written_total',
        'encrypted blob bytes written',
        () => stats.bytesWritten,
      );
      new Gauge({
        name: 'cellar_sync_lag_seconds',
        help: 'now minus the source commit time of the newest event applied, per product',
        labelNames: ['product'],
        registers: [registry],
        collect() {
          const now = Date.now();
          for (const [product, ts] of stats.lastEventTs)
            this.set({ product }, Math.max(0, (now - ts) / 1000));
        },
      });
      const flushDuration = new Histogram({
        name: 'cellar_sync_flush_duration_seconds',
        help: 'duration of group commits (serialize, encrypt, write)',
        buckets: FLUSH_BUCKETS,
        registers: [registry],
      });
      let open = true;
      app.addHook('onClose', async () => {
        open = false;
      });
      // The engine keeps its listeners; this one goes quiet once the app is closed.
      engine.onFlush((result) => {
        if (open) flushDuration.observe(result.durationMs / 1000);
      });
    }

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['operations'],
          summary: 'Prometheus metrics',
          produces: ['text/plain'],
          response: { 200: Type.String({ description: 'Prometheus text exposition format' }) },
        },
      },
      async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );
  },
  { name: 'cellar-metrics', fastify: '5.x', dependencies: ['cellar-services'] },
);
