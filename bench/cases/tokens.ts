/**
 * Tokenization over HTTP: tokenize and detokenize throughput of `cellar serve` (the demo product,
 * audit on, rate limit off), under autocannon in a process of its own, 50 connections.
 *
 * - tokenize: `POST …/entities/:id/tokens` with 10 SSN-shaped values each, spread over 500
 *   entities (each request makes its entity durable: one store commit);
 * - detokenize: `POST /v1/detokenize` with 10 tokens each, from a pool issued beforehand.
 *
 * `node --import tsx bench/cases/tokens.ts` runs the case; with `load SPEC` it is the load process.
 */

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { generateSample } from '../../config/samples/generate.js';
import { buildDist, REPO, startServer, stop } from '../support/processes.js';
import { report } from '../support/stats.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_TOKENS_SECONDS ?? 10);
const KEY = 'demo-dpo-key';
const ENTITIES = 500;
const PER_REQUEST = 10;

interface LoadSpec {
  readonly base: string;
  readonly kind: 'tokenize' | 'detokenize';
  readonly tokens: readonly string[];
  /** Ids of entities the sample leaves in place (it deletes a few). */
  readonly ids: readonly string[];
}

interface LoadFigures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly statuses: string;
}

function ssnLike(n: number): string {
  const d = String(100_000_000 + ((n * 7_919) % 900_000_000)).padStart(9, '0');
  return `${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
}

/** The load process: autocannon programmatically, varying path and body per request. */
async function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  type Autocannon = (
    opts: Record<string, unknown>,
    cb: (err: unknown, result: AutocannonResult) => void,
  ) => void;
  interface AutocannonResult {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let n = 0;
  const setupRequest = (request: Record<string, unknown>) => {
    n += 1;
    if (spec.kind === 'tokenize') {
      const id = spec.ids[n % spec.ids.length];
      const values = Array.from({ length: PER_REQUEST }, (_, i) => ssnLike(n * PER_REQUEST + i));
      return {
        ...request,
        path: `/v1/products/customer360/entities/${id}/tokens`,
        body: JSON.stringify({ column: 'ssn', values }),
      };
    }
    const start = (n * PER_REQUEST) % Math.max(1, spec.tokens.length - PER_REQUEST);
    return {
      ...request,
      path: '/v1/detokenize',
      body: JSON.stringify({ tokens: spec.tokens.slice(start, start + PER_REQUEST) }),
    };
  };
  const result = await new Promise<AutocannonResult>((resolve, reject) =>
    autocannon(
      {
        url: spec.base,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            setupRequest,
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: Object.keys(result.statusCodeStats ?? {}).join(','),
  };
}

/** Runs the load process for one phase and returns its figures. */
function load(spec: LoadSpec): LoadFigures {
  const specFile = join(mkdtempSync(join(tmpdir(), 'cellar-bench-load-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'load', specFile],
    {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  rmSync(specFile, { force: true });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`load failed: ${run.stderr}`);
  return JSON.parse(line) as LoadFigures;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-tokens-'));
  cpSync(join(REPO, 'config'), join(dir, 'config'), { recursive: true });
  const config = join(dir, 'config', 'cellar.yaml');
  const doc = parseDocument(readFileSync(config, 'utf8'));
  doc.setIn(['server', 'port'], 0);
  doc.setIn(['server', 'rateLimit', 'enabled'], false);
  writeFileSync(config, doc.toString());
  const { child, match } = await startServer(
    ['dist/cli/main.js', 'serve', '--config', config],
    /serving .* on (http:\/\/\S+) /,
  );
  try {
    const base = match[1] ?? '';
    // The demo's sample: the entities it leaves in place. Wait until the last is synced.
    const all = [...generateSample().expected.keys()];
    const ids = all.slice(0, ENTITIES);
    const last = `${base}/v1/products/customer360/entities/${all.at(-1)}`;
    for (let i = 0; i < 1200; i++) {
      const res = await fetch(last, { headers: { authorization: `Bearer ${KEY}` } });
      if (res.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pool: string[] = [];
    for (let i = 0; i < 200; i++) {
      const values = Array.from({ length: PER_REQUEST }, (_, j) => ssnLike(1_000_000 + i * PER_REQUEST + j));
      const issued = (await post(`${base}/v1/products/customer360/entities/${ids[i]}/tokens`, {
        column: 'ssn',
        values,
      })) as {
        tokens: string[];
      };
      pool.push(...issued.tokens);
    }
    const tokenize = load({ base, kind: 'tokenize', tokens: [], ids });
    const detokenize = load({ base, kind: 'detokenize', tokens: pool, ids });
    for (const [name, r] of Object.entries({ tokenize, detokenize })) {
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(`${name}: ${r.non2xx} non-2xx responses (${r.statuses}), ${r.errors} errors`);
    }
    report({
      case: 'tokens',
      connections: CONNECTIONS,
      seconds: SECONDS,
      per_request: PER_REQUEST,
      tokenize_rps: tokenize.rps,
      tokenize_values_per_sec: tokenize.rps * PER_REQUEST,
      tokenize_p50_ms: tokenize.p50Ms,
      tokenize_p99_ms: tokenize.p99Ms,
      detokenize_rps: detokenize.rps,
      detokenize_tokens_per_sec: detokenize.rps * PER_REQUEST,
      detokenize_p50_ms: detokenize.p50Ms,
      detokenize_p99_ms: detokenize.p99Ms,
    });
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'load') {
  const spec = JSON.parse(readFileSync(process.argv[3] ?? '', 'utf8')) as LoadSpec;
  process.stdout.write(`${JSON.stringify(await runLoad(spec))}\n`);
} else {
  buildDist(); // the server runs as shipped, from dist/
  await main();
}
