import { CellarError } from '../../errors.js';
import type { BindParams, BindValue } from './query-protocol.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Most parameters a query may bind. */
export const MAX_QUERY_PARAMS = 1000;

/**
 * A SQLite result value in a JSON-safe form: integers as numbers when exact, else as decimal
 * text; blobs as standard base64; reals, text and null as they are.
 */
export function jsonSafe(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return String(value);
}

/** Rough bytes a JSON-safe value adds to a reply (for the reply size limit). */
export function jsonSize(value: string | number | null): number {
  return typeof value === 'string' ? value.length + 2 : 8;
}

function invalid(detail: string): CellarError {
  return new CellarError('CELLAR_ERR_QUERY_INVALID', `the query parameters are invalid: ${detail}`, {
    hint: 'pass a JSON array (for ?) or object (for :name) of numbers, strings, booleans and nulls',
  });
}

function bindValue(value: unknown, where: string): BindValue {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(`${where} is not a finite number`);
    // Whole numbers bind as INTEGER (better-sqlite3 binds every JS number as REAL), so that
    // typeof() and integer comparisons behave as they do with literals.
    return Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw invalid(`${where} is outside the 64-bit integer range`);
    return value;
  }
  throw invalid(`${where} is ${Array.isArray(value) ? 'an array' : `of type ${typeof value}`}`);
}

/**
 * Checks and converts request parameters for binding: an array binds `?`/`?N`, an object binds
 * `:name`/`@name`/`$name` (keys may carry the sigil or not).
 *
 * @throws CellarError `CELLAR_ERR_QUERY_INVALID` for anything but numbers, strings, booleans,
 *   null (and bigints), or more than {@link MAX_QUERY_PARAMS} parameters.
 */
export function toBindParams(params: unknown): BindParams {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) {
    if (params.length > MAX_QUERY_PARAMS) throw invalid(`more than ${MAX_QUERY_PARAMS} parameters`);
    return params.map((value, i) => bindValue(value, `parameter ${i + 1}`));
  }
  if (typeof params !== 'object') throw invalid('they must be an array or an object');
  const entries = Object.entries(params);
  if (entries.length > MAX_QUERY_PARAMS) throw invalid(`more than ${MAX_QUERY_PARAMS} parameters`);
  // No prototype: a parameter named __proto__ must stay a parameter.
  const named = Object.create(null) as Record<string, BindValue>;
  for (const [key, value] of entries) {
    const name = key.replace(/^[:@$]/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw invalid(`${JSON.stringify(key.slice(0, 64))} is not a parameter name`);
    named[name] = bindValue(value, `parameter ${name}`);
  }
  return named;
}
