import pg, { type ClientConfig, type CustomTypesConfig } from 'pg';
import { CellarError, isCellarError } from '../../errors.js';

/**
 * Connections to a source database. Every value is read in PostgreSQL's text form — no driver
 * type parsing, so int8, numeric, timestamps with microseconds and json keep every digit — and
 * the session settings that shape that text are fixed, whatever the server's defaults.
 */

/** Session settings sent at connection start: ISO dates, UTC offsets, hex bytea. */
export const SESSION_OPTIONS =
  '-c DateStyle=ISO -c TimeZone=UTC -c bytea_output=hex -c IntervalStyle=postgres -c extra_float_digits=1';

const TEXT_TYPES: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as CustomTypesConfig['getTypeParser'],
};

/** How long connecting may take before it counts as a failure, ms. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Client settings for `url`: text values, fixed session settings, application name. */
export function clientConfig(url: string, applicationName = 'cellar'): ClientConfig {
  return {
    connectionString: url,
    types: TEXT_TYPES,
    options: SESSION_OPTIONS,
    application_name: applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  };
}

/** A connected client, or CELLAR_ERR_SOURCE_UNAVAILABLE naming the source. */
export async function connectClient(url: string, where: string, replication = false): Promise<pg.Client> {
  const config = clientConfig(url) as ClientConfig & { replication?: string };
  if (replication) config.replication = 'database';
  const client = new pg.Client(config);
  // An idle connection that breaks emits 'error'; the next query reports it, so nothing is lost.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw sourceError(err, where, 'cannot connect');
  }
  return client;
}

/** Runs `fn` with a fresh client and always closes it. */
export async function withClient<T>(
  url: string,
  where: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connectClient(url, where);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SQLSTATE classes and codes after which trying again may work. */
const RETRYABLE_CLASSES = ['08', '53', '57', '58'];
/** `object_in_use`: a replication slot still held by a WAL sender whose client is gone. */
const RETRYABLE_CODES = new Set(['55006']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** The SQLSTATE (or Node network code) of an error, when it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when an error of the connection (not of Cellar) may go away by reconnecting: network
 * failures, a server shutting down or restarting, a slot still held by a WAL sender that has not
 * noticed its client died, too many connections.
 */
export function isRetryable(err: unknown): boolean {
  if (isCellarError(err)) return err.code === 'CELLAR_ERR_SOURCE_UNAVAILABLE' && retryableCause(err.cause);
  return retryableCause(err);
}

function retryableCause(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && (NETWORK_CODES.has(code) || RETRYABLE_CODES.has(code))) return true;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return RETRYABLE_CLASSES.includes(code.slice(0, 2));
  const message = err instanceof Error ? err.message : '';
  return /connection terminated|not queryable|timeout expired|socket|stream ended/i.test(message);
}

/**
 * Wraps a driver error as a CellarError: the source's configuration when the server refused on
 * principle (permissions, missing objects, settings), else the source being unavailable.
 */
export function sourceError(err: unknown, where: string, doing: string): CellarError {
  if (isCellarError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  const detail = `${where}: ${doing}: ${message}${code ? ` (${code})` : ''}`;
  if (code === '28P01' || code === '28000' || code === '42501' || code === '3D000') {
    return new CellarError('CELLAR_ERR_SOURCE_CONFIG', detail, {
      cause: err,
      hint: 'check the url, the password, and that the user may connect, replicate and read the tables',
    });
  }
  return new CellarError('CELLAR_ERR_SOURCE_UNAVAILABLE', detail, { cause: err });
}
