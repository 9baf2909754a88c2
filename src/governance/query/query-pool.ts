import { type ChildProcess, fork } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellarError } from '../../errors.js';
import { isWorkerMessage, type QueryRequest, type QueryRows, type WorkerMessage } from './query-protocol.js';

/** Worker processes kept at most. Each runs one query at a time. */
export const DEFAULT_QUERY_WORKERS = 2;
/** Queries waiting for a worker at most; beyond it a query is refused with CELLAR_ERR_QUERY_BUSY. */
export const DEFAULT_QUERY_QUEUE = 64;
/** Time a new worker may take to start (load Node, better-sqlite3 and, from source, tsx). */
export const WORKER_STARTUP_TIMEOUT_MS = 30_000;
/** Heap of a worker's JavaScript side (rows being converted); SQLite's own memory is not bounded. */
const WORKER_HEAP_MB = 256;
/** Characters of a worker's stderr kept to explain a failed start. */
const STDERR_KEPT = 2000;

/** How to start a worker: its module file and Node options. */
export interface WorkerModule {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/** The worker module beside this one, with this module's extension (`.ts` under tsx/vitest, `.js` built). */
export function workerModule(): WorkerModule {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`./query-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const execArgv = [`--max-old-space-size=${WORKER_HEAP_MB}`];
  // From source the worker needs tsx's loader; it resolves from the worker's folder upwards.
  if (fromSource) execArgv.push('--import', 'tsx');
  return { path, execArgv };
}

/** One query waiting for, or running in, a worker. */
interface Job {
  readonly request: Omit<QueryRequest, 'id' | 'type'>;
  readonly timeoutMs: number;
  readonly resolve: (rows: QueryRows) => void;
  readonly reject: (err: Error) => void;
  id?: number;
  timer?: NodeJS.Timeout;
}

interface Worker {
  readonly child: ChildProcess;
  ready: boolean;
  job: Job | undefined;
  startTimer: NodeJS.Timeout | undefined;
  stderr: string;
}

/**
 * A small pool of query worker processes (see query-worker.ts), started lazily and reused. A
 * query runs in a worker that is ready; its time limit counts from when it is sent, and a worker
 * past it is killed (SIGKILL) and replaced on demand. Idle workers do not keep the process alive.
 */
export class QueryProcessPool {
  readonly #workers: Worker[] = [];
  readonly #queue: Job[] = [];
  readonly #size: number;
  readonly #maxQueued: number;
  readonly #module: WorkerModule;
  #nextId = 1;
  #closed = false;

  constructor(size = DEFAULT_QUERY_WORKERS, maxQueued = DEFAULT_QUERY_QUEUE, module = workerModule()) {
    this.#size = size;
    this.#maxQueued = maxQueued;
    this.#module = module;
  }

  /**
   * Runs a query in a worker. Rejects with CELLAR_ERR_QUERY_TIMEOUT past `timeoutMs`,
   * CELLAR_ERR_QUERY_INVALID / CELLAR_ERR_QUERY_REJECTED when the worker refuses it,
   * CELLAR_ERR_QUERY_BUSY when too many queries wait, CELLAR_ERR_INTERNAL when a worker dies.
   */
  run(request: Omit<QueryRequest, 'id' | 'type'>, timeoutMs: number): Promise<QueryRows> {
    if (this.#closed)
      return Promise.reject(new CellarError('CELLAR_ERR_INTERNAL', 'the query sandbox is closed'));
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(
        new CellarError('CELLAR_ERR_QUERY_BUSY', `${this.#queue.length} queries are already waiting to run`),
      );
    }
    return new Promise<QueryRows>((resolve, reject) => {
      this.#queue.push({ request, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  /** Refuses queued queries, kills every worker and waits for them to exit. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.reject(new CellarError('CELLAR_ERR_INTERNAL', 'the query sandbox was closed'));
    }
    const exits = this.#workers.map(
      (w) =>
        new Promise<void>((done) =>
          w.child.exitCode !== null || w.child.signalCode !== null
            ? done()
            : w.child.once('exit', () => done()),
        ),
    );
    for (const worker of [...this.#workers])
      this.#discard(worker, new CellarError('CELLAR_ERR_INTERNAL', 'the query sandbox was closed'));
    await Promise.all(exits);
  }

  /** Live worker processes (for tests and metrics). */
  get workerCount(): number {
    return this.#workers.length;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#workers.find((w) => w.ready && w.job === undefined);
      if (worker === undefined) {
        // Every live worker is busy or starting: start one more if the pool has room and the
        // starting ones will not take all the waiting jobs. A worker takes a job once ready.
        const starting = this.#workers.filter((w) => !w.ready).length;
        if (this.#workers.length < this.#size && starting < this.#queue.length) this.#spawn();
        return;
      }
      const job = this.#queue.shift();
      if (job !== undefined) this.#dispatch(worker, job);
    }
  }

  #spawn(): void {
    const { path, execArgv } = this.#module;
    const child = fork(path, [], {
      cwd: dirname(path),
      env: {},
      execArgv: [...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const worker: Worker = { child, ready: false, job: undefined, startTimer: undefined, stderr: '' };
    this.#workers.push(worker);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Only a start-up failure is ever reported; after that the text is not kept.
      if (!worker.ready) worker.stderr = (worker.stderr + chunk).slice(-STDERR_KEPT);
    });
    child.on('message', (message: unknown) => this.#onMessage(worker, message));
    child.on('error', (err) => this.#discard(worker, internal(`a query worker failed: ${err.message}`)));
    child.on('exit', (code, signal) => {
      const detail = worker.ready ? '' : `; ${worker.stderr.trim() || 'no output'}`;
      this.#discard(
        worker,
        internal(`a query worker exited unexpectedly (${signal ?? `code ${code}`})${detail}`),
      );
    });
    worker.startTimer = setTimeout(() => {
      this.#discard(worker, internal(`a query worker did not start within ${WORKER_STARTUP_TIMEOUT_MS} ms`));
    }, WORKER_STARTUP_TIMEOUT_MS);
    worker.startTimer.unref();
  }

  #dispatch(worker: Worker, job: Job): void {
    const id = this.#nextId++;
    job.id = id;
    worker.job = job;
    this.#hold(worker, true);
    job.timer = setTimeout(() => {
      this.#discard(
        worker,
        new CellarError(
          'CELLAR_ERR_QUERY_TIMEOUT',
          `the query ran longer than ${job.timeoutMs} ms and was stopped`,
          {
            hint: 'simplify the query; a recursive WITH needs a bound',
          },
        ),
      );
    }, job.timeoutMs);
    const failed = (err: Error) =>
      this.#discard(worker, internal(`a query could not be sent to its worker: ${err.message}`));
    try {
      worker.child.send({ type: 'query', id, ...job.request } satisfies QueryRequest, (err) => {
        if (err) failed(err);
      });
    } catch (err) {
      failed(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #onMessage(worker: Worker, message: unknown): void {
    if (!isWorkerMessage(message)) {
      this.#discard(worker, internal('a query worker sent an unknown message'));
      return;
    }
    if (message.type === 'ready') {
      worker.ready = true;
      worker.stderr = '';
      clearTimeout(worker.startTimer);
      this.#hold(worker, false);
      this.#pump();
      return;
    }
    const job = worker.job;
    if (job === undefined || job.id !== message.id) {
      this.#discard(worker, internal('a query worker answered a query it was not given'));
      return;
    }
    clearTimeout(job.timer);
    worker.job = undefined;
    this.#hold(worker, false);
    settle(job, message);
    this.#pump();
  }

  /** Kills a worker (if still alive), drops it from the pool and fails its job with `reason`. */
  #discard(worker: Worker, reason: Error): void {
    const index = this.#workers.indexOf(worker);
    if (index >= 0) this.#workers.splice(index, 1);
    clearTimeout(worker.startTimer);
    const job = worker.job;
    worker.job = undefined;
    if (job !== undefined) {
      clearTimeout(job.timer);
      job.reject(reason);
    }
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    if (index < 0 || this.#closed) return;
    if (!worker.ready) {
      // A worker that cannot start says the next one would not either: fail the waiting queries
      // rather than respawn for ever.
      for (const waiting of this.#queue.splice(0)) waiting.reject(reason);
      return;
    }
    this.#pump();
  }

  /** A busy or starting worker keeps the event loop alive; an idle one does not. */
  #hold(worker: Worker, busy: boolean): void {
    const channel = worker.child.channel as { ref(): void; unref(): void } | null | undefined;
    if (busy) {
      worker.child.ref();
      channel?.ref();
    } else {
      worker.child.unref();
      channel?.unref();
    }
  }
}

function internal(message: string): CellarError {
  return new CellarError('CELLAR_ERR_INTERNAL', message, {
    hint: 'the query sandbox runs queries in child processes of this one; check that Node can start them',
  });
}

function settle(job: Job, message: WorkerMessage): void {
  if (message.type === 'rows') job.resolve(message);
  else if (message.type === 'failure') {
    const code = message.kind === 'rejected' ? 'CELLAR_ERR_QUERY_REJECTED' : 'CELLAR_ERR_QUERY_INVALID';
    const prefix = message.kind === 'rejected' ? 'the query was rejected' : 'the query failed';
    job.reject(new CellarError(code, `${prefix}: ${message.message}`));
  }
}
