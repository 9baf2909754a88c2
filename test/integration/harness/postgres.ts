import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findPostgresBinDir } from '../../setup/system-probe.mjs';
import { closeAndWait, detach, hasExited, OutputTail } from './child-process.js';
import { findFreePort } from './free-port.js';
import { type OsUser, osUser, runAs } from './os-user.js';

/** How long a fresh server may take to accept connections, in milliseconds. */
export const POSTGRES_START_TIMEOUT_MS = 60_000;
/** How many fresh ports to try when another process takes the chosen one first. */
const PORT_ATTEMPTS = 3;
const SUPERVISOR = fileURLToPath(new URL('./pg-supervisor.mjs', import.meta.url));

/** A PostgreSQL server the tests may use. */
export interface PostgresServer {
  /** Connection URL of the `postgres` database as superuser, e.g. `postgres://postgres@127.0.0.1:5433/postgres`. */
  readonly url: string;
  /** Stops the server and removes its folder; a no-op for a server from `DATABASE_URL`. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server for tests, or uses the one `DATABASE_URL` names.
 *
 * The throwaway server: `initdb` into a fresh temp folder (trust auth, superuser `postgres`,
 * UTF8), then `postgres` on 127.0.0.1 and a free port with `wal_level=logical`, room for 32
 * replication slots and WAL senders, and `fsync=off`. As root both run as the `postgres` OS user
 * (created when missing), because PostgreSQL refuses to run as root. A small supervisor process
 * stops the server and deletes the folder when `stop()` is called, and also when the test process
 * exits or dies without calling it. Resolves once the server answers `select 1`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) were not found via `pg_config --bindir` or in ' +
        '/usr/lib/postgresql/*/bin: install them (Debian: apt-get install postgresql) or set DATABASE_URL',
    );
  }
  const user = osUser();
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(binDir, user);
    if (started.ok) return started.server;
    if (!started.portTaken || attempt === PORT_ATTEMPTS) throw started.error;
  }
}

/** One try: a fresh folder, `initdb`, and a server on a port that was free a moment ago. */
async function startOnce(binDir: string, user: OsUser | undefined): Promise<LaunchResult> {
  const baseDir = mkdtempSync(join(tmpdir(), 'cellar-pg-'));
  try {
    if (user) chownSync(baseDir, user.uid, user.gid);
    const dataDir = join(baseDir, 'data');
    initdb(binDir, dataDir, baseDir, user);
    // The supervisor removes baseDir when the server stops, whether it started or not.
    return await launch(binDir, dataDir, baseDir, await findFreePort(), user);
  } catch (err) {
    rmSync(baseDir, { recursive: true, force: true });
    throw err;
  }
}

function initdb(binDir: string, dataDir: string, cwd: string, user: OsUser | undefined): void {
  const args = [
    '-D',
    dataDir,
    '--auth=trust',
    '-U',
    'postgres',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ];
  try {
    execFileSync(join(binDir, 'initdb'), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...runAs(user) });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed in ${dataDir}: ${e.stderr?.toString().trim() || e.message}`, {
      cause: err,
    });
  }
}

type LaunchResult =
  | { readonly ok: true; readonly server: PostgresServer }
  | { readonly ok: false; readonly portTaken: boolean; readonly error: Error };

async function launch(
  binDir: string,
  dataDir: string,
  baseDir: string,
  port: number,
  user: OsUser | undefined,
): Promise<LaunchResult> {
  // biome-ignore format: option and value side by side read best
  const args = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${baseDir}`,
    '-c', 'wal_level=logical',
    '-c', 'max_replication_slots=32',
    '-c', 'max_wal_senders=32',
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
  ];
  const config = {
    postgres: join(binDir, 'postgres'),
    args,
    cwd: baseDir,
    removeDir: baseDir,
    ...runAs(user),
  };
  const supervisor = spawn(process.execPath, [SUPERVISOR, JSON.stringify(config)], {
    // The server logs to stderr; stdout carries nothing worth keeping.
    stdio: ['pipe', 'ignore', 'pipe'],
    // Its own process group: a signal sent to the test run's whole group (Ctrl-C, or SIGKILL from
    // a timeout) must not take the supervisor down before it has removed the server's folder.
    detached: true,
  });
  const log = new OutputTail(supervisor.stderr);
  detach(supervisor);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(url, supervisor);
  } catch (err) {
    await closeAndWait(supervisor);
    const said = log.text();
    return {
      ok: false,
      portTaken: /could not bind|address already in use/i.test(said),
      error: new Error(
        `PostgreSQL did not start on port ${port}: ${(err as Error).message}${said ? `\n${said}` : ''}`,
      ),
    };
  }
  return { ok: true, server: { url, stop: () => closeAndWait(supervisor) } };
}

async function waitUntilReady(url: string, supervisor: ChildProcess): Promise<void> {
  const deadline = Date.now() + POSTGRES_START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited(supervisor)) throw new Error('the server exited during startup');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no connection within ${POSTGRES_START_TIMEOUT_MS} ms (last error: ${String(lastError)})`);
}
