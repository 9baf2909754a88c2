import type { Row } from '../../sync/change-event.js';

/**
 * Debezium's default `unavailable.value.placeholder`: what it writes for a TOASTed column whose
 * value PostgreSQL did not send because it did not change (REPLICA IDENTITY DEFAULT).
 */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';

/** The placeholder as a `bytea` column carries it: the placeholder's bytes, base64-encoded. */
export const UNAVAILABLE_VALUE_BASE64 = Buffer.from(UNAVAILABLE_VALUE, 'utf8').toString('base64');

/** True when a column value is Debezium's "unchanged, not sent" placeholder in any of its forms. */
export function isUnavailable(value: unknown): boolean {
  if (value === UNAVAILABLE_VALUE || value === UNAVAILABLE_VALUE_BASE64) return true;
  // Array columns carry the placeholder as a one-element array.
  return Array.isArray(value) && value.length === 1 && value[0] === UNAVAILABLE_VALUE;
}

/**
 * The row without its placeholder columns. A column absent from an `after` image means "keep the
 * stored value" (see change-event.ts), which is exactly what the placeholder means. Returns the
 * same object when there is nothing to drop.
 */
export function dropUnavailable(row: Row): Row {
  let out: Record<string, unknown> | undefined;
  for (const [column, value] of Object.entries(row)) {
    if (!isUnavailable(value)) continue;
    out ??= { ...row };
    delete out[column];
  }
  return out ?? row;
}
