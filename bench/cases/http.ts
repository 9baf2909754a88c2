/**
 * HTTP entity reads under load, measured in one run with one load tool (autocannon, in its own
 * process), 50 connections, each server in its own process:
 * Every server runs as shipped: plain `node`, Cellar from dist/ (built first). Each gets the same
 * 3 s of discarded warm-up load before its measured run (steady state, not JIT compilation).
 *  - `bare`: a bare Fastify JSON route returning a body of the same size (the ceiling);
 *  - `cellar`: Cellar's entity read, authenticated, masked (support role) and audited;
 *  - `cellar_no_audit`: the same with the audit log off;
 *  - `postgres`: Fastify + PostgreSQL, the same entity from three tables (what users build today).
 * DESIGN.md's budget: Cellar ≥ 60 % of the bare route's requests/s, p99 ≤ 5 ms.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { generateSample } from '../../config/samples/generate.js';
import { startPostgres } from '../../test/integration/harness/postgres.js';
import { buildDist, type LoadResult, load, REPO, startServer, stop } from '../support/processes.js';
import { report } from '../support/stats.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
/** Discarded load before each measurement, the same for every server: steady state, not JIT. */
const WARMUP_SECONDS = 3;
const KEY = 'demo-support-key';
const ENTITY = '1001';

function demoCopy(audit: boolean): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-http-'));
  cpSync(join(REPO, 'config'), join(dir, 'config'), { recursive: true });
  const config = join(dir, 'config', 'cellar.yaml');
  const doc = parseDocument(readFileSync(config, 'utf8'));
  doc.setIn(['server', 'port'], 0);
  doc.setIn(['server', 'rateLimit', 'enabled'], false);
  doc.setIn(['audit', 'enabled'], audit);
  writeFileSync(config, doc.toString());
  return { dir, config };
}

async function cellar(audit: boolean): Promise<{ result: LoadResult; body: string }> {
  const { dir, config } = demoCopy(audit);
  // Sync the whole sample first, so the measurement sees the final entity and no sync work.
  execFileSync(process.execPath, ['dist/cli/main.js', 'sync', '--config', config], {
    cwd: REPO,
    stdio: 'ignore',
  });
  // Logging as shipped: `info`, one line per request on stderr, which startServer reads.
  const { child, match } = await startServer(
    ['dist/cli/main.js', 'serve', '--config', config],
    /serving .* on (http:\/\/\S+) /,
  );
  try {
    const base = match[1];
    const url = `${base}/v1/products/customer360/entities/${ENTITY}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${KEY}` } });
    if (!res.ok) throw new Error(`entity read answered ${res.status}`);
    const body = await res.text();
    const result = load(url, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      headers: { authorization: `Bearer ${KEY}` },
    });
    return { result, body };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<LoadResult> {
  const server = await startPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE customers (id bigint PRIMARY KEY, first_name text, last_name text, email text, ssn text, phone text, birth_date date, created_at timestamp);
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12,2), status text, placed_at timestamp);
      CREATE INDEX ON orders (customer_id);
      CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, sku text, qty integer);
      CREATE INDEX ON order_items (order_id);`);
    for (const entity of generateSample().expected.values()) {
      const c = entity.customers;
      await client.query('INSERT INTO customers VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        c.id,
        c.first_name,
        c.last_name,
        c.email,
        c.ssn,
        c.phone,
        c.birth_date,
        c.created_at,
      ]);
      for (const o of entity.orders) {
        await client.query('INSERT INTO orders VALUES ($1,$2,$3,$4,$5)', [
          o.id,
          o.customer_id,
          o.total,
          o.status,
          o.placed_at,
        ]);
      }
      for (const i of entity.order_items)
        await client.query('INSERT INTO order_items VALUES ($1,$2,$3,$4)', [i.id, i.order_id, i.sku, i.qty]);
    }
    await client.query('ANALYZE');
    const { child, match } = await startServer(['bench/servers/pg-lookup.mjs'], /LISTENING (\d+)/, {
      BENCH_PG_URL: server.url,
      BENCH_KEY: KEY,
    });
    try {
      return load(`http://127.0.0.1:${match[1]}/customers/${ENTITY}`, {
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        headers: { authorization: `Bearer ${KEY}` },
      });
    } finally {
      await stop(child);
    }
  } finally {
    await client.end();
    await server.stop();
  }
}

async function bare(body: string): Promise<LoadResult> {
  const { child, match } = await startServer(['bench/servers/bare.mjs'], /LISTENING (\d+)/, {
    BENCH_BODY: body,
  });
  try {
    return load(`http://127.0.0.1:${match[1]}/json`, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
    });
  } finally {
    await stop(child);
  }
}

buildDist();
const audited = await cellar(true);
const unaudited = await cellar(false);
const baseline = await bare(audited.body);
const pgLookup = await postgres();
for (const [name, r] of Object.entries({
  cellar: audited.result,
  cellar_no_audit: unaudited.result,
  bare: baseline,
  postgres: pgLookup,
})) {
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${name}: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
}

const figures: Record<string, number | string> = {
  case: 'http',
  connections: CONNECTIONS,
  seconds: SECONDS,
  body_bytes: audited.body.length,
};
for (const [name, r] of Object.entries({
  bare: baseline,
  cellar: audited.result,
  cellar_no_audit: unaudited.result,
  postgres: pgLookup,
})) {
  figures[`${name}_rps`] = r.requestsPerSec;
  figures[`${name}_p50_ms`] = r.p50Ms;
  figures[`${name}_p99_ms`] = r.p99Ms;
}
figures.cellar_vs_bare = audited.result.requestsPerSec / baseline.requestsPerSec;
figures.cellar_no_audit_vs_bare = unaudited.result.requestsPerSec / baseline.requestsPerSec;
figures.cellar_vs_postgres = audited.result.requestsPerSec / pgLookup.requestsPerSec;
report(figures);
