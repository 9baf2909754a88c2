import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Characters of a server's stderr kept for error messages. */
const STDERR_TAIL_CHARS = 64 * 1024;

/**
 * Starts a JavaScript program (`node ARGS`, no TypeScript loader: servers are measured as they
 * run in production) and waits for a stdout line matching `ready`.
 */
export function startServer(
  args: readonly string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${err}`)), 120_000);
    // Read stderr as a log collector would, but keep only its tail (for the error messages): a
    // server logging a line per request writes tens of megabytes in one run.
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${err}`));
    });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * Runs autocannon — in its own process — against `url` and returns its figures. With
 * `warmupSeconds`, a first run of that length (JIT compilation, first files and connections) is
 * discarded: the figures are the steady state's.
 */
export function load(
  url: string,
  opts: { connections: number; seconds: number; warmupSeconds?: number; headers?: Record<string, string> },
): LoadResult {
  const headers = Object.entries(opts.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const autocannon = (seconds: number) =>
    spawnSync(
      process.execPath,
      [AUTOCANNON, '-c', String(opts.connections), '-d', String(seconds), '-j', ...headers, url],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  if (opts.warmupSeconds !== undefined && opts.warmupSeconds > 0) {
    const warmup = autocannon(opts.warmupSeconds);
    if (warmup.status !== 0) throw new Error(`autocannon failed: ${warmup.stderr}`);
  }
  const run = autocannon(opts.seconds);
  if (run.status !== 0) throw new Error(`autocannon failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** Compiles src/ to dist/ (what `npm start` runs), so the server is measured as shipped. */
export function buildDist(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
}
