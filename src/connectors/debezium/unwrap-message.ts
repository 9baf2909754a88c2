import { isRecord } from './decode-types.js';

/**
 * A message with its transport wrappings taken off: either a tombstone or the Debezium value
 * (an envelope, or a flattened row) together with the JSON-converter schema that came with it.
 */
export type UnwrappedMessage =
  | { readonly kind: 'tombstone' }
  | {
      readonly kind: 'value';
      readonly value: unknown;
      /** The `schema` part of `{schema, payload}`; `undefined` when there was none. Any JSON. */
      readonly schema: unknown;
    };

/**
 * Takes off the wrappings a Debezium value arrives in:
 * - `{key, value}` (a Kafka record written out as JSON) → `value`;
 * - `{schema, payload}` (Kafka Connect's JsonConverter with `schemas.enable=true`), also
 *   `{payload}` alone → `payload`, keeping `schema`;
 * - anything else is the bare value.
 *
 * `null`, `{schema: null, payload: null}` and `{key, value: null}` are tombstones.
 *
 * Caveat: a wrapper is recognised by having exactly those keys, so a flattened row whose only
 * columns are `key` and `value` (or `schema` and `payload`) is read as a wrapper. Debezium
 * envelopes never have such top-level fields, so the envelope format is unaffected.
 */
export function unwrapMessage(message: unknown): UnwrappedMessage {
  let value = message;
  let schema: unknown;
  if (isKeyValueRecord(value)) value = value.value;
  if (isSchemaPayload(value)) {
    schema = value.schema;
    value = value.payload;
  }
  if (value === null || value === undefined) return { kind: 'tombstone' };
  return { kind: 'value', value, schema };
}

function isKeyValueRecord(value: unknown): value is { key: unknown; value: unknown } {
  return isRecord(value) && hasExactly(value, ['key', 'value']);
}

function isSchemaPayload(value: unknown): value is { schema?: unknown; payload: unknown } {
  if (!isRecord(value) || !Object.hasOwn(value, 'payload')) return false;
  return hasExactly(value, ['schema', 'payload']) || hasExactly(value, ['payload']);
}

function hasExactly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(value, k));
}
