import type { ErrorCode } from '../../errors.js';
import type { ChangeEvent } from '../../sync/change-event.js';

/**
 * Where a Debezium event says its row came from: `source.schema` / `source.table` of the
 * envelope (or `__schema` / `__table` of an unwrapped row), and the topic it was read from, when
 * the caller knows it. Empty strings are passed as absent.
 */
export interface SourceTable {
  readonly schema?: string;
  readonly table?: string;
  readonly topic?: string;
}

/** Maps a source table to a product table name, or `undefined` when the product does not map it. */
export type TableFor = (sourceTable: SourceTable) => string | undefined;

/** Wire formats the decoder understands. */
export type DebeziumFormat = 'debezium' | 'debezium-unwrapped';

export interface DecodeOptions {
  /**
   * `debezium`: the full change-event envelope (`before`, `after`, `source`, `op`).
   * `debezium-unwrapped`: rows flattened by the ExtractNewRecordState transformation.
   */
  readonly format: DebeziumFormat;
  readonly tableFor: TableFor;
  /** The Kafka topic the value came from, when there is one; a fallback for finding the table. */
  readonly topic?: string;
}

/**
 * What one decoded message is:
 * - `event`: a row change (or a truncate) for the engine; the caller adds the position.
 * - `skip`: a message that carries no row change (tombstone, transaction metadata, logical
 *   decoding message); `why` says which. Callers advance past it.
 * - `error`: input that cannot become a change event; it belongs in the dead-letter store.
 *   `reason` names fields and source tables, never row values.
 */
export type DecodeResult =
  | { readonly kind: 'event'; readonly event: Omit<ChangeEvent, 'position'> }
  | { readonly kind: 'skip'; readonly why: string }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly reason: string };

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names the JSON type of a value for error messages, without showing the value. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function decodeError(reason: string, code: ErrorCode = 'CELLAR_ERR_EVENT_DECODE'): DecodeResult {
  return { kind: 'error', code, reason };
}

export function skip(why: string): DecodeResult {
  return { kind: 'skip', why };
}

/**
 * Epoch milliseconds from a number or a digit string (some producers write `ts_ms` as a string),
 * or `undefined`.
 */
export function epochMs(value: unknown): number | undefined {
  const n =
    (typeof value === 'string' && /^-?\d+$/.test(value)) || typeof value === 'bigint' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A source transaction id as text, or `undefined` when absent or not a scalar. */
export function transactionId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** `{ [key]: value }` when value is a non-empty string, else `{}` — for building a SourceTable. */
export function nonEmptyField<K extends keyof SourceTable>(
  key: K,
  value: unknown,
): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}
