import type { FieldHint } from '../../sync/change-event.js';
import { canonicalJsonText, stringifyJson } from './json-text.js';
import { pgArrayToJson } from './pg-array.js';

/**
 * A `json` column value as minified JSON text. A string is JSON text (PostgreSQL json/jsonb,
 * Debezium `io.debezium.data.Json`) and is kept token for token, so big numbers keep their
 * digits; with `hint.pgType` naming an array type (`_text`, `_int4`…) it is PostgreSQL array
 * text and becomes a JSON array. Any other value is a JSON value and is serialized (bigints
 * exactly).
 *
 * Caveat: a bare string value must therefore be given as JSON text (`"\"hello\""`).
 */
export function toStoredJson(value: unknown, hint: FieldHint | undefined): string {
  if (typeof value === 'string') {
    if (hint?.pgType?.startsWith('_') === true) return pgArrayToJson(value, hint.pgType);
    return canonicalJsonText(value);
  }
  return stringifyJson(value);
}
