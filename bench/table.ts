import type { CaseResult } from './cases.js';

interface Doc {
  readonly at: string;
  readonly machine: Record<string, unknown>;
  readonly results: readonly CaseResult[];
}

const ROWS: readonly [string, string, string, string][] = [
  ['reads', 'warm_read_p50_us', 'warm in-process entity read (15 rows), p50 µs', '≤ 20'],
  ['reads', 'cold_read_p50_us', 'cold read: store → decrypt → decompress → open → read, p50 µs', '≤ 150'],
  [
    'sync-batched',
    'events_per_sec',
    'sync, batched (snapshot + updates), events/s to durable blobs',
    '≥ 50,000',
  ],
  ['sync-per-entity', 'events_per_sec', 'sync, one event per entity, events/s to durable blobs', '≥ 20,000'],
  ['sync-batched', 'blob_bytes_per_entity', 'encrypted blob size per 15-row entity, bytes', '≤ 1,024'],
  [
    'sync-batched',
    'store_bytes_per_entity',
    'store files per 15-row entity (blobs, routing index, keys, WAL), bytes',
    '—',
  ],
  ['sync-per-entity', 'blob_bytes_per_entity', 'encrypted blob size per 1-row entity, bytes', '≤ 1,024'],
  ['postgres-cdc', 'events_per_sec', 'PostgreSQL CDC: commits → durable blobs, events/s', '—'],
  ['postgres-cdc', 'source_commit_events_per_sec', 'PostgreSQL CDC: source commits, rows/s (reference)', '—'],
  ['postgres-cdc', 'lag_p50_ms', 'PostgreSQL CDC: commit → durable lag at 150 tx/s, p50 ms', '—'],
  ['postgres-cdc', 'lag_p99_ms', 'PostgreSQL CDC: commit → durable lag at 150 tx/s, p99 ms', '—'],
  ['http', 'bare_rps', 'HTTP: bare Fastify JSON route, requests/s (50 connections)', '—'],
  ['http', 'cellar_rps', 'HTTP: Cellar entity read, authenticated, masked, audited, requests/s', '—'],
  ['http', 'cellar_vs_bare', 'HTTP: Cellar ÷ bare route, requests/s', '≥ 0.60'],
  ['http', 'cellar_p99_ms', 'HTTP: Cellar entity read p99, ms', '≤ 5'],
  ['http', 'cellar_no_audit_rps', 'HTTP: Cellar entity read with audit off, requests/s', '—'],
  ['http', 'postgres_rps', 'HTTP: Fastify + PostgreSQL three-table lookup, requests/s', '—'],
  ['http', 'cellar_vs_postgres', 'HTTP: Cellar ÷ PostgreSQL lookup, requests/s', '—'],
  ['tokens', 'tokenize_values_per_sec', 'HTTP: tokenize (10 values a request, each durable), values/s', '—'],
  ['tokens', 'tokenize_p99_ms', 'HTTP: tokenize request p99, ms', '—'],
  ['tokens', 'detokenize_tokens_per_sec', 'HTTP: detokenize (10 tokens a request), tokens/s', '—'],
  ['tokens', 'detokenize_p99_ms', 'HTTP: detokenize request p99, ms', '—'],
  ['sync-kafka', 'events_per_sec', 'Kafka (mock cluster) → durable blobs, demo-shaped events/s', '—'],
  [
    'sync-kafka',
    'kafka_read_per_sec',
    'Kafka: bare kafkajs read of the same topics, records/s (reference)',
    '—',
  ],
];

function fmt(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

/** The results table for bench/README.md. */
export function renderTable(doc: Doc): string {
  const lines = [
    `Measured ${doc.at} on ${doc.machine.cpus} × ${doc.machine.cpu}, ${doc.machine.memGiB} GiB, Node ${doc.machine.node}.`,
    '',
    '| path | measured | DESIGN.md budget |',
    '| --- | ---: | ---: |',
  ];
  for (const [name, figure, label, budget] of ROWS) {
    const result = doc.results.find((r) => r.name === name);
    if (result) lines.push(`| ${label} | ${fmt(result[figure])} | ${budget} |`);
  }
  return lines.join('\n');
}
