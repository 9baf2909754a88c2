import { CellarError } from '../../errors.js';
import type { MicroDb } from '../../microdb/micro-db.js';
import type { MaskPlan, Product } from '../../product/types.js';
import { buildMaskedCopy } from './masked-copy.js';
import { guardQuery } from './query-guard.js';
import { QueryProcessPool } from './query-pool.js';
import { toBindParams } from './query-values.js';

/** Rows a query returns by default. */
export const DEFAULT_QUERY_MAX_ROWS = 1000;
/** A query's time limit by default, in milliseconds. */
export const DEFAULT_QUERY_TIMEOUT_MS = 1000;
/** Largest `maxRows` a caller may ask for. */
export const MAX_QUERY_ROWS = 100_000;
/** Largest `timeoutMs` a caller may ask for. */
export const MAX_QUERY_TIMEOUT_MS = 60_000;
/** Approximate bytes of row data a query returns at most; further rows are cut as by `maxRows`. */
export const QUERY_MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** Limits of one query; each has a default. */
export interface QueryLimits {
  /** Rows returned at most (1–{@link MAX_QUERY_ROWS}); default {@link DEFAULT_QUERY_MAX_ROWS}. */
  readonly maxRows?: number;
  /** Milliseconds the query may run (1–{@link MAX_QUERY_TIMEOUT_MS}); default {@link DEFAULT_QUERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** What a query returns. Values are JSON-safe: integers beyond ±(2^53−1) as text, blobs as base64. */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: unknown[][];
  /** True when the query had more rows than were returned (row or size limit). */
  readonly truncated: boolean;
}

/** The part of an `EntityHandle` a query needs. */
export interface QueryableEntity {
  readonly product: Product;
  readonly db: MicroDb;
}

function limit(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new CellarError(
      'CELLAR_ERR_QUERY_INVALID',
      `${name} must be a whole number from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

let pool: QueryProcessPool | undefined;

/**
 * Runs read-only SQL on a masked copy of one entity (DESIGN.md: `POST …/entities/:id/query`):
 * 1. the guard refuses anything but one SELECT/WITH statement free of forbidden keywords and
 *    internal names (`guardQuery`);
 * 2. a new in-memory database is built holding only the product's tables, with the values
 *    `plan` shows (`null`: as stored) — no `_cellar_*` tables, no clear value behind a mask;
 * 3. a worker process opens it with `query_only`, checks that SQLite sees a read-only reader,
 *    binds `params` and returns at most `maxRows` rows; past `timeoutMs` it is killed.
 *
 * The caller decides who may query (`authorize(…, 'query')`) and which plan applies
 * (`maskPlanFor`), and audits the call.
 *
 * @throws CellarError `CELLAR_ERR_QUERY_REJECTED` (guard, or not read-only),
 *   `CELLAR_ERR_QUERY_INVALID` (SQLite's error, bad parameters or limits),
 *   `CELLAR_ERR_QUERY_TIMEOUT`, `CELLAR_ERR_QUERY_BUSY`.
 */
export async function runMaskedQuery(
  handle: QueryableEntity,
  plan: MaskPlan | null,
  sql: string,
  params: unknown[] | Record<string, unknown>,
  limits: QueryLimits = {},
): Promise<QueryResult> {
  const maxRows = limit(limits.maxRows, DEFAULT_QUERY_MAX_ROWS, MAX_QUERY_ROWS, 'maxRows');
  const timeoutMs = limit(limits.timeoutMs, DEFAULT_QUERY_TIMEOUT_MS, MAX_QUERY_TIMEOUT_MS, 'timeoutMs');
  guardQuery(sql);
  const bound = toBindParams(params);
  const image = buildMaskedCopy(handle.product, handle.db, plan);
  pool ??= new QueryProcessPool();
  const reply = await pool.run(
    { image, sql, params: bound, maxRows, maxBytes: QUERY_MAX_RESULT_BYTES },
    timeoutMs,
  );
  return { columns: reply.columns, rows: reply.rows, truncated: reply.truncated };
}

/** Stops the sandbox's worker processes (at shutdown, and after tests). The next query starts new ones. */
export async function closeQuerySandbox(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}
