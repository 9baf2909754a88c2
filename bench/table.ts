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
